package web_test

import (
	"net/http"
	"strings"
	"testing"

	"inboxdesk/brand"
	"inboxdesk/web"
)

// The brand names the pages: its name and logo in the header, its colour
// through brand.css (pages allow no inline style), its help centre in the
// navigation, and the logo's origin, only it, allowed for images.
func TestPagesShowTheBrand(t *testing.T) {
	b, err := brand.New(brand.Settings{Name: "Example Shop", LogoURL: "https://cdn.example.com/logo.png",
		Color: "#0b6e4f", HelpURL: "https://help.example.com/centre"})
	if err != nil {
		t.Fatal(err)
	}
	e := newEnv(t, func(c *web.Config, _ *web.Deps) { c.Brand = b })
	p := e.browser().get("/login")
	p.want(http.StatusOK, "Example Shop", `src="https://cdn.example.com/logo.png"`, `href="https://help.example.com/centre"`)
	if got := p.text("brand"); got != "Example Shop" {
		t.Errorf("header brand %q", got)
	}
	if csp := p.header.Get("Content-Security-Policy"); !strings.Contains(csp, "img-src 'self' data: https://cdn.example.com;") {
		t.Errorf("CSP %q does not allow the logo", csp)
	}
	css := e.browser().get("/brand.css")
	css.want(http.StatusOK, "--accent: #0b6e4f;", "--accent-fg: #ffffff;")
	if !strings.Contains(p.body, `href="/brand.css?v=`) {
		t.Error("pages do not link brand.css")
	}
}

func TestPagesWithoutBrandSayJustSupport(t *testing.T) {
	e := newEnv(t, nil)
	p := e.browser().get("/login")
	if got := p.text("brand"); got != "Support" {
		t.Errorf("header brand %q, want the generic Support", got)
	}
	if strings.Contains(p.body, `id="nav-help"`) || strings.Contains(p.header.Get("Content-Security-Policy"), "https://") {
		t.Error("help link or a foreign image origin without a brand")
	}
}
