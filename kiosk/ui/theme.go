package ui

import (
	"image/color"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"
)

// Theme is the kiosk's look: Fyne's default theme with larger type and
// touch targets for self-service, and a high-contrast variant (black on
// white, strong focus and error colours) for low vision.
type Theme struct {
	Large        bool // self-service: bigger text and padding
	HighContrast bool
}

var _ fyne.Theme = (*Theme)(nil)

// Color implements fyne.Theme.
func (t *Theme) Color(n fyne.ThemeColorName, v fyne.ThemeVariant) color.Color {
	if !t.HighContrast {
		// Fyne's light palette puts grey placeholders (3.5:1) and orange,
		// red and green status text (2-4:1) below WCAG AA's 4.5:1 on white;
		// these darker tones pass (TestThemeContrast).
		switch n {
		case theme.ColorNamePrimary:
			return color.NRGBA{0x1f, 0x4e, 0x79, 0xff}
		case theme.ColorNamePlaceHolder:
			return color.NRGBA{0x5f, 0x5f, 0x5f, 0xff}
		case theme.ColorNameDisabled:
			// Also the colour of low-importance labels (provenance lines,
			// notes): they are read, so they must reach AA too.
			return color.NRGBA{0x6b, 0x6b, 0x6b, 0xff}
		case theme.ColorNameError:
			return color.NRGBA{0xb0, 0x00, 0x20, 0xff}
		case theme.ColorNameWarning:
			return color.NRGBA{0x8a, 0x4b, 0x00, 0xff}
		case theme.ColorNameSuccess:
			return color.NRGBA{0x1b, 0x6e, 0x34, 0xff}
		case theme.ColorNameHyperlink:
			return color.NRGBA{0x0b, 0x57, 0xd0, 0xff}
		case theme.ColorNameForegroundOnError, theme.ColorNameForegroundOnSuccess, theme.ColorNameForegroundOnWarning:
			return color.NRGBA{0xff, 0xff, 0xff, 0xff}
		}
		return theme.DefaultTheme().Color(n, theme.VariantLight)
	}
	black, white := color.NRGBA{0, 0, 0, 0xff}, color.NRGBA{0xff, 0xff, 0xff, 0xff}
	switch n {
	case theme.ColorNameBackground, theme.ColorNameOverlayBackground, theme.ColorNameMenuBackground, theme.ColorNameInputBackground:
		return white
	case theme.ColorNameForeground, theme.ColorNameInputBorder, theme.ColorNameSeparator, theme.ColorNamePlaceHolder:
		return black
	case theme.ColorNameButton:
		return color.NRGBA{0xff, 0xe0, 0x00, 0xff} // yellow buttons, black text
	case theme.ColorNamePrimary, theme.ColorNameFocus, theme.ColorNameHyperlink:
		return color.NRGBA{0x00, 0x00, 0xc0, 0xff}
	case theme.ColorNameForegroundOnPrimary, theme.ColorNameForegroundOnError, theme.ColorNameForegroundOnSuccess, theme.ColorNameForegroundOnWarning:
		return white
	case theme.ColorNameWarning:
		return color.NRGBA{0x7a, 0x40, 0x00, 0xff}
	case theme.ColorNameError:
		return color.NRGBA{0xb0, 0x00, 0x00, 0xff}
	case theme.ColorNameSuccess:
		return color.NRGBA{0x00, 0x60, 0x00, 0xff}
	case theme.ColorNameDisabled:
		return color.NRGBA{0x40, 0x40, 0x40, 0xff}
	}
	return theme.DefaultTheme().Color(n, theme.VariantLight)
}

// Font implements fyne.Theme (Fyne's bundled Noto has every Vietnamese letter).
func (t *Theme) Font(s fyne.TextStyle) fyne.Resource { return theme.DefaultTheme().Font(s) }

// Icon implements fyne.Theme.
func (t *Theme) Icon(n fyne.ThemeIconName) fyne.Resource { return theme.DefaultTheme().Icon(n) }

// Size implements fyne.Theme.
func (t *Theme) Size(n fyne.ThemeSizeName) float32 {
	s := theme.DefaultTheme().Size(n)
	if !t.Large {
		return s
	}
	switch n {
	case theme.SizeNameText:
		return 20
	case theme.SizeNameHeadingText:
		return 32
	case theme.SizeNameSubHeadingText:
		return 24
	case theme.SizeNameInnerPadding:
		return 14
	case theme.SizeNamePadding:
		return 6
	case theme.SizeNameInlineIcon:
		return 28
	case theme.SizeNameInputBorder:
		return 3
	}
	return s
}

// MinTouch is the smallest touch target in self-service mode, in Fyne
// units (device-independent pixels): Material's 48 dp (procedures.md §6).
const MinTouch = 48

// tint is c laid at 15% over bg: a banner's background, light enough for
// the normal text colour to read on it at AA whatever c is.
func tint(c, bg color.Color) color.Color {
	cr, cg, cb, _ := c.RGBA()
	br, bgg, bb, _ := bg.RGBA()
	mix := func(x, y uint32) uint8 { return uint8((x*15 + y*85) / 100 >> 8) }
	return color.NRGBA{mix(cr, br), mix(cg, bgg), mix(cb, bb), 0xff}
}
