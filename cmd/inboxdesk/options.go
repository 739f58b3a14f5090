package main

import (
	"errors"
	"fmt"
	"net"
	"net/mail"
	"strconv"
	"strings"
	"time"

	"inboxdesk/brand"
	"inboxdesk/lang"
	"inboxdesk/link"
	"inboxdesk/outbound"
	"inboxdesk/push"
	"inboxdesk/secrets"
)

// options lists every setting `serve` (and `demo`) understand, each once:
// its flag, its variable, its default, its help and how its value is read
// into the Config.
func options() []option {
	return []option{
		databaseOption(),
		{flag: "listen", env: "INBOXDESK_LISTEN", def: ":8080", help: "HTTP listen address",
			parse: func(c *Config, v string) (err error) { c.Listen, err = hostPort(v, ":8080"); return err }},
		{flag: "metrics-listen", env: "INBOXDESK_METRICS_LISTEN", help: "address of a separate listener for /metrics, e.g. 127.0.0.1:9090 (empty: metrics not served)",
			parse: func(c *Config, v string) (err error) {
				c.MetricsListen, err = hostPort(v, "127.0.0.1:9090")
				return err
			}},
		{flag: "base-url", env: "INBOXDESK_BASE_URL", def: "http://localhost:8080", help: "public URL of the web view, used in links",
			parse: func(c *Config, v string) (err error) { c.BaseURL, err = link.ParseBaseURL(v); return err }},
		{flag: "link-keys", env: "INBOXDESK_LINK_KEYS", help: "magic-link keys kid:base64,… (first signs; `inboxdesk link-key` makes one)", secret: true, required: true,
			parse: func(c *Config, v string) (err error) { c.LinkKeys, err = link.ParseKeys(v); return err }},
		{flag: "smtp-url", env: "INBOXDESK_SMTP_URL", help: "SMTP relay: smtp://user:pass@host:587 or smtps://…; smtp://user@host:587?oauth=GRANT signs in with an OAuth2 grant", secret: true, required: true,
			parse: parseSMTPURL},
		{flag: "secret-keys", env: "INBOXDESK_SECRET_KEYS", help: "keys kid:base64,… sealing mailbox passwords and OAuth2 tokens in the database (first seals, all open; `inboxdesk link-key` makes one)", secret: true,
			parse: func(c *Config, v string) (err error) { c.SecretKeys, err = secrets.ParseKeys(v); return err }},
		{flag: "from", env: "INBOXDESK_FROM", def: "Support <no-reply@localhost>", help: "no-reply sender of alerts and codes",
			parse: parseFrom},
		{flag: "support-addresses", env: "INBOXDESK_SUPPORT_ADDRESSES", help: "the addresses customers write to, comma-separated: copied on a mail they never become a ticket's participants (a mailbox whose IMAP user is an address counts without being listed)",
			parse: func(c *Config, v string) (err error) { c.SupportAddresses, err = addressList(v); return err }},
		{flag: "language", env: "INBOXDESK_LANGUAGE", def: "en", help: "default language: " + strings.Join(lang.Supported, " or "),
			parse: func(c *Config, v string) (err error) { c.Language, err = oneOf(v, lang.Supported...); return err }},
		{flag: "coalesce", env: "INBOXDESK_COALESCE", def: "30s", help: "updates within this window make one alert",
			parse: func(c *Config, v string) (err error) { c.Coalesce, err = duration(v, 0); return err }},
		{flag: "alerts-per-hour", env: "INBOXDESK_ALERTS_PER_HOUR", def: "20", help: "most alerts per recipient per hour",
			parse: func(c *Config, v string) (err error) { c.AlertsPerHour, err = wholeNumber(v, 0); return err }},
		{flag: "reopen-days", env: "INBOXDESK_REOPEN_DAYS", def: "30", help: "mail on a ticket resolved longer ago opens a new linked ticket",
			parse: func(c *Config, v string) (err error) { c.ReopenWindow, err = days(v); return err }},
		{flag: "autoclose-days", env: "INBOXDESK_AUTOCLOSE_DAYS", def: "7", help: "resolved tickets close after this many days without a customer reply (0 = never)",
			parse: func(c *Config, v string) (err error) { c.AutoClose, err = days(v); return err }},
		{flag: "retention-days", env: "INBOXDESK_RETENTION_DAYS", def: "0", help: "erase tickets closed longer than this many days: messages, files, alerts (0 = keep forever)",
			parse: func(c *Config, v string) (err error) { c.Retention, err = days(v); return err }},
		{flag: "webhook-allow-private", env: "INBOXDESK_WEBHOOK_ALLOW_PRIVATE", def: "false", help: "let webhooks call private, loopback and plain-http addresses (true on a closed network only)",
			parse: func(c *Config, v string) (err error) { c.WebhookPrivate, err = boolean(v); return err }},
		{flag: "upload-max", env: "INBOXDESK_UPLOAD_MAX", def: "10MB", help: "largest attachment a customer or agent may upload",
			parse: func(c *Config, v string) (err error) { c.UploadMax, err = size(v); return err }},
		{flag: "tls-cert", env: "INBOXDESK_TLS_CERT", help: "TLS certificate file (serve HTTPS; with --tls-key)",
			parse: func(c *Config, v string) error { c.TLSCert = v; return nil }},
		{flag: "tls-key", env: "INBOXDESK_TLS_KEY", help: "TLS key file (with --tls-cert)",
			parse: func(c *Config, v string) error { c.TLSKey = v; return nil }},
		{flag: "vapid-public-key", env: "INBOXDESK_VAPID_PUBLIC_KEY", help: "Web Push VAPID public key (`inboxdesk vapid-keys` makes a pair; empty: generated once and kept in the database)",
			parse: func(c *Config, v string) error { c.VAPID.Public = v; return nil }},
		{flag: "vapid-private-key", env: "INBOXDESK_VAPID_PRIVATE_KEY", help: "Web Push VAPID private key", secret: true,
			parse: func(c *Config, v string) error { c.VAPID.Private = v; return nil }},
		{flag: "vapid-subject", env: "INBOXDESK_VAPID_SUBJECT", help: "contact for push services: mailto:… or https://… (default mailto: the --from address)",
			parse: func(c *Config, v string) error { c.VAPIDSubject = v; return push.CheckSubject(v) }},
		{flag: "trusted-authserv-id", env: "INBOXDESK_TRUSTED_AUTHSERV_ID", help: "authserv-id of your own mail server's Authentication-Results header (e.g. mx.example.com): mail it finds forged (DMARC, or DKIM and SPF, failing) is held in quarantine; empty: senders are not checked",
			parse: func(c *Config, v string) (err error) { c.AuthservID, err = authservID(v); return err }},
		{flag: "imap-timeout", env: "INBOXDESK_IMAP_TIMEOUT", def: "1m", help: "an IMAP command whose server sends nothing for this long is given up and the connection dropped",
			parse: func(c *Config, v string) (err error) { c.IMAPTimeout, err = duration(v, time.Nanosecond); return err }},
		{flag: "poll-timeout", env: "INBOXDESK_POLL_TIMEOUT", def: "10m", help: "longest one poll of a mailbox may run (and hold its lock); the next poll goes on from what it committed",
			parse: func(c *Config, v string) (err error) { c.PollTimeout, err = duration(v, time.Nanosecond); return err }},
		{flag: "stalled-polls", env: "INBOXDESK_STALLED_POLLS", def: "5", help: "polls in a row that leave a mailbox's backlog on the server no smaller before it is logged and shown to agents as stalled",
			parse: func(c *Config, v string) (err error) { c.StalledPolls, err = wholeNumber(v, 1); return err }},
		{flag: "log-format", env: "INBOXDESK_LOG_FORMAT", def: "auto", help: "text, json or auto (text on a terminal)",
			parse: func(c *Config, v string) (err error) { c.LogFormat, err = oneOf(v, "auto", "text", "json"); return err }},
		{flag: "brand-name", env: "INBOXDESK_BRAND_NAME", help: "company name in the header of pages and alerts (default: the --from name)",
			parse: brandPart(func(s *brand.Settings, v string) { s.Name = v })},
		{flag: "brand-logo-url", env: "INBOXDESK_BRAND_LOGO_URL", help: "https URL of a logo shown beside the name",
			parse: brandPart(func(s *brand.Settings, v string) { s.LogoURL = v })},
		{flag: "brand-color", env: "INBOXDESK_BRAND_COLOR", def: brand.DefaultColor, help: "accent colour of the header and buttons, #rrggbb",
			parse: brandPart(func(s *brand.Settings, v string) { s.Color = v })},
		{flag: "brand-help-url", env: "INBOXDESK_BRAND_HELP_URL", help: "help-centre address linked from pages and alerts",
			parse: brandPart(func(s *brand.Settings, v string) { s.HelpURL = v })},
		{flag: "brand-footer", env: "INBOXDESK_BRAND_FOOTER", help: "postal footer of alerts; lines separated by \" | \"",
			parse: brandPart(func(s *brand.Settings, v string) { s.Footer = v })},
		{flag: "client-ip-header", env: "INBOXDESK_CLIENT_IP_HEADER", help: "header a trusted reverse proxy sets to the client's address, e.g. X-Forwarded-For (the last entry, the one the proxy appended, is used); empty: the connection's address",
			parse: func(c *Config, v string) (err error) { c.ClientIP, err = headerName(v); return err }},
	}
}

// databaseOption is also the one setting of the subcommands that only open
// the database (dbFlag).
func databaseOption() option {
	return option{flag: "database-url", env: "DATABASE_URL", help: "PostgreSQL URL", secret: true, required: true,
		parse: func(c *Config, v string) error { c.DatabaseURL = v; return nil }}
}

// parseSMTPURL checks the relay URL the way the transport reads it.
func parseSMTPURL(c *Config, v string) error {
	t, err := outbound.NewTransport(v, outbound.TransportOptions{})
	if err != nil {
		return err
	}
	c.SMTPURL = v
	return t.Close()
}

// parseFrom reads the no-reply sender; the Message-ID domain is its domain.
func parseFrom(c *Config, v string) error {
	from, err := mail.ParseAddress(v)
	if err != nil {
		return fmt.Errorf("not an email address: %v", err)
	}
	c.From = from
	c.Domain = from.Address[strings.LastIndexByte(from.Address, '@')+1:]
	return nil
}

// brandPart checks one --brand-* value on its own, so that a mistake is
// reported under its own setting, and keeps it for the brand (finish).
func brandPart(set func(*brand.Settings, string)) func(*Config, string) error {
	return func(c *Config, v string) error {
		var one brand.Settings
		set(&one, v)
		if _, err := brand.New(one); err != nil {
			return err
		}
		set(&c.brandSettings, v)
		return nil
	}
}

// addressList reads comma-separated addresses, keeping only the address
// part of each.
func addressList(v string) ([]string, error) {
	var out []string
	for _, a := range strings.Split(v, ",") {
		if a = strings.TrimSpace(a); a == "" {
			continue
		}
		addr, err := mail.ParseAddress(a)
		if err != nil {
			return nil, fmt.Errorf("not an email address: %q", a)
		}
		out = append(out, addr.Address)
	}
	return out, nil
}

func oneOf(v string, allowed ...string) (string, error) {
	for _, a := range allowed {
		if v == a {
			return v, nil
		}
	}
	if len(allowed) == 2 {
		return "", fmt.Errorf("must be %s or %s", allowed[0], allowed[1])
	}
	return "", fmt.Errorf("must be %s or %s", strings.Join(allowed[:len(allowed)-1], ", "), allowed[len(allowed)-1])
}

// duration reads a Go duration of at least least.
func duration(v string, least time.Duration) (time.Duration, error) {
	d, err := time.ParseDuration(v)
	switch {
	case err == nil && d >= least:
		return d, nil
	case least > 0:
		return 0, errors.New("must be a duration above zero like 30s or 5m")
	}
	return 0, errors.New("must be a duration like 30s")
}

func wholeNumber(v string, least int) (int, error) {
	n, err := strconv.Atoi(v)
	if err != nil || n < least {
		return 0, fmt.Errorf("must be a whole number ≥ %d", least)
	}
	return n, nil
}

func days(v string) (time.Duration, error) {
	n, err := strconv.Atoi(v)
	if err != nil || n < 0 {
		return 0, errors.New("must be a whole number of days ≥ 0")
	}
	return time.Duration(n) * 24 * time.Hour, nil
}

func boolean(v string) (bool, error) {
	b, err := strconv.ParseBool(v)
	if err != nil {
		return false, errors.New("must be true or false")
	}
	return b, nil
}

// size reads "10MB", "512KB", "1GB" or a plain number of bytes, above zero.
func size(v string) (int64, error) {
	s := strings.ToUpper(strings.TrimSpace(v))
	mult := int64(1)
	for _, u := range []struct {
		suffix string
		m      int64
	}{{"GB", 1 << 30}, {"MB", 1 << 20}, {"KB", 1 << 10}, {"B", 1}} {
		if strings.HasSuffix(s, u.suffix) {
			s, mult = strings.TrimSpace(strings.TrimSuffix(s, u.suffix)), u.m
			break
		}
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n <= 0 {
		return 0, errors.New("must be a size like 10MB")
	}
	return n * mult, nil
}

// hostPort checks a listen address; example shows the form in the error.
func hostPort(v, example string) (string, error) {
	if _, _, err := net.SplitHostPort(v); err != nil {
		return "", fmt.Errorf("must be host:port like %s, got %q", example, v)
	}
	return v, nil
}

// headerName checks an HTTP header name (RFC 9110 token).
func headerName(v string) (string, error) {
	if strings.IndexFunc(v, func(r rune) bool {
		return r <= ' ' || r >= 0x7f || strings.ContainsRune(`"(),/:;<=>?@[\]{}`, r)
	}) >= 0 {
		return "", fmt.Errorf("must be a header name like X-Forwarded-For, got %q", v)
	}
	return v, nil
}

// authservID checks the authserv-id of an Authentication-Results header:
// a host name, nothing the header's syntax would split.
func authservID(v string) (string, error) {
	if strings.ContainsAny(v, " \t;()") {
		return "", fmt.Errorf("must be a host name like mx.example.com, got %q", v)
	}
	return v, nil
}
