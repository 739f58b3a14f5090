package main

import (
	"io"
	"strings"
	"testing"

	"inboxdesk/link"
	"inboxdesk/testenv/pgtest"
)

// configArgs are flags that make a valid configuration.
func configArgs() []string {
	return []string{"--database-url", "postgres://x@127.0.0.1/x", "--link-keys", link.GenerateKey(),
		"--smtp-url", "smtp://127.0.0.1:1"}
}

// Every setting refuses a bad value with one line that names it (variable
// and flag) and no other setting. A setting that takes any text is listed
// as such, so that a new setting cannot go untested.
func TestEachSettingRefusesBadValues(t *testing.T) {
	bad := map[string][]string{
		"listen":                {"8080", "localhost"},
		"metrics-listen":        {"9090"},
		"base-url":              {"help.example.com", "ftp://help.example.com", "https://help.example.com/?x=1", "https://ops:pw@help.example.com"},
		"link-keys":             {"k1:tooshort", "no-colon"},
		"smtp-url":              {"http://relay:25", "relay:25"},
		"secret-keys":           {"k1:tooshort"},
		"from":                  {"support", "Support <>"},
		"support-addresses":     {"support", "help@example.com, nobody"},
		"language":              {"fr", "EN"},
		"coalesce":              {"soon", "-1s", "30"},
		"alerts-per-hour":       {"-1", "many", "1.5"},
		"reopen-days":           {"-1", "a month"},
		"autoclose-days":        {"-7", "7d"},
		"retention-days":        {"-1", "forever"},
		"webhook-allow-private": {"yes please", "2"},
		"upload-max":            {"huge", "0", "-1MB", "10TB"},
		"tls-cert":              {"cert.pem"}, // without --tls-key
		"tls-key":               {},           // reported under --tls-cert
		"vapid-public-key":      {"BOr8Tq1cNp0"},
		"vapid-private-key":     {}, // reported under --vapid-public-key
		"vapid-subject":         {"ops@example.com", "http://example.com"},
		"trusted-authserv-id":   {"mx.example.com; dkim=pass", "mx example"},
		"imap-timeout":          {"0s", "-1m", "never"},
		"poll-timeout":          {"0", "forever"},
		"stalled-polls":         {"0", "-1", "five"},
		"log-format":            {"xml", "JSON"},
		"brand-name":            {strings.Repeat("n", 81), "Shop\x07"},
		"brand-logo-url":        {"http://cdn.example.com/l.png", "logo.png"},
		"brand-color":           {"green", "#12345"},
		"brand-help-url":        {"help.example.com"},
		"brand-footer":          {strings.Repeat("f", 501)},
		"client-ip-header":      {"X-Forwarded-For: 1.2.3.4", "X Forwarded"},
	}
	anyText := map[string]bool{"database-url": true}
	for _, o := range options() {
		if _, ok := bad[o.flag]; !ok && !anyText[o.flag] {
			t.Errorf("--%s has no bad values in this test", o.flag)
		}
		for _, v := range bad[o.flag] {
			_, err := parseConfig(newFlags("serve", io.Discard), append(configArgs(), "--"+o.flag, v))
			if err == nil {
				t.Errorf("--%s %q: accepted", o.flag, v)
				continue
			}
			if msg := err.Error(); strings.Count(msg, "\n") != 0 || !strings.HasPrefix(msg, o.name()+": ") {
				t.Errorf("--%s %q: %q, want one line starting %q", o.flag, v, msg, o.name()+": ")
			}
		}
	}
}

// Settings that only hold together are reported under the first of them.
func TestPairedSettingsNameTheirPair(t *testing.T) {
	for _, c := range []struct{ args, want string }{
		{"--tls-key key.pem", "INBOXDESK_TLS_CERT (--tls-cert): set both"},
		{"--vapid-private-key abc", "INBOXDESK_VAPID_PUBLIC_KEY (--vapid-public-key): "},
	} {
		_, err := parseConfig(newFlags("serve", io.Discard), append(configArgs(), strings.Fields(c.args)...))
		if err == nil || !strings.HasPrefix(err.Error(), c.want) {
			t.Errorf("%s: %v, want %q", c.args, err, c.want)
		}
	}
}

// With nothing but the required settings, every default holds and reads
// into its typed value; what one setting defaults from another follows it.
func TestSettingDefaults(t *testing.T) {
	cfg, err := parseConfig(newFlags("serve", io.Discard), append(configArgs(), "--from", "Shop Help <help@shop.example>",
		"--support-addresses", "Team <team@shop.example>, desk@shop.example", "--base-url", "https://shop.example/help/"))
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Listen != ":8080" || cfg.Language != "en" || cfg.Coalesce.String() != "30s" || cfg.AlertsPerHour != 20 ||
		cfg.ReopenWindow.Hours() != 30*24 || cfg.AutoClose.Hours() != 7*24 || cfg.Retention != 0 ||
		cfg.UploadMax != 10<<20 || cfg.IMAPTimeout.String() != "1m0s" || cfg.PollTimeout.String() != "10m0s" ||
		cfg.StalledPolls != 5 || cfg.LogFormat != "auto" || cfg.WebhookPrivate || cfg.SecretKeys != nil {
		t.Errorf("defaults: %+v", cfg)
	}
	if cfg.Domain != "shop.example" || cfg.VAPIDSubject != "mailto:help@shop.example" || cfg.Brand.Name != "Shop Help" ||
		strings.Join(cfg.OwnAddresses, " ") != "help@shop.example team@shop.example desk@shop.example" {
		t.Errorf("derived from --from: domain %q, subject %q, brand %q, own %v", cfg.Domain, cfg.VAPIDSubject, cfg.Brand.Name, cfg.OwnAddresses)
	}
	if got := link.URL(cfg.BaseURL, 7, "tok"); got != "https://shop.example/help/t/7?k=tok" {
		t.Errorf("link under --base-url: %s", got)
	}
}

// --help shows each setting with its variable and default, and no
// setting's value is mistaken for the name of its argument.
func TestServeHelpShowsVariablesAndDefaults(t *testing.T) {
	var out strings.Builder
	fs := newFlags("serve", &out)
	if _, err := parseConfig(fs, []string{"--help"}); err == nil {
		t.Fatal("--help parsed as a configuration")
	}
	help := out.String()
	for _, want := range []string{"-coalesce string", "(env INBOXDESK_COALESCE, default 30s)", "-link-keys string",
		"(env INBOXDESK_LINK_KEYS or INBOXDESK_LINK_KEYS_FILE)", "'inboxdesk link-key'"} {
		if !strings.Contains(help, want) {
			t.Errorf("--help lacks %q:\n%s", want, help)
		}
	}
}

// The subcommands that take one of serve's settings check it as serve
// does, instead of ignoring a value they cannot read.
func TestSubcommandsCheckServeSettings(t *testing.T) {
	db := pgtest.NewURL(t)
	for _, c := range []struct {
		env, value string
		args       []string
	}{
		{"INBOXDESK_WEBHOOK_ALLOW_PRIVATE", "yes please", []string{"webhook", "list", "--database-url", db}},
		{"INBOXDESK_TRUSTED_AUTHSERV_ID", "mx.example.com; dkim=pass", []string{"poll", "--database-url", db}},
		{"INBOXDESK_SECRET_KEYS", "k1:tooshort", []string{"oauth", "list", "--database-url", db}},
	} {
		t.Setenv(c.env, c.value)
		out, code := inboxdesk(t, c.args...)
		if code != 1 || !strings.Contains(out, c.env+" (--") {
			t.Errorf("%s=%q %v: exit %d, %q; want an error naming %s", c.env, c.value, c.args, code, out, c.env)
		}
		t.Setenv(c.env, "")
	}
}
