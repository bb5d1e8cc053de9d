package assets

import (
	"embed"
	"io/fs"
)

//go:embed i18n
var i18nFS embed.FS

//go:embed icons/*.svg
var iconFS embed.FS

// Translations returns the translation files: one JSON object per language
// named LANG.json (vi.json, en.json), plus any topic files LANG/TOPIC.json
// (e.g. vi/address.json), each mapping message keys to text. Topic files let
// one feature keep its messages together.
func Translations() fs.FS {
	sub, err := fs.Sub(i18nFS, "i18n")
	if err != nil {
		panic(err) // the embed pattern above guarantees the directory
	}
	return sub
}

// Icon returns the SVG bytes of the icon named name (without ".svg"), or
// nil when there is no such icon.
func Icon(name string) []byte {
	b, err := iconFS.ReadFile("icons/" + name + ".svg")
	if err != nil {
		return nil
	}
	return b
}

// IconNames lists the embedded icons, without the ".svg" suffix.
func IconNames() []string {
	ents, _ := iconFS.ReadDir("icons")
	out := make([]string, 0, len(ents))
	for _, e := range ents {
		n := e.Name()
		out = append(out, n[:len(n)-len(".svg")])
	}
	return out
}
