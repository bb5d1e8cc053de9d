package packaging

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

const (
	pkgName  = "motcua-kiosk"
	dataDir  = "/var/lib/motcua-kiosk"
	etcDir   = "/etc/motcua"
	unitPath = "/usr/lib/systemd/system/motcua-portal.service"
	// testMark is left in the data directory by this test: a package found
	// installed with it is a leftover of an interrupted run, not a kiosk.
	testMark = dataDir + "/.installed-by-deb-test"
)

// TestDebInstallRemovePurge installs the package built by scripts/deb.sh
// (or the one named by MOTCUA_DEB) on this machine, runs it from "/",
// checks file modes and the systemd unit, removes it (data and config stay),
// reinstalls it (they are kept and still private) and purges it (they go).
// It needs root, as CI has; it refuses to touch a real installation.
func TestDebInstallRemovePurge(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Fatal("this test installs a Debian package and must run as root (CI does).\n" +
			`Run it alone, from the repository, with:  sudo env "PATH=$PATH" make deb-test` + "\n" +
			"It refuses to replace a real motcua-kiosk installation.")
	}
	for tool, pkg := range map[string]string{"dpkg": "dpkg", "dpkg-deb": "dpkg", "dpkg-shlibdeps": "dpkg-dev", "runuser": "util-linux", "useradd": "passwd"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Fatalf("%s is missing; install it with: apt-get install -y %s", tool, pkg)
		}
	}
	lockMachine(t) // one run at a time per machine: they share dpkg and /etc
	safeToInstall(t)
	_, userErr := user.Lookup("motcua")
	hadUser := userErr == nil
	installed := false // by this run: purge it whatever happens
	t.Cleanup(func() { cleanUp(t, hadUser, installed) })

	deb := os.Getenv("MOTCUA_DEB")
	if deb == "" {
		deb = buildDeb(t)
	}
	st, err := os.Stat(deb)
	if err != nil {
		t.Fatal(err)
	}
	version := strings.TrimSpace(mustRun(t, "", "dpkg-deb", "-f", deb, "Version"))
	t.Logf("package %s: %.1f MiB, version %s, installs %s KiB", filepath.Base(deb), float64(st.Size())/(1<<20), version,
		strings.TrimSpace(mustRun(t, "", "dpkg-deb", "-f", deb, "Installed-Size")))

	// The archive itself: owners, modes and dependencies.
	listing := mustRun(t, "", "dpkg-deb", "-c", deb)
	for _, want := range []string{
		"-rwxr-xr-x root/root .* ./usr/bin/kiosk\n", "-rwxr-xr-x root/root .* ./usr/bin/portal\n", "-rwxr-xr-x root/root .* ./usr/bin/cardsim\n",
		"-rw------- root/root .* ./etc/motcua/config.json\n", "-rw------- root/root .* ./etc/motcua/portal.env\n",
		"-rw-r--r-- root/root .* ./usr/share/applications/vn.motcua.kiosk.desktop\n",
		"-rw-r--r-- root/root .* ./usr/share/icons/hicolor/scalable/apps/vn.motcua.kiosk.svg\n",
		"-rw-r--r-- root/root .* ./etc/xdg/autostart/vn.motcua.kiosk-autostart.desktop\n",
		"-rw-r--r-- root/root .* ./usr/lib/systemd/system/motcua-portal.service\n",
	} {
		if !matches(want, listing) {
			t.Errorf("package listing lacks %q:\n%s", want, listing)
		}
	}
	if strings.Contains(listing, "/var/lib/") {
		t.Error("the package ships files in /var/lib: dpkg would delete them on removal")
	}
	depends := mustRun(t, "", "dpkg-deb", "-f", deb, "Depends")
	for _, want := range []string{"pcscd", "libpcsclite1", "libc6", "libgl1"} {
		if !strings.Contains(depends, want) {
			t.Errorf("Depends lacks %s: %s", want, depends)
		}
	}

	start := time.Now()
	installed = true
	mustRun(t, "", "dpkg", "-i", deb)
	t.Logf("dpkg -i took %v", time.Since(start).Round(time.Millisecond))
	if err := os.WriteFile(testMark, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	wantStatus(t, "install ok installed")

	// Modes and owners on disk.
	checkModes(t, []modeCheck{
		{"/usr/bin/kiosk", 0o755, "root", false},
		{"/usr/bin/portal", 0o755, "root", false},
		{"/usr/bin/cardsim", 0o755, "root", false},
		{etcDir + "/config.json", 0o600, "motcua", false},
		{etcDir + "/portal.env", 0o600, "root", false},
		{dataDir, 0o700, "motcua", true},
		{unitPath, 0o644, "root", false},
	})

	// The binary stands alone: from "/", under the C.UTF-8 locale, nothing
	// but the command's output.
	home := t.TempDir()
	v := cleanRun(t, home, "", "kiosk", "version", "--json")
	var info struct{ Version, Commit, BuildDate string }
	if err := json.Unmarshal([]byte(v), &info); err != nil || info.Version != version || info.Commit == "" || info.BuildDate == "" {
		t.Errorf("kiosk version --json = %s (%v), want version %s with commit and build date", v, err, version)
	}
	if out := cleanRun(t, home, "", "kiosk", "read", "--sim", "nguyen-van-an"); !matches(`Passive auth +passed`, out) {
		t.Errorf("kiosk read --sim nguyen-van-an:\n%s", out)
	}
	if out := cleanRun(t, home, "", "kiosk", "procedures"); !matches(`\d+ entries`, out) {
		t.Errorf("kiosk procedures:\n%s", out)
	}
	// The kiosk account reads too (its cache is in its home, the data dir).
	if out := cleanRun(t, "", "motcua", "kiosk", "read", "--sim", "faults/tamper-dg13"); !matches(`Passive auth +failed`, out) {
		t.Errorf("kiosk read --sim faults/tamper-dg13 as motcua:\n%s", out)
	}
	for _, bin := range []string{"portal", "cardsim"} {
		if out, err := run(t, home, "", bin, "--help"); err != nil || !strings.Contains(out, "-data") && !strings.Contains(out, "-card") {
			t.Errorf("%s --help: %v\n%s", bin, err, out)
		}
	}
	// Autostart: another account gets no kiosk; the kiosk account gets the
	// app, which refuses the shipped config until the checklist is done.
	if out, _ := run(t, home, "", "kiosk", "session", "--autostart"); !strings.Contains(out, "not starting the kiosk") {
		t.Errorf("autostart as root:\n%s", out)
	}
	out, err := run(t, "", "motcua", "kiosk", "session", "--autostart")
	if err == nil || !strings.Contains(out, "token is not set") || !strings.Contains(out, "clerks is not set") {
		t.Errorf("autostart as motcua on the shipped config: %v\n%s", err, out)
	}

	// The portal's unit: valid, and not enabled.
	if _, err := exec.LookPath("systemd-analyze"); err == nil {
		if out, err := run(t, home, "", "systemd-analyze", "verify", unitPath); err != nil {
			t.Errorf("systemd-analyze verify: %v\n%s", err, out)
		}
	} else {
		t.Log("systemd-analyze not available: unit not verified")
	}
	if links, _ := filepath.Glob("/etc/systemd/system/*.wants/motcua-portal.service"); len(links) > 0 {
		t.Errorf("the portal service is enabled: %v", links)
	}

	// Data the kiosk made: its store and key (a queue listing opens them),
	// and an edited config.
	cleanRun(t, "", "motcua", "kiosk", "queue", "list", "--config", etcDir+"/config.json")
	before := dataFiles(t)
	if len(before) < 2 {
		t.Fatalf("the kiosk made no data in %s: %v", dataDir, before)
	}
	editConfig(t, `"kioskId": "KIOSK-01"`, `"kioskId": "KIOSK-TEST-7"`)

	// An upgrade to a newer version keeps the data and the edited config.
	mustRun(t, "", "dpkg", "-i", repack(t, deb, version+"+upgrade1"))
	if after := dataFiles(t); !sameFiles(before, after) {
		t.Errorf("data changed by the upgrade:\nbefore %v\nafter  %v", before, after)
	}
	wantConfig(t, "KIOSK-TEST-7")
	checkModes(t, []modeCheck{{etcDir + "/config.json", 0o600, "motcua", false}, {dataDir, 0o700, "motcua", true}})

	mustRun(t, "", "dpkg", "-r", pkgName)
	wantStatus(t, "deinstall ok config-files")
	for _, gone := range []string{"/usr/bin/kiosk", "/usr/share/applications/vn.motcua.kiosk.desktop", unitPath} {
		if _, err := os.Stat(gone); err == nil {
			t.Errorf("%s is still there after dpkg -r", gone)
		}
	}
	if after := dataFiles(t); !sameFiles(before, after) {
		t.Errorf("data changed by dpkg -r:\nbefore %v\nafter  %v", before, after)
	}
	wantConfig(t, "KIOSK-TEST-7")

	// Reinstall (as an upgrade would): data, the edited config, and its
	// privacy all kept.
	mustRun(t, "", "dpkg", "-i", deb)
	wantStatus(t, "install ok installed")
	if after := dataFiles(t); !sameFiles(before, after) {
		t.Errorf("data changed by reinstalling:\nbefore %v\nafter  %v", before, after)
	}
	wantConfig(t, "KIOSK-TEST-7")
	checkModes(t, []modeCheck{{etcDir + "/config.json", 0o600, "motcua", false}, {dataDir, 0o700, "motcua", true}})

	mustRun(t, "", "dpkg", "--purge", pkgName)
	for _, gone := range []string{dataDir, etcDir} {
		if _, err := os.Stat(gone); err == nil {
			t.Errorf("%s is still there after purge", gone)
		}
	}
	if out, _ := run(t, "", "", "dpkg-query", "-W", "-f", "${db:Status-Abbrev}", pkgName); !strings.Contains(out, "no packages found") && !strings.HasPrefix(out, "un") {
		t.Errorf("after purge dpkg says %q", out)
	}
}

// lockMachine holds an exclusive lock for the rest of the test, so that a
// second run (another worktree's `make test`) waits instead of purging the
// package the first one is testing.
func lockMachine(t *testing.T) {
	t.Helper()
	dir := "/run/lock"
	if st, err := os.Stat(dir); err != nil || !st.IsDir() {
		dir = os.TempDir()
	}
	f, err := os.OpenFile(filepath.Join(dir, "motcua-kiosk-deb-test.lock"), os.O_CREATE|os.O_RDWR, 0o600)
	if err != nil {
		t.Fatal(err)
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX); err != nil {
		f.Close()
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() }) // closing releases the lock, after cleanUp (LIFO)
}

// safeToInstall refuses to run where a real installation (or its data)
// exists; a leftover of an interrupted run of this test is purged.
func safeToInstall(t *testing.T) {
	t.Helper()
	status, _ := run(t, "", "", "dpkg-query", "-W", "-f", "${db:Status-Abbrev}", pkgName)
	status = strings.TrimSpace(status)
	installed := status != "" && !strings.HasPrefix(status, "un") && !strings.HasPrefix(status, "dpkg-query")
	_, markErr := os.Stat(testMark)
	if markErr == nil {
		t.Logf("purging the package left by an interrupted run of this test (status %q)", status)
		mustRun(t, "", "dpkg", "--purge", pkgName)
		os.RemoveAll(dataDir)
		return
	}
	if installed {
		t.Fatalf("%s is installed on this machine (dpkg status %q) and this test would replace and purge it.\n"+
			"Run the test on a throwaway machine or container, or remove the package first (apt purge %s deletes its data).", pkgName, status, pkgName)
	}
	for _, d := range []string{dataDir, etcDir} {
		if _, err := os.Stat(d); err == nil {
			t.Fatalf("%s exists without the package (data of an earlier installation?); this test would delete it on purge.\n"+
				"Move it away first, or run the test on a throwaway machine or container.", d)
		}
	}
}

// cleanUp purges the package if a failure left it, and deletes the kiosk
// account if the test created it.
func cleanUp(t *testing.T, hadUser, installed bool) {
	if _, err := os.Stat(testMark); err == nil || installed {
		if out, err := exec.Command("dpkg", "--purge", pkgName).CombinedOutput(); err != nil {
			t.Errorf("cleanup: dpkg --purge: %v\n%s", err, out)
		}
	}
	if !hadUser {
		if _, err := user.Lookup("motcua"); err == nil {
			if out, err := exec.Command("userdel", "motcua").CombinedOutput(); err != nil {
				t.Errorf("cleanup: userdel motcua: %v\n%s", err, out)
			}
		}
		if _, err := user.LookupGroup("motcua"); err == nil {
			exec.Command("groupdel", "motcua").Run()
		}
	}
}

// buildDeb runs scripts/deb.sh into a temporary directory.
func buildDeb(t *testing.T) string {
	t.Helper()
	app := fyneApp(t)
	commit, _ := exec.Command("git", "rev-parse", "HEAD").Output()
	start := time.Now()
	out := mustRun(t, "..", "scripts/deb.sh", t.TempDir(), app["Details.Version"], strings.TrimSpace(string(commit)), time.Now().UTC().Format(time.RFC3339))
	lines := strings.Split(strings.TrimSpace(out), "\n")
	t.Logf("scripts/deb.sh took %v", time.Since(start).Round(time.Second))
	return lines[len(lines)-1]
}

// repack makes a copy of deb with another version, as the next release
// would be, with dpkg-deb's own unpack and build.
func repack(t *testing.T, deb, version string) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "pkg")
	mustRun(t, "", "dpkg-deb", "-R", deb, dir)
	control := filepath.Join(dir, "DEBIAN", "control")
	b, err := os.ReadFile(control)
	if err != nil {
		t.Fatal(err)
	}
	b = regexp.MustCompile(`(?m)^Version: .*$`).ReplaceAll(b, []byte("Version: "+version))
	if err := os.WriteFile(control, b, 0o644); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(t.TempDir(), "next.deb")
	mustRun(t, "", "dpkg-deb", "--root-owner-group", "-Zgzip", "--build", dir, out)
	return out
}

// run runs a command with a clean environment (C.UTF-8 locale) from dir
// ("" is "/"), as user when set; it returns stdout and stderr together.
func run(t *testing.T, home, as string, name string, args ...string) (string, error) {
	t.Helper()
	cmd := execAs(home, as, name, args...)
	out, err := cmd.CombinedOutput()
	return string(out), err
}

func execAs(home, as, name string, args ...string) *exec.Cmd {
	if as != "" {
		args = append([]string{"-u", as, "--", name}, args...)
		name = "runuser"
	}
	cmd := exec.Command(name, args...)
	cmd.Dir = "/"
	cmd.Env = []string{"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "LANG=C.UTF-8"}
	if home != "" {
		cmd.Env = append(cmd.Env, "HOME="+home)
	}
	return cmd
}

// mustRun runs a command from dir (relative to this package; "" for "/") as
// root and returns its stdout; a failure ends the test with its output.
func mustRun(t *testing.T, dir, name string, args ...string) string {
	t.Helper()
	cmd := exec.Command(name, args...)
	cmd.Dir = "/"
	if dir != "" {
		cmd.Dir = dir
	}
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("%s %s: %v\n%s%s", name, strings.Join(args, " "), err, stdout.String(), stderr.String())
	}
	return stdout.String()
}

// cleanRun runs a CLI command that must succeed with an empty stderr.
func cleanRun(t *testing.T, home, as, name string, args ...string) string {
	t.Helper()
	cmd := execAs(home, as, name, args...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("%s %s: %v\n%s%s", name, strings.Join(args, " "), err, stdout.String(), stderr.String())
	}
	if stderr.Len() > 0 {
		t.Errorf("%s %s wrote to stderr:\n%s", name, strings.Join(args, " "), stderr.String())
	}
	return stdout.String()
}

type modeCheck struct {
	path  string
	mode  os.FileMode
	owner string
	dir   bool
}

func checkModes(t *testing.T, checks []modeCheck) {
	t.Helper()
	for _, c := range checks {
		st, err := os.Stat(c.path)
		if err != nil {
			t.Errorf("%s: %v", c.path, err)
			continue
		}
		if st.Mode().Perm() != c.mode || st.IsDir() != c.dir {
			t.Errorf("%s: mode %v, want %v (dir %v)", c.path, st.Mode(), c.mode, c.dir)
		}
		u, err := user.LookupId(uidString(st))
		if err != nil || u.Username != c.owner {
			t.Errorf("%s: owner %s (%v), want %s", c.path, uidString(st), err, c.owner)
		}
	}
}

func uidString(st os.FileInfo) string {
	if s, ok := st.Sys().(*syscall.Stat_t); ok {
		return strconv.Itoa(int(s.Uid))
	}
	return "?"
}

func matches(pattern, s string) bool { return regexp.MustCompile(pattern).MatchString(s) }

func wantStatus(t *testing.T, want string) {
	t.Helper()
	out := mustRun(t, "", "dpkg-query", "-W", "-f", "${Status}", pkgName)
	if strings.TrimSpace(out) != want {
		t.Fatalf("dpkg status %q, want %q", out, want)
	}
}

// dataFiles lists the data directory's files with sizes and modification
// times.
func dataFiles(t *testing.T) []string {
	t.Helper()
	var files []string
	err := filepath.Walk(dataDir, func(p string, fi os.FileInfo, err error) error {
		if err != nil {
			return err
		}
		if fi.Mode().IsRegular() {
			files = append(files, p+" "+strconv.FormatInt(fi.Size(), 10)+" "+fi.ModTime().Format(time.RFC3339Nano))
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return files
}

func sameFiles(a, b []string) bool { return strings.Join(a, "\n") == strings.Join(b, "\n") }

func editConfig(t *testing.T, old, new string) {
	t.Helper()
	p := etcDir + "/config.json"
	b, err := os.ReadFile(p)
	if err != nil || !bytes.Contains(b, []byte(old)) {
		t.Fatalf("config lacks %q: %v", old, err)
	}
	if err := os.WriteFile(p, bytes.Replace(b, []byte(old), []byte(new), 1), 0o600); err != nil {
		t.Fatal(err)
	}
}

func wantConfig(t *testing.T, has string) {
	t.Helper()
	b, err := os.ReadFile(etcDir + "/config.json")
	if err != nil || !bytes.Contains(b, []byte(has)) {
		t.Errorf("config lost the administrator's edit %q: %v", has, err)
	}
}
