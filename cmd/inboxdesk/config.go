package main

import (
	"cmp"
	"errors"
	"flag"
	"fmt"
	"net/mail"
	"os"
	"strings"
	"time"

	"inboxdesk/brand"
	"inboxdesk/link"
	"inboxdesk/push"
	"inboxdesk/secrets"
	"inboxdesk/ticket"
)

// option is one setting: a flag, an INBOXDESK_* variable (or DATABASE_URL)
// and, for a secret, a *_FILE variable naming a file to read. parse checks a
// value and stores it in the Config; its error says what is wrong, and the
// caller names the setting. An empty value is never parsed: the setting is
// unset and its Config field keeps its zero value.
type option struct {
	flag, env, def, help string
	secret               bool
	required             bool
	parse                func(c *Config, value string) error
}

// name is how errors name the setting: INBOXDESK_X (--x).
func (o option) name() string { return o.env + " (--" + o.flag + ")" }

// usage is the flag's --help line: what it does, where else it is read
// from, and its default. A secret's value is never shown. Back quotes
// become plain ones: the flag package would take the quoted words for the
// name of the value.
func (o option) usage() string {
	from := "env " + o.env
	if o.secret {
		from += " or " + o.env + "_FILE"
	}
	if o.def != "" {
		from += ", default " + o.def
	}
	return strings.ReplaceAll(o.help, "`", "'") + " (" + from + ")"
}

// Config is the validated configuration.
type Config struct {
	DatabaseURL   string
	Listen        string
	MetricsListen string // "" = /metrics not served
	BaseURL       link.BaseURL
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
	// SupportAddresses are the addresses customers write to.
	SupportAddresses []string
	// OwnAddresses are the desk's own addresses: the From address and the
	// support addresses (never participants of a ticket).
	OwnAddresses  []string
	Brand         brand.Brand
	brandSettings brand.Settings // the --brand-* values, until finish builds Brand
}

// parseConfig reads flags, then the environment, then *_FILE for secrets,
// then the defaults, and checks every setting once, reporting each mistake
// on a line of its own that names the setting.
func parseConfig(fs *flag.FlagSet, args []string) (*Config, error) {
	opts := options()
	values := make([]string, len(opts))
	for i, o := range opts {
		fs.StringVar(&values[i], o.flag, "", o.usage())
	}
	if err := fs.Parse(args); err != nil {
		return nil, err
	}
	c := &Config{}
	var errs []error
	for i, o := range opts {
		if err := o.read(c, values[i]); err != nil {
			errs = append(errs, err)
		}
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	if err := c.finish(); err != nil {
		return nil, err
	}
	return c, nil
}

// read resolves the option's value (flag, environment, file, default) and
// parses it into c.
func (o option) read(c *Config, flagValue string) error {
	v, err := o.resolve(flagValue)
	switch {
	case err != nil:
		return err
	case v == "" && o.required:
		return fmt.Errorf("%s is required: %s", o.name(), o.help)
	case v == "":
		return nil
	}
	if err := o.parse(c, v); err != nil {
		return fmt.Errorf("%s: %w", o.name(), err)
	}
	return nil
}

// resolve is the option's value: v (the flag's), else its variable, else,
// for a secret, the file its *_FILE variable names, else its default.
func (o option) resolve(v string) (string, error) {
	if v == "" {
		v = os.Getenv(o.env)
	}
	if v == "" && o.secret {
		if f := os.Getenv(o.env + "_FILE"); f != "" {
			b, err := os.ReadFile(f)
			if err != nil {
				return "", fmt.Errorf("%s_FILE: %v", o.env, err)
			}
			v = strings.TrimSpace(string(b))
		}
	}
	if v == "" {
		v = o.def
	}
	return v, nil
}

// optionNamed is the setting whose flag is flag. The names are this
// package's own, so an unknown one is a bug.
func optionNamed(flag string) option {
	for _, o := range options() {
		if o.flag == flag {
			return o
		}
	}
	panic("inboxdesk: no setting --" + flag)
}

// optionFlag adds the setting named flag to a subcommand's flags, with
// serve's help, and returns what reads it (flag, else environment, file,
// default) into a Config. Subcommands that take a few of serve's
// settings read them this way, checked as serve checks them.
func optionFlag(fs *flag.FlagSet, flag string) func(*Config) error {
	o := optionNamed(flag)
	v := fs.String(o.flag, "", o.usage())
	return func(c *Config) error { return o.read(c, *v) }
}

// finish checks what takes more than one setting and fills what one
// setting defaults from another.
func (c *Config) finish() error {
	var errs []error
	bad := func(flag, format string, a ...any) {
		errs = append(errs, fmt.Errorf("%s: %s", optionNamed(flag).name(), fmt.Sprintf(format, a...)))
	}
	if (c.TLSCert == "") != (c.TLSKey == "") {
		bad("tls-cert", "set both INBOXDESK_TLS_CERT and INBOXDESK_TLS_KEY, or neither")
	}
	if c.VAPID != (ticket.VAPIDKeyPair{}) {
		if err := push.CheckKeys(c.VAPID); err != nil {
			bad("vapid-public-key", "%v (set both INBOXDESK_VAPID_PUBLIC_KEY and _PRIVATE_KEY from `inboxdesk vapid-keys`, or neither)", err)
		}
	}
	c.OwnAddresses = append([]string{c.From.Address}, c.SupportAddresses...)
	if c.VAPIDSubject == "" {
		c.VAPIDSubject = "mailto:" + c.From.Address
	}
	if c.brandSettings.Name == "" {
		c.brandSettings.Name = cmp.Or(c.From.Name, "Support")
	}
	var err error
	if c.Brand, err = brand.New(c.brandSettings); err != nil {
		bad("brand-name", "%v", err)
	}
	return errors.Join(errs...)
}
