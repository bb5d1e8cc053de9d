package ui

import (
	"fmt"
	"image/color"
	"math"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"
)

// luminance is WCAG 2's relative luminance of c (over white if translucent).
func luminance(c color.Color) float64 {
	r, g, b, a := c.RGBA()
	lin := func(v uint32) float64 {
		x := (float64(v) + 65535 - float64(a)) / 65535 // composite on white
		if x <= 0.03928 {
			return x / 12.92
		}
		return math.Pow((x+0.055)/1.055, 2.4)
	}
	return 0.2126*lin(r) + 0.7152*lin(g) + 0.0722*lin(b)
}

// contrast is WCAG 2's contrast ratio of two colours.
func contrast(a, b color.Color) float64 {
	la, lb := luminance(a), luminance(b)
	if la < lb {
		la, lb = lb, la
	}
	return (la + 0.05) / (lb + 0.05)
}

func TestContrastFormula(t *testing.T) {
	black, white := color.NRGBA{0, 0, 0, 255}, color.NRGBA{255, 255, 255, 255}
	for _, tt := range []struct {
		a, b color.Color
		want float64
	}{
		{black, white, 21},
		{white, white, 1},
		{color.NRGBA{0x76, 0x76, 0x76, 255}, white, 4.54}, // the lightest AA grey
	} {
		if got := contrast(tt.a, tt.b); math.Abs(got-tt.want) > 0.01 {
			t.Errorf("contrast(%v, %v) = %.2f, want %.2f", tt.a, tt.b, got, tt.want)
		}
	}
	// The check bites: Fyne's own light palette fails it, which is why the
	// kiosk's theme sets these colours.
	def := theme.DefaultTheme()
	for _, n := range []fyne.ThemeColorName{theme.ColorNamePlaceHolder, theme.ColorNameWarning, theme.ColorNameSuccess, theme.ColorNameDisabled} {
		if r := contrast(def.Color(n, theme.VariantLight), white); r >= 4.5 {
			t.Errorf("Fyne's default %s is %.2f:1 now: drop the override?", n, r)
		}
	}
}

// 17.10: every text colour on the background it is drawn on meets WCAG AA
// (4.5:1) in both themes.
func TestThemeContrast(t *testing.T) {
	for _, th := range []*Theme{{}, {HighContrast: true}, {Large: true}, {Large: true, HighContrast: true}} {
		c := func(n fyne.ThemeColorName) color.Color { return th.Color(n, theme.VariantLight) }
		bg := c(theme.ColorNameBackground)
		pairs := []struct {
			what     string
			fg, back color.Color
		}{
			{"text", c(theme.ColorNameForeground), bg},
			{"text in an input", c(theme.ColorNameForeground), c(theme.ColorNameInputBackground)},
			{"placeholder", c(theme.ColorNamePlaceHolder), c(theme.ColorNameInputBackground)},
			{"button text", c(theme.ColorNameForeground), c(theme.ColorNameButton)},
			{"popup text", c(theme.ColorNameForeground), c(theme.ColorNameOverlayBackground)},
			{"primary button", c(theme.ColorNameForegroundOnPrimary), c(theme.ColorNamePrimary)},
			{"danger button", c(theme.ColorNameForegroundOnError), c(theme.ColorNameError)},
			{"success button", c(theme.ColorNameForegroundOnSuccess), c(theme.ColorNameSuccess)},
			{"warning button", c(theme.ColorNameForegroundOnWarning), c(theme.ColorNameWarning)},
			{"error text", c(theme.ColorNameError), bg},
			{"warning text", c(theme.ColorNameWarning), bg},
			{"success text", c(theme.ColorNameSuccess), bg},
			{"link", c(theme.ColorNameHyperlink), bg},
			{"low-importance label", c(theme.ColorNameDisabled), bg},
			{"error banner", c(theme.ColorNameForeground), tint(c(theme.ColorNameError), bg)},
			{"warning banner", c(theme.ColorNameForeground), tint(c(theme.ColorNameWarning), bg)},
			{"success banner", c(theme.ColorNameForeground), tint(c(theme.ColorNameSuccess), bg)},
			{"online", colorFor(true), bg},
			{"offline", colorFor(false), bg},
		}
		for _, p := range pairs {
			if r := contrast(p.fg, p.back); r < 4.5 {
				t.Errorf("%s: %s %v on %v is %.2f:1, under 4.5:1", name(th), p.what, p.fg, p.back, r)
			}
		}
	}
}

func name(t *Theme) string { return fmt.Sprintf("large=%t high-contrast=%t", t.Large, t.HighContrast) }
