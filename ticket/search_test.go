package ticket

import "testing"

func TestSearchVectorAndQueryAgree(t *testing.T) {
	cases := []struct{ subject, text, want string }{
		{"Printer jam", "The tray SQUEAKS, the tray!", "'jam' 'printer' 'squeaks' 'the' 'tray'"},
		{"", "café naïve Ünïcode 東京", "'café' 'naïve' 'ünïcode' '東京'"},
		{"", "it's o'brien \\ back", "'back' 'brien' 'it' 'o' 's'"},
		{"", "", ""},
	}
	for _, c := range cases {
		if got := searchVector(c.subject, c.text); got != c.want {
			t.Errorf("searchVector(%q, %q) = %q, want %q", c.subject, c.text, got, c.want)
		}
	}
	queries := map[string]string{
		"squeaks":       "'squeaks':*",
		"Printer  Jam":  "'printer' & 'jam':*",
		"o'brien & | !": "'o' & 'brien':*",
		"!!!":           "",
	}
	for q, want := range queries {
		if got := searchQuery(q); got != want {
			t.Errorf("searchQuery(%q) = %q, want %q", q, got, want)
		}
	}
}
