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
