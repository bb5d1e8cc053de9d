// Command mkadmin builds the kiosk's embedded table of administrative units
// after the 1 July 2025 reorganisation (kiosk/address/admin2025.tsv) from the
// public data set new_to_old.json (tanthuan031/vnadministrative, MIT), plus
// the corrections in corrections.go that a second public source showed to be
// needed (see docs/addresses.md).
//
//	go run ./cmd/mkadmin -data ../shared/data/admin-units-2025/new_to_old.json -out kiosk/address/admin2025.tsv
//
// The output is deterministic: the same input gives the same bytes.
package main

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"

	"golang.org/x/text/unicode/norm"
)

func main() {
	data := flag.String("data", "", "path to new_to_old.json (required)")
	out := flag.String("out", "kiosk/address/admin2025.tsv", "table to write")
	flag.Parse()
	if *data == "" {
		fmt.Fprintln(os.Stderr, "mkadmin: -data is required (path to new_to_old.json)")
		os.Exit(2)
	}
	raw, err := os.ReadFile(*data)
	if err != nil {
		fmt.Fprintln(os.Stderr, "mkadmin:", err)
		os.Exit(1)
	}
	var buf bytes.Buffer
	st, err := build(raw, corrections, &buf)
	if err != nil {
		fmt.Fprintln(os.Stderr, "mkadmin:", err)
		os.Exit(1)
	}
	if err := os.WriteFile(*out, buf.Bytes(), 0o644); err != nil {
		fmt.Fprintln(os.Stderr, "mkadmin:", err)
		os.Exit(1)
	}
	fmt.Fprintf(os.Stderr, "mkadmin: %s: %d provinces, %d new units, %d old provinces, %d old districts, %d old wards (%d split), %d corrections, %d bytes\n",
		*out, st.provinces, st.units, st.oldProvinces, st.districts, st.oldWards, st.split, st.corrections, buf.Len())
}

// source is the shape of new_to_old.json.
type source struct {
	Provinces map[string]struct {
		ID   string `json:"new_province_id"`
		Name string `json:"new_province_name"`
		Old  []struct {
			ID   string `json:"old_province_id"`
			Name string `json:"old_province_name"`
		} `json:"old_provinces"`
	} `json:"provinces"`
	Wards map[string]struct {
		ID         string    `json:"new_ward_id"`
		Name       string    `json:"new_ward_name"`
		ProvinceID string    `json:"new_province_id"`
		Old        []oldWard `json:"old_wards"`
	} `json:"wards"`
}

type oldWard struct {
	ID           string `json:"old_ward_id"`
	Name         string `json:"old_ward_name"`
	DistrictID   string `json:"old_district_id"`
	DistrictName string `json:"old_district_name"`
	ProvinceID   string `json:"old_province_id"`
	ProvinceName string `json:"old_province_name"`
}

type stats struct {
	provinces, units, oldProvinces, districts, oldWards, split, corrections int
}

// Table lines (tab-separated, one record a line, in this order):
//
//	#  comment (source, checksum)
//	P  newProvinceID  name
//	Q  oldProvinceID  name  newProvinceID
//	W  newUnitID      name  newProvinceID
//	D  oldDistrictID  name  oldProvinceID  [newUnitID when the whole district became that unit]
//	O  oldWardID      name  oldDistrictID  newUnitID[,newUnitID...]
func build(raw []byte, corrections []correction, w io.Writer) (stats, error) {
	var src source
	if err := json.Unmarshal(raw, &src); err != nil {
		return stats{}, fmt.Errorf("data set: %w", err)
	}
	if len(src.Provinces) == 0 || len(src.Wards) == 0 {
		return stats{}, errors.New("data set: no provinces or wards")
	}
	type unit struct{ id, name, prov string }
	type district struct{ id, name, prov, whole string }
	type old struct {
		id, name, dist string
		news           map[string]bool
	}
	provs := map[string]string{}       // new province id -> name
	oldProvs := map[string][2]string{} // old province id -> name, new province id
	units := map[string]unit{}
	dists := map[string]district{}
	olds := map[string]*old{}
	for _, p := range src.Provinces {
		provs[p.ID] = display(p.Name)
		for _, o := range p.Old {
			oldProvs[o.ID] = [2]string{display(o.Name), p.ID}
		}
	}
	for _, u := range src.Wards {
		if _, ok := provs[u.ProvinceID]; !ok {
			return stats{}, fmt.Errorf("data set: unit %s names unknown province %s", u.ID, u.ProvinceID)
		}
		units[u.ID] = unit{u.ID, display(u.Name), u.ProvinceID}
		for _, o := range u.Old {
			d := district{o.DistrictID, display(o.DistrictName), o.ProvinceID, ""}
			if prev, ok := dists[d.id]; ok && prev != d {
				return stats{}, fmt.Errorf("data set: district %s named two ways", d.id)
			}
			dists[d.id] = d
			if _, ok := oldProvs[o.ProvinceID]; !ok {
				return stats{}, fmt.Errorf("data set: old ward %s names unknown province %s", o.ID, o.ProvinceID)
			}
			ow := olds[o.ID]
			if ow == nil {
				ow = &old{o.ID, display(o.Name), o.DistrictID, map[string]bool{}}
				olds[o.ID] = ow
			} else if ow.name != display(o.Name) || ow.dist != o.DistrictID {
				return stats{}, fmt.Errorf("data set: old ward %s named two ways", o.ID)
			}
			ow.news[u.ID] = true
		}
	}

	// Corrections: the facts win over the data set.
	ncorr := len(corrections)
	for _, c := range corrections {
		switch c.kind {
		case addWholeDistrict:
			pid := oldProvs[c.oldProvince][1]
			if pid == "" {
				return stats{}, fmt.Errorf("correction %q: unknown old province %s", c.why, c.oldProvince)
			}
			if _, dup := units[c.unitID]; dup {
				return stats{}, fmt.Errorf("correction %q: unit %s exists", c.why, c.unitID)
			}
			units[c.unitID] = unit{c.unitID, c.unitName, pid}
			dists[c.districtID] = district{c.districtID, c.districtName, c.oldProvince, c.unitID}
		case keepWard:
			ow := olds[c.oldWardID]
			if ow == nil || ow.name != c.oldWardName {
				return stats{}, fmt.Errorf("correction %q: old ward %s %q not in the data set", c.why, c.oldWardID, c.oldWardName)
			}
			d := dists[ow.dist]
			pid := oldProvs[d.prov][1]
			if _, dup := units[c.unitID]; dup {
				return stats{}, fmt.Errorf("correction %q: unit %s exists", c.why, c.unitID)
			}
			units[c.unitID] = unit{c.unitID, c.unitName, pid}
			ow.news = map[string]bool{c.unitID: true}
		}
	}

	st := stats{provinces: len(provs), units: len(units), oldProvinces: len(oldProvs), districts: len(dists), oldWards: len(olds), corrections: ncorr}
	sum := sha256.Sum256(raw)
	bw := bufio.NewWriter(w)
	fmt.Fprintf(bw, "#\tmotcua administrative units after 2025-07-01, generated by cmd/mkadmin; do not edit\n")
	fmt.Fprintf(bw, "#\tsource: tanthuan031/vnadministrative new_to_old.json (MIT) sha256 %s; corrections %d\n", hex.EncodeToString(sum[:]), ncorr)
	for _, id := range sortedKeys(provs) {
		fmt.Fprintf(bw, "P\t%s\t%s\n", id, provs[id])
	}
	for _, id := range sortedKeys(oldProvs) {
		fmt.Fprintf(bw, "Q\t%s\t%s\t%s\n", id, oldProvs[id][0], oldProvs[id][1])
	}
	for _, id := range sortedKeys(units) {
		u := units[id]
		fmt.Fprintf(bw, "W\t%s\t%s\t%s\n", id, u.name, u.prov)
	}
	for _, id := range sortedKeys(dists) {
		d := dists[id]
		if d.whole != "" {
			fmt.Fprintf(bw, "D\t%s\t%s\t%s\t%s\n", id, d.name, d.prov, d.whole)
		} else {
			fmt.Fprintf(bw, "D\t%s\t%s\t%s\n", id, d.name, d.prov)
		}
	}
	for _, id := range sortedKeys(olds) {
		o := olds[id]
		news := sortedKeys(o.news)
		if len(news) > 1 {
			st.split++
		}
		fmt.Fprintf(bw, "O\t%s\t%s\t%s\t%s\n", id, o.name, o.dist, strings.Join(news, ","))
	}
	return st, bw.Flush()
}

// display normalises a name from the data set: NFC, single spaces, and the
// unit type written the usual way ("Thành phố", not "Thành Phố").
func display(s string) string {
	s = strings.Join(strings.Fields(norm.NFC.String(s)), " ")
	for _, t := range [][2]string{
		{"Thành Phố ", "Thành phố "}, {"Thị Trấn ", "Thị trấn "}, {"Thị Xã ", "Thị xã "}, {"Đặc Khu ", "Đặc khu "},
	} {
		if strings.HasPrefix(s, t[0]) {
			return t[1] + s[len(t[0]):]
		}
	}
	return s
}

// sortedKeys orders numeric IDs by value, then text.
func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool {
		if len(keys[i]) != len(keys[j]) {
			return len(keys[i]) < len(keys[j])
		}
		return keys[i] < keys[j]
	})
	return keys
}
