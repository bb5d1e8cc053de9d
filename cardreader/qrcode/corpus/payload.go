package corpus

import (
	"fmt"
	"math/rand/v2"
	"strings"
)

// Fictional names and places, shaped like real ones.
var (
	families = []string{"Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô", "Dương", "Lý"}
	middles  = []string{"Văn", "Thị", "Minh", "Ngọc", "Thanh", "Hữu", "Đức", "Thu", "Quốc", "Gia", "Thị Ngọc", "Văn Hoàng"}
	givens   = []string{"An", "Bình", "Châu", "Dũng", "Hà", "Hải", "Hạnh", "Hùng", "Hương", "Khoa", "Lan", "Linh", "Long", "Mai", "Nam", "Phúc", "Quân", "Thảo", "Trang", "Tuấn", "Vy", "Yến", "Nguyệt", "Khánh"}
	streets  = []string{"Đường Ví Dụ", "Đường Lê Lợi", "Đường Trần Hưng Đạo", "Ngõ 12 Phố Hàng Bạc", "Hẻm 45 Đường Nguyễn Trãi", "Đường 30 Tháng 4"}
	wards    = []string{"Phường Mẫu", "Phường Bến Nghé", "Xã Tân Phú Trung", "Phường Hàng Bạc", "Xã Đông Hưng", "Thị trấn Củ Chi"}
	district = []string{"Quận Giả Định", "Quận 1", "Huyện Củ Chi", "Quận Hoàn Kiếm", "Huyện Đông Hưng", "Thành phố Thủ Đức"}
	province = []string{"TP Hồ Chí Minh", "Thành phố Hà Nội", "Tỉnh Thái Bình", "Tỉnh Bình Dương", "Thành phố Đà Nẵng", "Tỉnh Bà Rịa - Vũng Tàu"}
	provCode = []string{"079", "001", "034", "074", "048", "077"}
)

func one(rng *rand.Rand, xs []string) string { return xs[rng.IntN(len(xs))] }

func name(rng *rand.Rand) string {
	return one(rng, families) + " " + one(rng, middles) + " " + one(rng, givens)
}

// person returns a fictional ID number and date of birth (DDMMYYYY).
func person(rng *rand.Rand, minYear, maxYear int) (id, dob string) {
	year := minYear + rng.IntN(maxYear-minYear+1)
	male := rng.IntN(2) == 0
	g := 2*((year-1900)/100) + map[bool]int{true: 0, false: 1}[male]
	id = fmt.Sprintf("%s%d%02d%06d", one(rng, provCode), g, year%100, rng.IntN(1_000_000))
	dob = fmt.Sprintf("%02d%02d%04d", 1+rng.IntN(28), 1+rng.IntN(12), year)
	return id, dob
}

func address(rng *rand.Rand) string {
	parts := []string{}
	if rng.IntN(3) == 0 {
		parts = append(parts, fmt.Sprintf("Tổ dân phố %d, Thôn Đông %s", 1+rng.IntN(20), one(rng, givens)))
	} else {
		parts = append(parts, fmt.Sprintf("Số %d %s", 1+rng.IntN(300), one(rng, streets)))
	}
	parts = append(parts, one(rng, wards), one(rng, district), one(rng, province))
	return strings.Join(parts, ", ")
}

func sex(rng *rand.Rand) string {
	if rng.IntN(2) == 0 {
		return "Nam"
	}
	return "Nữ"
}

// payload2021 is the 2021 CCCD's seven fields (docs/reference/cccd-tech.md §3.1).
func payload2021(rng *rand.Rand) string {
	id, dob := person(rng, 1940, 2008)
	old := ""
	if rng.IntN(2) == 0 {
		old = fmt.Sprintf("%09d", rng.IntN(1_000_000_000))
	}
	issue := fmt.Sprintf("%02d%02d%04d", 1+rng.IntN(28), 1+rng.IntN(12), 2021+rng.IntN(3))
	return strings.Join([]string{id, old, name(rng), dob, sex(rng), address(rng), issue}, "|")
}

// payload2024 is a guess at the 2024 card's longer code: the seven fields
// followed by the household's names and ID numbers, as the draft circular
// describes its content (head of household, father, mother, spouse,
// children).
func payload2024(rng *rand.Rand) string {
	id, dob := person(rng, 1950, 2012)
	fields := []string{id, "", name(rng), dob, sex(rng), address(rng),
		fmt.Sprintf("%02d%02d%04d", 1+rng.IntN(28), 1+rng.IntN(12), 2024+rng.IntN(2))}
	for _, role := range []string{"Chủ hộ", "Cha", "Mẹ", "Vợ/Chồng"} {
		pid, _ := person(rng, 1930, 2000)
		fields = append(fields, role+": "+name(rng)+" - "+pid)
	}
	for range rng.IntN(4) {
		pid, _ := person(rng, 2000, 2020)
		fields = append(fields, "Con: "+name(rng)+" - "+pid)
	}
	return strings.Join(fields, "|")
}
