package store

import (
	"bufio"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"motcua/offline/dossier"
	"motcua/offline/internal/testdossier"
	"motcua/offline/seal"
)

// TestHelperProcess is the child of TestKillDuringKeyRotation (selected by
// H5_STORE_HELPER): it rotates the data key over and over until killed.
func TestHelperProcess(t *testing.T) {
	dir := os.Getenv("H5_STORE_HELPER")
	if dir == "" {
		return
	}
	defer os.Exit(0)
	s, err := OpenDir(dir, filepath.Join(dir, "data.key"), Options{Retention: Keep, Timeout: 10 * time.Second})
	if err != nil {
		fmt.Println("error", err)
		os.Exit(3)
	}
	fmt.Println("ready")
	for {
		if _, err := s.RotateKey(Actor{Clerk: "t"}); err != nil {
			fmt.Println("error", err)
			os.Exit(3)
		}
	}
}

// TestKillDuringKeyRotation kills a process with SIGKILL at random points of
// key rotation (key file rewrite, re-sealing chunks, retiring the old key):
// every dossier must stay readable after every kill.
func TestKillDuringKeyRotation(t *testing.T) {
	dir := t.TempDir()
	// Setup without fsync; the helper rotates with fsync.
	s := openStore(t, dir, Options{Retention: Keep, Now: time.Now, NoSync: true})
	// More than one re-seal chunk per bucket.
	for i := 0; i < 700; i++ {
		d := testdossier.New(i, time.Now())
		if _, _, err := s.Enqueue(d, withAttachment(d, i)); err != nil {
			t.Fatal(err)
		}
	}
	s.Close()
	maxKeys := 0
	for r := 0; r < 20; r++ {
		cmd := exec.Command(os.Args[0], "-test.run=^TestHelperProcess$")
		cmd.Env = append(os.Environ(), "H5_STORE_HELPER="+dir)
		out, _ := cmd.StdoutPipe()
		cmd.Stderr = os.Stderr
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		sc := bufio.NewScanner(out)
		if !sc.Scan() || sc.Text() != "ready" {
			cmd.Process.Kill()
			cmd.Wait()
			t.Fatalf("round %d: helper said %q", r, sc.Text())
		}
		time.Sleep(time.Duration(rand.IntN(150_000)) * time.Microsecond)
		cmd.Process.Signal(syscall.SIGKILL)
		for sc.Scan() {
			if l := sc.Text(); l != "" {
				t.Fatalf("round %d: helper: %s", r, l)
			}
		}
		cmd.Wait()
		kr, err := seal.LoadOrCreate(filepath.Join(dir, "data.key"))
		if err != nil {
			t.Fatalf("round %d: key file: %v", r, err)
		}
		maxKeys = max(maxKeys, len(kr.KeyIDs()))
		s := openStore(t, dir, Options{Retention: Keep})
		probs, err := s.Check()
		s.Close()
		if err != nil || len(probs) > 0 {
			t.Fatalf("round %d: after a kill mid-rotation: %d problems (%v), first %v", r, len(probs), err, probs)
		}
	}
	t.Logf("20 kills; up to %d keys in the file at a kill", maxKeys)
}

// TestHelperStaging is the child of TestKillDuringStaging (selected by
// H5_STORE_STAGE): it streams 2 MiB attachments in and enqueues a dossier
// with each, durably, printing each acknowledged one, until killed.
func TestHelperStaging(t *testing.T) {
	dir := os.Getenv("H5_STORE_STAGE")
	if dir == "" {
		return
	}
	defer os.Exit(0)
	s, err := OpenDir(dir, filepath.Join(dir, "data.key"), Options{Retention: Keep, Timeout: 10 * time.Second})
	if err != nil {
		fmt.Println("error", err)
		os.Exit(3)
	}
	fmt.Println("ready")
	base := rand.IntN(1 << 20)
	for i := base; ; i++ {
		p, err := s.Stage(gen(2<<20+7, uint64(i)), -1)
		if err != nil {
			fmt.Println("error", err)
			os.Exit(3)
		}
		d := testdossier.New(i, time.Now())
		d.Attachments = []dossier.Attachment{{Key: "scan", Name: "scan.pdf", Type: "application/pdf", SHA256: p.SHA256, Size: p.Size}}
		if _, _, err := s.EnqueueStaged([]*dossier.Dossier{d}, p); err != nil {
			fmt.Println("error", err)
			os.Exit(3)
		}
		fmt.Println("ok", d.ID, p.SHA256)
	}
}

// TestKillDuringStaging kills a process with SIGKILL while it streams
// attachments into the store and enqueues them: after every kill each
// acknowledged dossier's attachment reads back whole and matches its hash,
// no staged chunk is left once the store is opened again, and Check finds
// nothing wrong.
func TestKillDuringStaging(t *testing.T) {
	dir := t.TempDir()
	s := openStore(t, dir, Options{Retention: Keep, Now: time.Now})
	s.Close()
	acked := map[string]string{} // dossier ID -> attachment hash
	leftover := 0                // kills that left staged chunks
	for r := 0; r < 12; r++ {
		cmd := exec.Command(os.Args[0], "-test.run=^TestHelperStaging$")
		cmd.Env = append(os.Environ(), "H5_STORE_STAGE="+dir)
		out, _ := cmd.StdoutPipe()
		cmd.Stderr = os.Stderr
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		sc := bufio.NewScanner(out)
		if !sc.Scan() || sc.Text() != "ready" {
			cmd.Process.Kill()
			cmd.Wait()
			t.Fatalf("round %d: helper said %q", r, sc.Text())
		}
		go func() {
			time.Sleep(time.Duration(20_000+rand.IntN(300_000)) * time.Microsecond)
			cmd.Process.Signal(syscall.SIGKILL)
		}()
		for sc.Scan() {
			var id, sha string
			if _, err := fmt.Sscanf(sc.Text(), "ok %s %s", &id, &sha); err != nil {
				t.Fatalf("round %d: helper: %s", r, sc.Text())
			}
			acked[id] = sha
		}
		cmd.Wait()
		// What the kill left mid-staging, before Open clears it.
		if db, err := bolt.Open(filepath.Join(dir, FileName), 0o600, &bolt.Options{ReadOnly: true}); err == nil {
			db.View(func(tx *bolt.Tx) error {
				if tx.Bucket(bStaging).Stats().KeyN > 0 {
					leftover++
				}
				return nil
			})
			db.Close()
		}
		s := openStore(t, dir, Options{Retention: Keep, Now: time.Now})
		staged, orphans := bucketLen(t, s, bStaging), orphanChunks(t, s)
		probs, err := s.Check()
		for id, sha := range acked {
			if _, err := s.Get(id); err != nil {
				t.Fatalf("round %d: acknowledged dossier lost: %v", r, err)
			}
			got, err := readAttachment(s, sha)
			if err != nil || len(got) != 2<<20+7 {
				t.Fatalf("round %d: attachment of an acknowledged dossier: %d bytes, %v", r, len(got), err)
			}
		}
		s.Close()
		if err != nil || len(probs) > 0 || staged != 0 || orphans != 0 {
			t.Fatalf("round %d: %d problems (%v), first %v; %d staged, %d orphan chunks", r, len(probs), err, probs, staged, orphans)
		}
	}
	t.Logf("12 kills while staging (%d left staged chunks, deleted at the next Open); %d dossiers acknowledged, each attachment whole",
		leftover, len(acked))
}

// orphanChunks counts chunks whose object no attachment entry names.
func orphanChunks(t *testing.T, s *Store) int {
	t.Helper()
	n := 0
	s.db.View(func(tx *bolt.Tx) error {
		objs := map[string]bool{}
		tx.Bucket(bAttach).ForEach(func(_, v []byte) error {
			if e, err := parseEntry(v); err == nil && e.blob == nil {
				objs[string(e.obj)] = true
			}
			return nil
		})
		return tx.Bucket(bChunks).ForEach(func(k, _ []byte) error {
			if !objs[string(k[:objSize])] {
				n++
			}
			return nil
		})
	})
	return n
}
