package cccd

import (
	"encoding/json"
	"reflect"
	"sync"
	"testing"

	"golang.org/x/text/unicode/norm"
)

func TestNormalizeText(t *testing.T) {
	nfd := norm.NFD.String("Nguyễn Thị Ánh")
	if got := NormalizeText("  " + nfd + " \t\n"); got != "Nguyễn Thị Ánh" || !norm.NFC.IsNormalString(got) {
		t.Errorf("NormalizeText = %q", got)
	}
	if got := NormalizeText("Số 1,\u00a0\u00a0Phường   Mẫu"); got != "Số 1, Phường Mẫu" {
		t.Errorf("NormalizeText folds spaces: %q", got)
	}
}

func TestSex(t *testing.T) {
	for in, want := range map[string]Sex{"Nam": Male, "Nữ": Female, norm.NFD.String("Nữ"): Female, "F": Female, "male": Male} {
		if got, ok := ParseSex(in); !ok || got != want {
			t.Errorf("ParseSex(%q) = %v, %v", in, got, ok)
		}
	}
	if _, ok := ParseSex("X"); ok {
		t.Error("ParseSex accepted X")
	}
	c := Citizen{ID: "079203001234", Sex: Female, DateOfBirth: Date{Year: 1950}}
	b, _ := json.Marshal(c)
	var back Citizen
	if err := json.Unmarshal(b, &back); err != nil || !reflect.DeepEqual(back, c) {
		t.Errorf("Citizen JSON round trip: %+v, %v (%s)", back, err, b)
	}
}

// Fold runs on every card read, and reads may run at once: under -race this
// catches state shared between calls.
func TestFoldConcurrent(t *testing.T) {
	var wg sync.WaitGroup
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 50 {
				if got := Fold("Không  Thời Hạn"); got != "khong thoi han" {
					t.Errorf("Fold = %q", got)
					return
				}
			}
		}()
	}
	wg.Wait()
}
