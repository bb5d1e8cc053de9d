package cccd

// Generation is the card model.
type Generation int

const (
	GenerationUnknown Generation = iota
	CCCD2021                     // Căn cước công dân gắn chip (2021-2024)
	CanCuoc2024                  // Thẻ căn cước (from 1 July 2024)
)

func (g Generation) String() string {
	switch g {
	case CCCD2021:
		return "cccd-2021"
	case CanCuoc2024:
		return "cancuoc-2024"
	}
	return "unknown"
}

// MarshalText writes "cccd-2021", "cancuoc-2024" or "unknown".
func (g Generation) MarshalText() ([]byte, error) { return []byte(g.String()), nil }

// UnmarshalText reads what MarshalText writes.
func (g *Generation) UnmarshalText(b []byte) error {
	switch string(b) {
	case "cccd-2021":
		*g = CCCD2021
	case "cancuoc-2024":
		*g = CanCuoc2024
	default:
		*g = GenerationUnknown
	}
	return nil
}

// Milestones are the ages at which a card must be renewed: 25, 40, 60 (Luật
// CCCD 2014 Art. 21) and additionally 14 for the Căn cước card (Luật Căn cước
// 2023 Art. 21). No renewal is due after 60.
// The ages come from the generation table; an unknown generation follows
// the CCCD's.
func Milestones(g Generation) []int {
	if m := g.Info().Milestones; m != nil {
		return m
	}
	return CCCD2021.Info().Milestones
}

// Expiry returns the expiry date of a card issued on issue to a holder born on
// dob: the holder's birthday at the first milestone that is more than two
// years after issue (a card issued within two years before a milestone runs
// to the next one). ok is false when no milestone remains: the card does not
// expire ("Không thời hạn").
//
// For a partial birth date the birthday is unknown; we use its last
// possible day (31 December, or the month's last day) in the milestone
// year, our choice, and PlausibleExpiries also offers the first.
func Expiry(g Generation, dob, issue Date) (expiry Date, ok bool) {
	for _, age := range Milestones(g) {
		due := birthdayAt(dob, age)
		if issue.Before(due.AddYears(-2)) {
			return due, true
		}
	}
	return Date{}, false
}

func birthdayAt(dob Date, age int) Date {
	if dob.Partial() {
		return dob.AddYears(age).Last()
	}
	return dob.AddYears(age)
}

// PlausibleExpiries lists the expiry dates worth trying when opening a chip
// with BAC from a QR code, best guess first: the rule's answer for both card
// generations, then every other milestone birthday. The second bool is true
// when "no expiry" is plausible too.
func PlausibleExpiries(dob, issue Date) ([]Date, bool) {
	var out []Date
	seen := map[Date]bool{}
	add := func(d Date) {
		if !d.IsZero() && !seen[d] {
			seen[d] = true
			out = append(out, d)
		}
	}
	noExpiry := false
	for _, g := range []Generation{CCCD2021, CanCuoc2024} {
		if d, ok := Expiry(g, dob, issue); ok {
			add(d)
		} else {
			noExpiry = true
		}
	}
	for _, age := range []int{14, 25, 40, 60} {
		add(birthdayAt(dob, age))
	}
	if dob.Partial() {
		for _, age := range []int{14, 25, 40, 60} {
			add(dob.AddYears(age).First())
		}
	}
	return out, noExpiry
}
