package brand_test

import (
	"slices"
	"strings"
	"testing"

	"inboxdesk/brand"
)

func TestNewChecksEachSetting(t *testing.T) {
	b, err := brand.New(brand.Settings{Name: " Example Shop ", LogoURL: "https://cdn.example.com/logo.png",
		Color: "#0A0", HelpURL: "https://help.example.com", Footer: "Example Shop S.L. | Calle Mayor 1, 28013 Madrid"})
	if err != nil {
		t.Fatal(err)
	}
	if b.Name != "Example Shop" || b.Color != "#00aa00" {
		t.Errorf("brand = %+v", b)
	}
	if got := b.FooterLines(); !slices.Equal(got, []string{"Example Shop S.L.", "Calle Mayor 1, 28013 Madrid"}) {
		t.Errorf("footer lines = %q", got)
	}
	bad := []struct {
		s    brand.Settings
		want string
	}{
		{brand.Settings{LogoURL: "http://cdn.example.com/logo.png"}, "logo URL"},
		{brand.Settings{LogoURL: "javascript:alert(1)"}, "logo URL"},
		{brand.Settings{HelpURL: "/help"}, "help URL"},
		{brand.Settings{HelpURL: "https://user:pw@help.example.com"}, "help URL"},
		{brand.Settings{Color: "red"}, "colour"},
		{brand.Settings{Color: "#12345"}, "colour"},
		{brand.Settings{Name: "Shop\r\nBcc: x@example.com"}, "name"},
		{brand.Settings{Footer: strings.Repeat("x", 501)}, "footer"},
	}
	for _, c := range bad {
		if _, err := brand.New(c.s); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("New(%+v) err = %v, want one naming %s", c.s, err, c.want)
		}
	}
}

func TestDefaultsAndTextOnTheColour(t *testing.T) {
	b, err := brand.New(brand.Settings{})
	if err != nil {
		t.Fatal(err)
	}
	if b.Color != brand.DefaultColor || b.Name != "" {
		t.Errorf("defaults = %+v", b)
	}
	for color, want := range map[string]string{"#ffdd00": "#111111", "#1f5fbf": "#ffffff", "#000000": "#ffffff", "#ffffff": "#111111"} {
		if got := (brand.Brand{Color: color}).OnColor(); got != want {
			t.Errorf("OnColor(%s) = %s, want %s", color, got, want)
		}
	}
	if (brand.Brand{}).ColorOrDefault() != brand.DefaultColor {
		t.Error("zero brand has no colour")
	}
}
