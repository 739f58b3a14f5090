// Package brand is how the company running inboxdesk presents itself to
// customers: its name, logo, colour, help centre and postal footer, shown in
// the header of pages and alert emails.
package brand

import (
	"errors"
	"fmt"
	"math"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"unicode"
)

// DefaultColor is the accent colour when none is set.
const DefaultColor = "#1f5fbf"

// Brand is validated by New; the zero value is no brand (pages and mails
// then name the product generically).
type Brand struct {
	Name    string // e.g. "Example Shop"
	LogoURL string // absolute https URL of an image, "" for none
	Color   string // accent colour, "#rrggbb"
	HelpURL string // help centre, absolute http(s) URL, "" for none
	Footer  string // postal address and the like; lines separated by newlines or " | "
}

// Settings are a brand's raw values as an operator writes them.
type Settings struct {
	Name, LogoURL, Color, HelpURL, Footer string
}

var hexColor = regexp.MustCompile(`^#(?:[0-9a-fA-F]{3}|[0-9a-fA-F]{6})$`)

// New checks s and fills its defaults: an empty colour is DefaultColor.
// Each error names the setting at fault.
func New(s Settings) (Brand, error) {
	b := Brand{Name: strings.TrimSpace(s.Name), LogoURL: strings.TrimSpace(s.LogoURL),
		Color: strings.ToLower(strings.TrimSpace(s.Color)), HelpURL: strings.TrimSpace(s.HelpURL),
		Footer: strings.TrimSpace(s.Footer)}
	var errs []error
	if strings.ContainsFunc(b.Name, unicode.IsControl) || len([]rune(b.Name)) > 80 {
		errs = append(errs, errors.New("name: at most 80 characters, no control characters"))
	}
	if b.LogoURL != "" && !absURL(b.LogoURL, "https") {
		errs = append(errs, fmt.Errorf("logo URL: must be an absolute https URL, got %q", b.LogoURL))
	}
	if b.HelpURL != "" && !absURL(b.HelpURL, "https", "http") {
		errs = append(errs, fmt.Errorf("help URL: must be an absolute http(s) URL, got %q", b.HelpURL))
	}
	if b.Color == "" {
		b.Color = DefaultColor
	}
	if !hexColor.MatchString(b.Color) {
		errs = append(errs, fmt.Errorf("colour: must be #rgb or #rrggbb, got %q", s.Color))
	} else if len(b.Color) == 4 {
		b.Color = "#" + strings.Repeat(b.Color[1:2], 2) + strings.Repeat(b.Color[2:3], 2) + strings.Repeat(b.Color[3:4], 2)
	}
	if len(b.Footer) > 500 {
		errs = append(errs, errors.New("footer: at most 500 characters"))
	}
	if len(errs) > 0 {
		return Brand{}, errors.Join(errs...)
	}
	return b, nil
}

func absURL(s string, schemes ...string) bool {
	u, err := url.Parse(s)
	if err != nil || u.Host == "" || u.User != nil {
		return false
	}
	for _, sc := range schemes {
		if u.Scheme == sc {
			return true
		}
	}
	return false
}

// FooterLines are the footer's lines, without empty ones.
func (b Brand) FooterLines() []string {
	var out []string
	for _, l := range strings.FieldsFunc(strings.ReplaceAll(b.Footer, " | ", "\n"), func(r rune) bool { return r == '\n' }) {
		if l = strings.TrimSpace(l); l != "" {
			out = append(out, l)
		}
	}
	return out
}

// ColorOrDefault is the accent colour, DefaultColor for the zero Brand.
func (b Brand) ColorOrDefault() string {
	if b.Color == "" {
		return DefaultColor
	}
	return b.Color
}

// OnColor is the text colour readable on the accent colour: near-black on a
// light accent, white on a dark one (WCAG relative luminance).
func (b Brand) OnColor() string {
	c := b.ColorOrDefault()
	var lum float64
	for i, w := range []float64{0.2126, 0.7152, 0.0722} {
		v, _ := strconv.ParseUint(c[1+2*i:3+2*i], 16, 8)
		lum += w * linear(float64(v)/255)
	}
	// White and near-black give the same contrast at luminance ~0.18.
	if lum > 0.18 {
		return "#111111"
	}
	return "#ffffff"
}

func linear(v float64) float64 {
	if v <= 0.04045 {
		return v / 12.92
	}
	return math.Pow((v+0.055)/1.055, 2.4)
}
