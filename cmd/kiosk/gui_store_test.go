package main

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"motcua/kiosk/i18n"
	"motcua/offline/store"
)

// Issue 13.1–13.3 in the app: a store without its key, a key without its
// store, or a damaged store stop the app before it opens, with a message
// key that has its text in both languages; nothing is created.
func TestAppRefusesBrokenStore(t *testing.T) {
	sim := filepath.Join("..", "..", "seeds", "cards", "nguyen-van-an.json")
	for _, tt := range []struct {
		name  string
		fault func(dir string)
		want  error
	}{
		{"key lost", func(dir string) { os.Remove(filepath.Join(dir, "data.key")) }, store.ErrKeyMissing},
		{"store lost", func(dir string) { os.Remove(filepath.Join(dir, store.FileName)) }, store.ErrStoreMissing},
		{"store damaged", func(dir string) {
			os.WriteFile(filepath.Join(dir, store.FileName), bytes.Repeat([]byte{0xA5}, 64<<10), 0o600)
		}, store.ErrCorrupt},
	} {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			st, err := store.OpenDir(dir, filepath.Join(dir, "data.key"), store.Options{})
			if err != nil {
				t.Fatal(err)
			}
			st.Close()
			tt.fault(dir)
			p, err := guiParts(t, "--data", dir, "--portal", "http://127.0.0.1:1", "--sim", sim)
			if err == nil {
				p.stop()
			}
			if !errors.Is(err, tt.want) {
				t.Fatalf("buildParts: %v, want %v", err, tt.want)
			}
			key := store.MessageKey(err)
			text := i18n.Default()
			for _, l := range []i18n.Lang{i18n.VI, i18n.EN} {
				if msg := text.In(l, key); msg == "" || msg == key {
					t.Errorf("%s: no %s text for %q", tt.name, l, key)
				}
			}
			if tt.want == store.ErrCorrupt && !strings.Contains(text.In(i18n.VI, key), "Cơ sở dữ liệu hỏng") {
				t.Errorf("the Vietnamese message does not say the database is damaged: %q", text.In(i18n.VI, key))
			}
		})
	}
}
