package outbound

import (
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"net/url"
	"strconv"
	"strings"
	"time"

	mail "github.com/wneessen/go-mail"
)

// TransportOptions tunes a Transport; zero values take the defaults.
type TransportOptions struct {
	Timeout   time.Duration // dial and per-message deadline; default 30s
	MaxIdle   time.Duration // a connection idle longer is replaced before use; default 1m
	HelloName string        // EHLO name; default the machine's host name
	TLSConfig *tls.Config   // nil: system roots; ServerName defaults to the URL's host
	Tokens    TokenSource   // access tokens for a URL with ?oauth=NAME
}

const (
	defaultTimeout = 30 * time.Second
	defaultMaxIdle = time.Minute
)

// NewTransport reads an SMTP URL:
//
//	smtp://[user:pass@]host[:port][?starttls=opportunistic|required|none][&auth=plain|login]
//	smtp://user@host[:port]?oauth=GRANT
//	smtps://[user:pass@]host[:port][?auth=plain|login]
//
// smtp:// uses port 587 and STARTTLS when the server offers it (required:
// refuse a server without it; none: never); smtps:// uses port 465 and TLS
// from the start. With a user, AUTH PLAIN or LOGIN is used, whichever the
// server offers (or the one named by auth=); with oauth=GRANT, AUTH XOAUTH2
// with an access token of that grant (opts.Tokens); go-mail refuses to send a
// password before TLS except to localhost. Nothing is dialled until the
// first Send.
func NewTransport(rawURL string, opts TransportOptions) (*Transport, error) {
	u, err := url.Parse(rawURL)
	if err != nil {
		return nil, errors.New("smtp url: cannot parse") // url.Parse's error would print the password
	}
	t, mopts, err := transportFromURL(u, opts)
	if err != nil {
		return nil, fmt.Errorf("smtp url: %w", err)
	}
	mopts = append(mopts, mail.WithDialContextFunc(t.dial), mail.WithTimeout(t.timeout), mail.WithTLSConfig(t.tlsConfig))
	if opts.HelloName != "" {
		mopts = append(mopts, mail.WithHELO(opts.HelloName))
	}
	host, _, _ := net.SplitHostPort(t.addr)
	if t.client, err = mail.NewClient(host, mopts...); err != nil {
		return nil, fmt.Errorf("smtp client: %w", err)
	}
	return t, nil
}

func transportFromURL(u *url.URL, opts TransportOptions) (*Transport, []mail.Option, error) {
	if u.Scheme != "smtp" && u.Scheme != "smtps" {
		return nil, nil, fmt.Errorf("scheme %q: want smtp or smtps", u.Scheme)
	}
	if u.Hostname() == "" {
		return nil, nil, errors.New("no host")
	}
	if u.Path != "" && u.Path != "/" {
		return nil, nil, fmt.Errorf("unexpected path %q", u.Path)
	}
	t := &Transport{implicit: u.Scheme == "smtps", timeout: opts.Timeout, maxIdle: opts.MaxIdle,
		grant: u.Query().Get("oauth"), tokens: opts.Tokens}
	port, err := urlPort(u, t.implicit)
	if err != nil {
		return nil, nil, err
	}
	t.addr = net.JoinHostPort(u.Hostname(), strconv.Itoa(port))
	t.tlsConfig = tlsConfigFor(opts.TLSConfig, u.Hostname())
	if t.timeout <= 0 {
		t.timeout = defaultTimeout
	}
	if t.maxIdle <= 0 {
		t.maxIdle = defaultMaxIdle
	}
	mopts, err := urlOptions(u, t.implicit)
	if err != nil {
		return nil, nil, err
	}
	return t, append(mopts, mail.WithPort(port)), nil
}

func urlPort(u *url.URL, implicit bool) (int, error) {
	if u.Port() == "" {
		if implicit {
			return mail.DefaultPortSSL, nil
		}
		return mail.DefaultPortTLS, nil
	}
	port, err := strconv.Atoi(u.Port())
	if err != nil || port < 1 || port > 65535 {
		return 0, fmt.Errorf("port %q", u.Port())
	}
	return port, nil
}

func tlsConfigFor(base *tls.Config, host string) *tls.Config {
	cfg := &tls.Config{MinVersion: tls.VersionTLS12}
	if base != nil {
		cfg = base.Clone()
	}
	if cfg.ServerName == "" {
		cfg.ServerName = host
	}
	return cfg
}

// urlOptions turns the query and the user into go-mail options.
func urlOptions(u *url.URL, implicit bool) ([]mail.Option, error) {
	q := u.Query()
	for k := range q {
		if k != "starttls" && k != "auth" && k != "oauth" {
			return nil, fmt.Errorf("unknown parameter %q (want starttls, auth, oauth)", k)
		}
	}
	policy, err := tlsPolicy(q.Get("starttls"), implicit)
	if err != nil {
		return nil, err
	}
	opts := []mail.Option{mail.WithTLSPolicy(policy)}
	auth, err := authOption(u, q.Get("auth"), q.Get("oauth"))
	if err != nil {
		return nil, err
	}
	if auth != nil {
		opts = append(opts, auth)
	}
	return opts, nil
}

func tlsPolicy(s string, implicit bool) (mail.TLSPolicy, error) {
	if implicit {
		if s != "" {
			return 0, errors.New("starttls does not apply to smtps (TLS from the start)")
		}
		return mail.NoTLS, nil // the dialer already did TLS
	}
	switch s {
	case "", "opportunistic":
		return mail.TLSOpportunistic, nil
	case "required":
		return mail.TLSMandatory, nil
	case "none":
		return mail.NoTLS, nil
	}
	return 0, fmt.Errorf("starttls=%q: want opportunistic, required or none", s)
}

func authOption(u *url.URL, mech, grant string) (mail.Option, error) {
	user := u.User.Username()
	pass, hasPass := u.User.Password()
	if grant != "" {
		if user == "" || hasPass || mech != "" {
			return nil, errors.New("oauth= takes a user and no password or auth=")
		}
		return func(c *mail.Client) error {
			c.SetUsername(user)
			c.SetSMTPAuth(mail.SMTPAuthXOAUTH2)
			return nil
		}, nil
	}
	if user == "" {
		if mech != "" {
			return nil, errors.New("auth= given without a user")
		}
		return nil, nil
	}
	var prefer []mail.SMTPAuthType
	switch strings.ToLower(mech) {
	case "":
		prefer = []mail.SMTPAuthType{mail.SMTPAuthPlain, mail.SMTPAuthLogin}
	case "plain":
		prefer = []mail.SMTPAuthType{mail.SMTPAuthPlain}
	case "login":
		prefer = []mail.SMTPAuthType{mail.SMTPAuthLogin}
	default:
		return nil, fmt.Errorf("auth=%q: want plain or login", mech)
	}
	return func(c *mail.Client) error {
		c.SetUsername(user)
		c.SetPassword(pass)
		return mail.WithOpportunisticSMTPAuth(prefer...)(c)
	}, nil
}
