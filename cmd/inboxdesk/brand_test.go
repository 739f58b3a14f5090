package main

import (
	"io"
	"strings"
	"testing"
)

// The --brand-* settings reach the configuration; a wrong one stops the
// start with a line naming it, and no other.
func TestBrandSettings(t *testing.T) {
	base := []string{"--database-url", "postgres://x@127.0.0.1/x", "--link-keys", "k1:" + strings.Repeat("A", 44),
		"--smtp-url", "smtp://127.0.0.1:1", "--from", "Example Shop <no-reply@example.com>"}
	cfg, err := parseConfig(newFlags("serve", io.Discard), append(base, "--brand-color", "#0b6e4f",
		"--brand-help-url", "https://help.example.com", "--brand-footer", "Example Shop S.L. | Calle Mayor 1"))
	if err != nil {
		t.Fatal(err)
	}
	b := cfg.Brand
	if b.Name != "Example Shop" || b.Color != "#0b6e4f" || b.HelpURL != "https://help.example.com" || len(b.FooterLines()) != 2 {
		t.Errorf("brand = %+v (name from --from)", b)
	}
	t.Setenv("INBOXDESK_BRAND_NAME", "Shop from env")
	if cfg, err = parseConfig(newFlags("serve", io.Discard), base); err != nil || cfg.Brand.Name != "Shop from env" {
		t.Errorf("INBOXDESK_BRAND_NAME: %+v, %v", cfg, err)
	}
	for flag, value := range map[string]string{"--brand-color": "green", "--brand-logo-url": "http://cdn.example.com/l.png",
		"--brand-help-url": "help.example.com"} {
		_, err := parseConfig(newFlags("serve", io.Discard), append(base, flag, value))
		if err == nil || !strings.Contains(err.Error(), flag) || strings.Count(err.Error(), "--brand-") != 1 {
			t.Errorf("%s %q: err = %v, want one line naming %s", flag, value, err, flag)
		}
	}
}
