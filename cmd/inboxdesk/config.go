package main

import (
	"errors"
	"flag"
	"fmt"
	"net"
	"net/mail"
	"net/url"
	"os"
	"slices"
	"strconv"
	"strings"
	"time"

	"inboxdesk/brand"
	"inboxdesk/lang"
	"inboxdesk/link"
	"inboxdesk/outbound"
	"inboxdesk/push"
	"inboxdesk/secrets"
	"inboxdesk/ticket"
)

// setting is one configuration value: a flag, an INBOXDESK_* variable (or
// DATABASE_URL) and, for secrets, a *_FILE variable naming a file to read.
type setting struct {
	flag, env, def, help string
	secret               bool
	required             bool
	value                string
}

// settings lists every setting `serve` (and `demo`) understand.
func settings() []*setting {
	return []*setting{
		{flag: "database-url", env: "DATABASE_URL", help: "PostgreSQL URL", secret: true, required: true},
		{flag: "listen", env: "INBOXDESK_LISTEN", def: ":8080", help: "HTTP listen address"},
		{flag: "metrics-listen", env: "INBOXDESK_METRICS_LISTEN", help: "address of a separate listener for /metrics, e.g. 127.0.0.1:9090 (empty: metrics not served)"},
		{flag: "base-url", env: "INBOXDESK_BASE_URL", def: "http://localhost:8080", help: "public URL of the web view, used in links"},
		{flag: "link-keys", env: "INBOXDESK_LINK_KEYS", help: "magic-link keys kid:base64,… (first signs; `inboxdesk link-key` makes one)", secret: true, required: true},
		{flag: "smtp-url", env: "INBOXDESK_SMTP_URL", help: "SMTP relay: smtp://user:pass@host:587 or smtps://…; smtp://user@host:587?oauth=GRANT signs in with an OAuth2 grant", secret: true, required: true},
		{flag: "secret-keys", env: "INBOXDESK_SECRET_KEYS", help: "keys kid:base64,… sealing mailbox passwords and OAuth2 tokens in the database (first seals, all open; `inboxdesk link-key` makes one)", secret: true},
		{flag: "from", env: "INBOXDESK_FROM", def: "Support <no-reply@localhost>", help: "no-reply sender of alerts and codes"},
		{flag: "support-addresses", env: "INBOXDESK_SUPPORT_ADDRESSES", help: "the addresses customers write to, comma-separated: copied on a mail they never become a ticket's participants (a mailbox whose IMAP user is an address counts without being listed)"},
		{flag: "language", env: "INBOXDESK_LANGUAGE", def: "en", help: "default language: " + strings.Join(lang.Supported, " or ")},
		{flag: "coalesce", env: "INBOXDESK_COALESCE", def: "30s", help: "updates within this window make one alert"},
		{flag: "alerts-per-hour", env: "INBOXDESK_ALERTS_PER_HOUR", def: "20", help: "most alerts per recipient per hour"},
		{flag: "reopen-days", env: "INBOXDESK_REOPEN_DAYS", def: "30", help: "mail on a ticket resolved longer ago opens a new linked ticket"},
		{flag: "autoclose-days", env: "INBOXDESK_AUTOCLOSE_DAYS", def: "7", help: "resolved tickets close after this many days without a customer reply (0 = never)"},
		{flag: "retention-days", env: "INBOXDESK_RETENTION_DAYS", def: "0", help: "erase tickets closed longer than this many days: messages, files, alerts (0 = keep forever)"},
		{flag: "webhook-allow-private", env: "INBOXDESK_WEBHOOK_ALLOW_PRIVATE", def: "false", help: "let webhooks call private, loopback and plain-http addresses (true on a closed network only)"},
		{flag: "upload-max", env: "INBOXDESK_UPLOAD_MAX", def: "10MB", help: "largest attachment a customer or agent may upload"},
		{flag: "tls-cert", env: "INBOXDESK_TLS_CERT", help: "TLS certificate file (serve HTTPS)"},
		{flag: "tls-key", env: "INBOXDESK_TLS_KEY", help: "TLS key file"},
		{flag: "vapid-public-key", env: "INBOXDESK_VAPID_PUBLIC_KEY", help: "Web Push VAPID public key (`inboxdesk vapid-keys` makes a pair; empty: generated once and kept in the database)"},
		{flag: "vapid-private-key", env: "INBOXDESK_VAPID_PRIVATE_KEY", help: "Web Push VAPID private key", secret: true},
		{flag: "vapid-subject", env: "INBOXDESK_VAPID_SUBJECT", help: "contact for push services: mailto:… or https://… (default mailto: the --from address)"},
		{flag: "trusted-authserv-id", env: "INBOXDESK_TRUSTED_AUTHSERV_ID", help: "authserv-id of your own mail server's Authentication-Results header (e.g. mx.example.com): mail it finds forged (DMARC, or DKIM and SPF, failing) is held in quarantine; empty: senders are not checked"},
		{flag: "imap-timeout", env: "INBOXDESK_IMAP_TIMEOUT", def: "1m", help: "an IMAP command whose server sends nothing for this long is given up and the connection dropped"},
		{flag: "poll-timeout", env: "INBOXDESK_POLL_TIMEOUT", def: "10m", help: "longest one poll of a mailbox may run (and hold its lock); the next poll goes on from what it committed"},
		{flag: "stalled-polls", env: "INBOXDESK_STALLED_POLLS", def: "5", help: "polls in a row that leave a mailbox's backlog on the server no smaller before it is logged and shown to agents as stalled"},
		{flag: "log-format", env: "INBOXDESK_LOG_FORMAT", def: "auto", help: "text, json or auto (text on a terminal)"},
		{flag: "brand-name", env: "INBOXDESK_BRAND_NAME", help: "company name in the header of pages and alerts (default: the --from name)"},
		{flag: "brand-logo-url", env: "INBOXDESK_BRAND_LOGO_URL", help: "https URL of a logo shown beside the name"},
		{flag: "brand-color", env: "INBOXDESK_BRAND_COLOR", def: brand.DefaultColor, help: "accent colour of the header and buttons, #rrggbb"},
		{flag: "brand-help-url", env: "INBOXDESK_BRAND_HELP_URL", help: "help-centre address linked from pages and alerts"},
		{flag: "brand-footer", env: "INBOXDESK_BRAND_FOOTER", help: "postal footer of alerts; lines separated by \" | \""},
		{flag: "client-ip-header", env: "INBOXDESK_CLIENT_IP_HEADER", help: "header a trusted reverse proxy sets to the client's address, e.g. X-Forwarded-For (the last entry, the one the proxy appended, is used); empty: the connection's address"},
	}
}

// Config is the validated configuration.
type Config struct {
	DatabaseURL   string
	Listen        string
	MetricsListen string // "" = /metrics not served
	BaseURL       *url.URL
	LinkKeys      *link.Keyring
	SecretKeys    *secrets.Keyring // nil: secrets stay in clear
	SMTPURL       string
	From          *mail.Address
	Language      string
	Coalesce      time.Duration
	AlertsPerHour int
	ReopenWindow  time.Duration
	AutoClose     time.Duration
	Retention     time.Duration
	// WebhookPrivate lets webhooks call private and loopback addresses.
	WebhookPrivate bool
	UploadMax      int64
	IMAPTimeout    time.Duration
	PollTimeout    time.Duration
	StalledPolls   int
	TLSCert        string
	TLSKey         string
	LogFormat      string
	ClientIP       string // header carrying the client's address behind a proxy ("" = the connection's)
	AuthservID     string // mail server whose Authentication-Results are trusted ("" = no sender checks)
	VAPID          ticket.VAPIDKeyPair
	VAPIDSubject   string
	Domain         string // Message-ID domain, from the From address
	// OwnAddresses are the desk's own addresses: the From address and the
	// support addresses (never participants of a ticket).
	OwnAddresses []string
	Brand        brand.Brand
}

// parseConfig reads flags, then env, then *_FILE for secrets, and validates
// everything, reporting every mistake with the setting's name.
func parseConfig(fs *flag.FlagSet, args []string, optional ...string) (*Config, error) {
	ss := settings()
	for _, s := range ss {
		fs.StringVar(&s.value, s.flag, "", s.help+" (env "+s.env+")")
	}
	if err := fs.Parse(args); err != nil {
		return nil, err
	}
	var errs []error
	for _, s := range ss {
		if err := s.resolve(optional); err != nil {
			errs = append(errs, err)
		}
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	return buildConfig(ss)
}

func (s *setting) resolve(optional []string) error {
	if s.value == "" {
		s.value = os.Getenv(s.env)
	}
	if s.value == "" && s.secret {
		if f := os.Getenv(s.env + "_FILE"); f != "" {
			b, err := os.ReadFile(f)
			if err != nil {
				return fmt.Errorf("%s_FILE: %v", s.env, err)
			}
			s.value = strings.TrimSpace(string(b))
		}
	}
	if s.value == "" {
		s.value = s.def
	}
	if s.value == "" && s.required && !contains(optional, s.flag) {
		return fmt.Errorf("%s (--%s) is required: %s", s.env, s.flag, s.help)
	}
	return nil
}

func contains(l []string, s string) bool {
	for _, x := range l {
		if x == s {
			return true
		}
	}
	return false
}

func buildConfig(ss []*setting) (*Config, error) {
	v := map[string]*setting{}
	for _, s := range ss {
		v[s.flag] = s
	}
	c := &Config{DatabaseURL: v["database-url"].value, Listen: v["listen"].value,
		MetricsListen: v["metrics-listen"].value, SMTPURL: v["smtp-url"].value,
		TLSCert: v["tls-cert"].value, TLSKey: v["tls-key"].value, LogFormat: v["log-format"].value}
	var errs []error
	bad := func(s *setting, format string, a ...any) {
		errs = append(errs, fmt.Errorf("%s (--%s): %s", s.env, s.flag, fmt.Sprintf(format, a...)))
	}
	var err error
	if c.BaseURL, err = url.Parse(v["base-url"].value); err != nil || (c.BaseURL.Scheme != "http" && c.BaseURL.Scheme != "https") || c.BaseURL.Host == "" {
		bad(v["base-url"], "must be an absolute http(s) URL, got %q", v["base-url"].value)
	}
	if k := v["link-keys"].value; k != "" {
		if c.LinkKeys, err = link.ParseKeys(k); err != nil {
			bad(v["link-keys"], "%v", err)
		}
	}
	if k := v["secret-keys"].value; k != "" {
		if c.SecretKeys, err = secrets.ParseKeys(k); err != nil {
			bad(v["secret-keys"], "%v", err)
		}
	}
	if c.From, err = mail.ParseAddress(v["from"].value); err != nil {
		bad(v["from"], "not an email address: %v", err)
	} else {
		c.Domain = c.From.Address[strings.LastIndexByte(c.From.Address, '@')+1:]
		c.OwnAddresses = append(c.OwnAddresses, c.From.Address)
	}
	for _, a := range strings.Split(v["support-addresses"].value, ",") {
		if a = strings.TrimSpace(a); a == "" {
			continue
		}
		if addr, err := mail.ParseAddress(a); err != nil {
			bad(v["support-addresses"], "not an email address: %q", a)
		} else {
			c.OwnAddresses = append(c.OwnAddresses, addr.Address)
		}
	}
	if c.Language = v["language"].value; !slices.Contains(lang.Supported, c.Language) {
		bad(v["language"], "must be %s", strings.Join(lang.Supported, " or "))
	}
	if c.Coalesce, err = time.ParseDuration(v["coalesce"].value); err != nil || c.Coalesce < 0 {
		bad(v["coalesce"], "must be a duration like 30s")
	}
	if c.AlertsPerHour, err = strconv.Atoi(v["alerts-per-hour"].value); err != nil || c.AlertsPerHour < 0 {
		bad(v["alerts-per-hour"], "must be a whole number ≥ 0")
	}
	c.ReopenWindow = days(v["reopen-days"], bad)
	c.AutoClose = days(v["autoclose-days"], bad)
	c.Retention = days(v["retention-days"], bad)
	if c.WebhookPrivate, err = strconv.ParseBool(v["webhook-allow-private"].value); err != nil {
		bad(v["webhook-allow-private"], "must be true or false")
	}
	c.IMAPTimeout = positiveDuration(v["imap-timeout"], bad)
	c.PollTimeout = positiveDuration(v["poll-timeout"], bad)
	if c.StalledPolls, err = strconv.Atoi(v["stalled-polls"].value); err != nil || c.StalledPolls < 1 {
		bad(v["stalled-polls"], "must be a whole number ≥ 1")
	}
	if c.UploadMax, err = parseBytes(v["upload-max"].value); err != nil || c.UploadMax <= 0 {
		bad(v["upload-max"], "must be a size like 10MB")
	}
	if c.SMTPURL != "" {
		if t, err := outbound.NewTransport(c.SMTPURL, outbound.TransportOptions{}); err != nil {
			bad(v["smtp-url"], "%v", err)
		} else {
			_ = t.Close()
		}
	}
	c.VAPID = ticket.VAPIDKeyPair{Public: v["vapid-public-key"].value, Private: v["vapid-private-key"].value}
	if c.VAPID != (ticket.VAPIDKeyPair{}) {
		if err := push.CheckKeys(c.VAPID); err != nil {
			bad(v["vapid-public-key"], "%v (set both INBOXDESK_VAPID_PUBLIC_KEY and _PRIVATE_KEY from `inboxdesk vapid-keys`, or neither)", err)
		}
	}
	if c.VAPIDSubject = v["vapid-subject"].value; c.VAPIDSubject == "" && c.From != nil {
		c.VAPIDSubject = "mailto:" + c.From.Address
	} else if c.VAPIDSubject != "" && !strings.HasPrefix(c.VAPIDSubject, "mailto:") && !strings.HasPrefix(c.VAPIDSubject, "https://") {
		bad(v["vapid-subject"], "must start with mailto: or https://")
	}
	c.Brand = buildBrand(v, c.From, bad)
	if (c.TLSCert == "") != (c.TLSKey == "") {
		bad(v["tls-cert"], "set both INBOXDESK_TLS_CERT and INBOXDESK_TLS_KEY, or neither")
	}
	if c.ClientIP = v["client-ip-header"].value; c.ClientIP != "" && !validHeaderName(c.ClientIP) {
		bad(v["client-ip-header"], "must be a header name like X-Forwarded-For, got %q", c.ClientIP)
	}
	if m := c.MetricsListen; m != "" {
		if _, _, err := net.SplitHostPort(m); err != nil {
			bad(v["metrics-listen"], "must be host:port like 127.0.0.1:9090, got %q", m)
		}
	}
	if c.AuthservID = v["trusted-authserv-id"].value; strings.ContainsAny(c.AuthservID, " \t;()") {
		bad(v["trusted-authserv-id"], "must be a host name like mx.example.com, got %q", c.AuthservID)
	}
	if f := c.LogFormat; f != "auto" && f != "text" && f != "json" {
		bad(v["log-format"], "must be auto, text or json")
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	return c, nil
}

// buildBrand checks the --brand-* settings; the name defaults to the --from
// display name, else "Support".
func buildBrand(v map[string]*setting, from *mail.Address, bad func(*setting, string, ...any)) brand.Brand {
	set := brand.Settings{Name: v["brand-name"].value, LogoURL: v["brand-logo-url"].value,
		Color: v["brand-color"].value, HelpURL: v["brand-help-url"].value, Footer: v["brand-footer"].value}
	if set.Name == "" && from != nil {
		set.Name = from.Name
	}
	if set.Name == "" {
		set.Name = "Support"
	}
	b, err := brand.New(set)
	if err == nil {
		return b
	}
	for _, flag := range []string{"brand-name", "brand-logo-url", "brand-color", "brand-help-url", "brand-footer"} {
		if _, one := brand.New(brandOnly(set, flag)); one != nil {
			bad(v[flag], "%v", one)
		}
	}
	return brand.Brand{}
}

// brandOnly is set with only the setting flag kept, to name the one at fault.
func brandOnly(set brand.Settings, flag string) brand.Settings {
	switch flag {
	case "brand-name":
		return brand.Settings{Name: set.Name}
	case "brand-logo-url":
		return brand.Settings{LogoURL: set.LogoURL}
	case "brand-color":
		return brand.Settings{Color: set.Color}
	case "brand-help-url":
		return brand.Settings{HelpURL: set.HelpURL}
	}
	return brand.Settings{Footer: set.Footer}
}

// validHeaderName reports whether s is an HTTP header name (RFC 9110 token).
func validHeaderName(s string) bool {
	return s != "" && strings.IndexFunc(s, func(r rune) bool {
		return r <= ' ' || r >= 0x7f || strings.ContainsRune(`"(),/:;<=>?@[\]{}`, r)
	}) < 0
}

func days(s *setting, bad func(*setting, string, ...any)) time.Duration {
	n, err := strconv.Atoi(s.value)
	if err != nil || n < 0 {
		bad(s, "must be a whole number of days ≥ 0")
	}
	return time.Duration(n) * 24 * time.Hour
}

func positiveDuration(s *setting, bad func(*setting, string, ...any)) time.Duration {
	d, err := time.ParseDuration(s.value)
	if err != nil || d <= 0 {
		bad(s, "must be a duration above zero like 30s or 5m")
	}
	return d
}

// parseBytes parses "10MB", "512KB", "1GB" or a plain number of bytes.
func parseBytes(s string) (int64, error) {
	s = strings.ToUpper(strings.TrimSpace(s))
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
	return n * mult, err
}
