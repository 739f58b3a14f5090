// Package inbound turns support mail into tickets: IMAP sessions, per-mailbox
// checkpoints, bounded fetch batches, parsing (package mailparse) and the cron
// schedule. It decides no ticket state itself: every mail goes through
// storage.Store.IngestBatch.
package inbound

import (
	"fmt"
	"net"
	"net/url"
	"strings"
)

// TLSMode is how an IMAP connection is secured.
type TLSMode int

const (
	TLSNone     TLSMode = iota // plain IMAP (loopback and tests)
	TLSStart                   // STARTTLS: used when the server offers it, or required by ?starttls=required
	TLSImplicit                // imaps://
)

// Target is a parsed mailbox URL.
type Target struct {
	Addr            string // host:port
	User, Password  string
	Folder          string
	TLS             TLSMode
	RequireStartTLS bool
	// OAuth names the OAuth2 grant the mailbox signs in with (?oauth=NAME)
	// instead of a password; Tokens gives its access tokens (set by the poller).
	OAuth  string
	Tokens TokenSource
}

// ParseURL parses imap://USER:PASS@HOST[:PORT]/FOLDER or imaps://… (port
// defaults 143 / 993, folder INBOX). ?starttls=required refuses servers that do
// not offer STARTTLS; ?starttls=none never upgrades. ?oauth=NAME signs in with
// the OAuth2 grant NAME (`inboxdesk oauth add`) instead of a password; the
// user may then be a whole address (imaps://support@example.com@host/INBOX).
func ParseURL(raw string) (Target, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return Target{}, fmt.Errorf("mailbox url: %s", Redact(raw))
	}
	var t Target
	port := "143"
	switch u.Scheme {
	case "imap":
		t.TLS = TLSStart
	case "imaps":
		t.TLS, port = TLSImplicit, "993"
	default:
		return Target{}, fmt.Errorf("mailbox url: scheme must be imap or imaps, not %q", u.Scheme)
	}
	switch u.Query().Get("starttls") {
	case "required":
		t.RequireStartTLS = true
	case "none":
		if t.TLS == TLSStart {
			t.TLS = TLSNone
		}
	case "":
	default:
		return Target{}, fmt.Errorf("mailbox url: starttls must be required or none")
	}
	if u.Hostname() == "" {
		return Target{}, fmt.Errorf("mailbox url: host missing")
	}
	if u.Port() != "" {
		port = u.Port()
	}
	t.Addr = net.JoinHostPort(u.Hostname(), port)
	if u.User == nil || u.User.Username() == "" {
		return Target{}, fmt.Errorf("mailbox url: user missing")
	}
	t.User = u.User.Username()
	t.Password, _ = u.User.Password()
	if t.OAuth = u.Query().Get("oauth"); t.OAuth != "" && t.Password != "" {
		return Target{}, fmt.Errorf("mailbox url: give a password or ?oauth=GRANT, not both")
	}
	t.Folder = strings.TrimPrefix(u.Path, "/")
	if t.Folder == "" {
		t.Folder = "INBOX"
	}
	return t, nil
}

// Redact returns the URL with its password replaced, for printing and logs.
func Redact(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return "(unparseable url)"
	}
	if _, ok := u.User.Password(); ok {
		u.User = url.UserPassword(u.User.Username(), "xxxxx")
	}
	return u.String()
}
