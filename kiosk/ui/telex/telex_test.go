package telex

import (
	"testing"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

func TestType(t *testing.T) {
	tests := []struct{ keys, want string }{
		// shapes
		{"aa", "â"}, {"aw", "ă"}, {"ee", "ê"}, {"oo", "ô"}, {"ow", "ơ"}, {"uw", "ư"}, {"dd", "đ"},
		{"DD", "Đ"}, {"Dd", "Đ"}, {"AA", "Â"}, {"w", "ư"}, {"W", "Ư"},
		// tones
		{"as", "á"}, {"af", "à"}, {"ar", "ả"}, {"ax", "ã"}, {"aj", "ạ"}, {"asz", "a"}, {"asf", "à"},
		// undo by repeating
		{"aaa", "aa"}, {"ass", "as"}, {"ddd", "dd"}, {"aww", "aw"}, {"ww", "w"}, {"z", "z"},
		// whole words
		{"Vieetj Nam", "Việt Nam"},
		{"Nguyeenx Vawn An", "Nguyễn Văn An"},
		{"Hoaf", "Hòa"}, {"hoafn", "hoàn"}, {"hoanf", "hoàn"},
		{"thuyr", "thủy"}, {"muaf", "mùa"}, {"quas", "quá"}, {"giaf", "già"}, {"gif", "gì"},
		{"nguwowif", "người"}, {"nguoiwf", "người"}, {"dduwowngf", "đường"}, {"truwowngf", "trường"},
		{"Ddaf Nawngx", "Đà Nẵng"}, {"Haf Nooij", "Hà Nội"}, {"Phuwowngf", "Phường"},
		{"khuyeenr", "khuyển"}, {"tieengs Vieetj", "tiếng Việt"}, {"Thanhf phoos Hoof Chis Minh", "Thành phố Hồ Chí Minh"},
		{"Cawn cuwowcs coong daan", "Căn cước công dân"},
		{"xin chaof", "xin chào"}, {"sang", "sang"}, {"f", "f"}, {"123 abc", "123 abc"},
		// tone moves when the syllable grows
		{"hoas", "hóa"}, {"hoasn", "hoán"},
	}
	for _, tt := range tests {
		got := Type(tt.keys)
		if got != tt.want {
			t.Errorf("Type(%q) = %q, want %q", tt.keys, got, tt.want)
		}
		if !norm.NFC.IsNormalString(got) {
			t.Errorf("Type(%q) not NFC", tt.keys)
		}
	}
}

func TestKeyOnExistingText(t *testing.T) {
	tests := []struct {
		cur  string
		k    rune
		want string
	}{
		{"Nguyên", 'x', "Nguyễn"},
		{"Nguyễn", 'z', "Nguyên"},
		{"Hoà", 'n', "Hoàn"},
		{"an", ' ', "an "},
	}
	for _, tt := range tests {
		if got := Key(tt.cur, tt.k); got != tt.want {
			t.Errorf("Key(%q, %q) = %q, want %q", tt.cur, tt.k, got, tt.want)
		}
	}
}

func TestLastWord(t *testing.T) {
	tests := []struct{ in, head, word string }{
		{"Số 12 Lê Lợi", "Số 12 Lê ", "Lợi"},
		{"abc ", "abc ", ""},
		{"", "", ""},
		{"Đà", "", "Đà"},
	}
	for _, tt := range tests {
		h, w := LastWord(tt.in)
		if h != tt.head || w != tt.word {
			t.Errorf("LastWord(%q) = %q, %q", tt.in, h, w)
		}
	}
}

func FuzzType(f *testing.F) {
	for _, s := range []string{"Vieetj Nam", "nguwowif", "ddd", "aaa", "qu", "gi", "ww"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, keys string) {
		if !utf8.ValidString(keys) {
			return
		}
		out := Type(keys)
		if !utf8.ValidString(out) {
			t.Fatalf("invalid UTF-8 from %q", keys)
		}
	})
}
