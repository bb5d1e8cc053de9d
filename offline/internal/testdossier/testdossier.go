// Package testdossier builds realistic dossiers about fictional people for
// the offline packages' tests and benchmarks.
package testdossier

import (
	"fmt"
	"time"

	"motcua/offline/dossier"
)

// Person is a fictional citizen.
type Person struct {
	ID, Name, DOB, Address, Father, Mother string
}

// People are fictional; any likeness to a real person is accidental. The
// IDs use real province codes but random serials.
var People = []Person{
	{"001203004567", "Nguyễn Văn An", "2003-05-14", "Số 12 ngõ 34 phố Hàng Bạc, phường Hoàn Kiếm, Hà Nội", "Nguyễn Văn Bình", "Trần Thị Cúc"},
	{"079198012345", "Trần Thị Bích Ngọc", "1998-11-02", "45/7 đường Lê Văn Sỹ, phường Nhiêu Lộc, Thành phố Hồ Chí Minh", "Trần Quốc Dũng", "Lê Thị Hoa"},
	{"048305006789", "Lê Hoàng Yến Nhi", "2005-01-30", "Tổ 5 phường Hải Châu, Thành phố Đà Nẵng", "Lê Hoàng Phúc", "Phạm Thị Lan"},
	{"031087009876", "Phạm Đức Thắng", "1987-07-21", "Thôn Đông Xá, xã An Lư, Thành phố Hải Phòng", "Phạm Đức Long", "Vũ Thị Mận"},
	{"026190001122", "Đặng Thị Thu Hường", "1990-09-09", "Khu 3 phường Liên Bảo, tỉnh Phú Thọ", "Đặng Văn Hải", "Ngô Thị Tuyết"},
}

// New returns dossier number i (people rotate), created at now, with a
// fresh UUIDv7 ID.
func New(i int, now time.Time) *dossier.Dossier {
	p := People[i%len(People)]
	sys := func(v string) dossier.Value { return dossier.Value{Value: v, Provenance: dossier.FromStaff} }
	chip := func(v string) dossier.Value { return dossier.Value{Value: v, Provenance: dossier.FromChip} }
	return &dossier.Dossier{
		ID:            dossier.NewID(now),
		ProcedureCode: "1.004227",
		ProcedureName: "Đăng ký thường trú",
		Applicants: []dossier.Applicant{{
			Role: "requester", ID: p.ID, FullName: p.Name,
			Values: map[string]dossier.Value{
				"dateOfBirth":      chip(p.DOB),
				"placeOfResidence": chip(p.Address),
				"father":           chip(p.Father),
				"mother":           chip(p.Mother),
				"phone":            {Value: fmt.Sprintf("09%08d", 12345678+i), Provenance: dossier.Typed},
			},
			Verification: dossier.Verification{Source: "chip", Access: "PACE", Passive: "passed", Active: "passed", Chip: "passed"},
		}},
		Values: map[string]dossier.Value{
			"newAddress": {Value: p.Address, Provenance: dossier.Typed},
			"reason":     sys("Chuyển nơi ở"),
		},
		CreatedAt:      now,
		KioskID:        "KIOSK-01",
		CounterID:      "QUAY-01",
		ClerkID:        "CB-007",
		ProcessingDays: 7,
	}
}
