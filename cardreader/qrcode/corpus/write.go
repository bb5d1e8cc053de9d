package corpus

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
)

// Manifest is the file WriteDir writes beside the frames.
const Manifest = "manifest.json"

// Entry describes one written frame: the JPEG the camera delivered, and
// the PGM of its luminance plane, which peers written in other languages
// read so every decoder sees exactly the same pixels.
type Entry struct {
	Frame
	JPEGFile string `json:"jpeg"`
	PGMFile  string `json:"pgm"`
}

// WriteDir writes frames into dir (NAME.jpg, NAME.pgm and Manifest).
func WriteDir(dir string, frames []Frame) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	entries := make([]Entry, len(frames))
	for i, f := range frames {
		img, err := f.Decode()
		if err != nil {
			return err
		}
		e := Entry{Frame: f, JPEGFile: f.Name + ".jpg", PGMFile: f.Name + ".pgm"}
		e.JPEG = nil
		if err := os.WriteFile(filepath.Join(dir, e.JPEGFile), f.JPEG, 0o644); err != nil {
			return err
		}
		w, h := img.Rect.Dx(), img.Rect.Dy()
		pgm := fmt.Appendf(nil, "P5\n%d %d\n255\n", w, h)
		for y := range h {
			off := img.YOffset(img.Rect.Min.X, img.Rect.Min.Y+y)
			pgm = append(pgm, img.Y[off:off+w]...)
		}
		if err := os.WriteFile(filepath.Join(dir, e.PGMFile), pgm, 0o644); err != nil {
			return err
		}
		entries[i] = e
	}
	b, err := json.MarshalIndent(entries, "", " ")
	if err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(dir, Manifest), b, 0o644)
}

// Version changes whenever the generator's output changes, so a cached
// corpus directory named after it is never stale.
const Version = 2

// CachedDir returns a directory under base holding the n frames of set,
// writing them first unless an earlier run already did.
func CachedDir(base string, set uint64, n int) (string, error) {
	dir := filepath.Join(base, fmt.Sprintf("motcua-qrcorpus-v%d-s%d-n%d", Version, set, n))
	if _, err := os.Stat(filepath.Join(dir, Manifest)); err == nil {
		return dir, nil
	}
	frames, err := Generate(set, n)
	if err != nil {
		return "", err
	}
	tmp, err := os.MkdirTemp(base, "motcua-qrcorpus-tmp-")
	if err != nil {
		return "", err
	}
	if err := WriteDir(tmp, frames); err != nil {
		os.RemoveAll(tmp)
		return "", err
	}
	if err := os.Rename(tmp, dir); err != nil {
		os.RemoveAll(tmp)
		if _, serr := os.Stat(filepath.Join(dir, Manifest)); serr == nil {
			return dir, nil // another process won the race
		}
		return "", err
	}
	return dir, nil
}

// ReadDir reads the manifest of a directory WriteDir wrote, and each
// frame's JPEG.
func ReadDir(dir string) ([]Entry, error) {
	b, err := os.ReadFile(filepath.Join(dir, Manifest))
	if err != nil {
		return nil, err
	}
	var entries []Entry
	if err := json.Unmarshal(b, &entries); err != nil {
		return nil, fmt.Errorf("corpus: %s: %w", Manifest, err)
	}
	for i := range entries {
		if entries[i].JPEG, err = os.ReadFile(filepath.Join(dir, entries[i].JPEGFile)); err != nil {
			return nil, err
		}
	}
	return entries, nil
}
