package link

import (
	"strings"
	"testing"
)

// A base URL is absolute http(s), loses its trailing slash, and says what
// the web view needs of it; anything that would make broken or leaky links
// is refused with the reason.
func TestParseBaseURL(t *testing.T) {
	good := []struct{ in, str, origin, path string }{
		{"https://help.example.com", "https://help.example.com", "https://help.example.com", ""},
		{"https://help.example.com/", "https://help.example.com", "https://help.example.com", ""},
		{"http://127.0.0.1:8080/support/", "http://127.0.0.1:8080/support", "http://127.0.0.1:8080", "/support"},
	}
	for _, g := range good {
		b, err := ParseBaseURL(g.in)
		if err != nil {
			t.Fatalf("%q: %v", g.in, err)
		}
		if b.String() != g.str || b.Origin() != g.origin || b.Path() != g.path || b.Secure() != strings.HasPrefix(g.in, "https:") {
			t.Errorf("%q: string %q origin %q path %q secure %v", g.in, b.String(), b.Origin(), b.Path(), b.Secure())
		}
		if got := b.Join("/my#alerts"); got != g.str+"/my#alerts" {
			t.Errorf("%q: Join = %q", g.in, got)
		}
	}
	bad := map[string]string{
		"help.example.com":                    "absolute",
		"/support":                            "absolute",
		"ftp://help.example.com":              "absolute",
		"https://":                            "absolute",
		"http://127.0.0.1:8080/?x=1":          "?query",
		"https://help.example.com/#top":       "#fragment",
		"https://ops:secret@help.example.com": "user",
		"https://help.example.com/%zz":        "absolute",
	}
	for in, want := range bad {
		if b, err := ParseBaseURL(in); err == nil || !strings.Contains(err.Error(), want) || !b.IsZero() {
			t.Errorf("%q: %v, %v; want an error saying %q", in, b, err, want)
		}
	}
}
