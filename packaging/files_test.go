package packaging

import (
	"bufio"
	"errors"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"motcua/kiosk/config"
)

// desktopEntry reads the [Desktop Entry] group of a .desktop file.
func desktopEntry(t *testing.T, path string) map[string]string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	m := map[string]string{}
	group := ""
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		switch {
		case line == "" || strings.HasPrefix(line, "#"):
		case strings.HasPrefix(line, "["):
			group = line
		case group == "[Desktop Entry]":
			k, v, ok := strings.Cut(line, "=")
			if !ok {
				t.Errorf("%s: line %q is not KEY=VALUE", path, line)
				continue
			}
			if _, dup := m[k]; dup {
				t.Errorf("%s: key %s twice", path, k)
			}
			m[k] = v
		}
	}
	return m
}

// fyneApp reads the KEY = "VALUE" and KEY = [...] lines of FyneApp.toml by
// section (enough for the metadata file; no TOML library needed).
func fyneApp(t *testing.T) map[string]string {
	t.Helper()
	b, err := os.ReadFile("../cmd/kiosk/FyneApp.toml")
	if err != nil {
		t.Fatal(err)
	}
	m := map[string]string{}
	section := ""
	re := regexp.MustCompile(`^\s*(\w+)\s*=\s*(.+?)\s*$`)
	for _, line := range strings.Split(string(b), "\n") {
		line = strings.TrimSpace(line)
		if strings.HasPrefix(line, "[") {
			section = strings.Trim(line, "[]") + "."
			continue
		}
		if sm := re.FindStringSubmatch(line); sm != nil && !strings.HasPrefix(line, "#") {
			m[section+sm[1]] = strings.Trim(sm[2], `"`)
		}
	}
	return m
}

func TestDesktopEntriesFollowFyneApp(t *testing.T) {
	app := fyneApp(t)
	id := app["Details.ID"]
	if id != "vn.motcua.kiosk" {
		t.Fatalf("FyneApp.toml ID = %q", id)
	}
	if _, err := os.Stat(filepath.Join("../cmd/kiosk", app["Details.Icon"])); err != nil {
		t.Errorf("FyneApp.toml Icon: %v", err)
	}
	if !regexp.MustCompile(`^\d+\.\d+\.\d+$`).MatchString(app["Details.Version"]) {
		t.Errorf("FyneApp.toml Version %q is not MAJOR.MINOR.PATCH", app["Details.Version"])
	}
	wantCats := strings.Trim(app["LinuxAndBSD.Categories"], "[]")
	wantCats = strings.ReplaceAll(strings.ReplaceAll(wantCats, `"`, ""), ", ", ";") + ";"
	menu := desktopEntry(t, "files/"+id+".desktop")
	auto := desktopEntry(t, "files/"+id+"-autostart.desktop")
	cases := []struct {
		entry     map[string]string
		key, want string
	}{
		{menu, "Type", "Application"},
		{menu, "Name", app["Details.Name"]},
		{menu, "GenericName", app["LinuxAndBSD.GenericName"]},
		{menu, "Comment", app["LinuxAndBSD.Comment"]},
		{menu, "Icon", id},
		{menu, "Categories", wantCats},
		{menu, "Exec", "kiosk session"},
		{menu, "Terminal", "false"},
		{auto, "Type", "Application"},
		{auto, "Icon", id},
		{auto, "Exec", "kiosk session --autostart"},
		{auto, "NoDisplay", "true"},
	}
	for _, c := range cases {
		if got := c.entry[c.key]; got != c.want {
			t.Errorf("%s = %q, want %q", c.key, got, c.want)
		}
	}
}

// TestShippedConfig: the conffile is a production config, parses with the
// kiosk's own loader (unknown fields refused), and ships no working secret,
// so a fresh install refuses to open until the first-run checklist is done.
func TestShippedConfig(t *testing.T) {
	c := config.Default()
	if err := c.LoadFile("files/config.json", false); err != nil {
		t.Fatal(err)
	}
	if c.Profile != config.Production || c.Reader != "pcsc" || c.DataDir != "/var/lib/motcua-kiosk" || c.TrustDir != config.ProductionTrustDir {
		t.Errorf("shipped config = %+v", c)
	}
	err := c.Check()
	if !errors.Is(err, config.ErrProduction) {
		t.Fatalf("Check = %v, want ErrProduction", err)
	}
	for _, field := range []string{"token", "clerks", "adminPin", "agencyName"} {
		if !strings.Contains(err.Error(), field+" is not set") {
			t.Errorf("Check does not ask for %s: %v", field, err)
		}
	}
	// Every field of the config is written out, so the file documents them.
	b, _ := os.ReadFile("files/config.json")
	doc, _ := os.ReadFile("files/README.Debian")
	for _, key := range regexp.MustCompile(`"(\w+)":`).FindAllStringSubmatch(string(b), -1) {
		if !strings.Contains(string(doc), "  "+key[1]+" ") {
			t.Errorf("README.Debian does not document %q", key[1])
		}
	}
}

func TestControlAndScripts(t *testing.T) {
	b, err := os.ReadFile("debian/control.in")
	if err != nil {
		t.Fatal(err)
	}
	control := string(b)
	for _, want := range []string{"Package: motcua-kiosk", "Depends: @SHLIBS@, pcscd", "Installed-Size: @SIZE@"} {
		if !strings.Contains(control, want) {
			t.Errorf("control.in lacks %q", want)
		}
	}
	cf, _ := os.ReadFile("debian/conffiles")
	conffiles := strings.Fields(string(cf))
	for _, want := range []string{"/etc/motcua/config.json", "/etc/motcua/portal.env", "/etc/xdg/autostart/vn.motcua.kiosk-autostart.desktop"} {
		if !slices.Contains(conffiles, want) {
			t.Errorf("conffiles lacks %s", want)
		}
	}
	// Data goes only on purge: no rm in postinst or prerm, and postrm's rm
	// sits in the purge branch.
	for _, s := range []string{"postinst", "prerm"} {
		b, _ := os.ReadFile("debian/" + s)
		if strings.Contains(string(b), "rm -") {
			t.Errorf("%s removes files", s)
		}
	}
	post, _ := os.ReadFile("debian/postrm")
	purge := strings.Index(string(post), "purge)")
	rm := strings.Index(string(post), "rm -rf /var/lib/motcua-kiosk")
	next := strings.Index(string(post), ";;")
	if purge < 0 || rm < purge || rm > next {
		t.Error("postrm deletes data outside its purge branch")
	}
	for _, s := range []string{"postinst", "prerm", "postrm"} {
		st, err := os.Stat("debian/" + s)
		if err != nil || st.Mode().Perm()&0o111 == 0 {
			t.Errorf("debian/%s is not executable: %v", s, err)
		}
	}
}
