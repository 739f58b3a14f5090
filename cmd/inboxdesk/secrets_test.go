package main

import (
	"bytes"
	"errors"
	"log/slog"
	"strings"
	"testing"
)

// No command's --help shows a secret taken from the environment, and no
// error from a malformed secret URL quotes its password.
func TestHelpAndErrorsNeverPrintSecrets(t *testing.T) {
	const secret = "Pw4Secret"
	t.Setenv("DATABASE_URL", "postgres://inboxdesk:"+secret+"@127.0.0.1:1/inboxdesk")
	t.Setenv("INBOXDESK_SMTP_URL", "smtp://relay:"+secret+"@relay.example.com:587")
	t.Setenv("INBOXDESK_LINK_KEYS", "k1:"+secret)
	t.Setenv("INBOXDESK_VAPID_PRIVATE_KEY", secret)
	t.Setenv("INBOXDESK_SECRET_KEYS", "k1:"+secret)
	helps := [][]string{{"serve"}, {"demo"}, {"migrate"}, {"poll"},
		{"mailbox", "add"}, {"mailbox", "list"}, {"mailbox", "update"}, {"mailbox", "remove"},
		{"agent", "add"}, {"agent", "list"}, {"agent", "password"}, {"agent", "disable"}, {"agent", "enable"},
		{"oauth", "add"}, {"oauth", "list"}, {"oauth", "renew"}, {"oauth", "remove"}}
	for _, cmd := range helps {
		out, code := inboxdesk(t, append(cmd, "--help")...)
		if code != 0 || !strings.Contains(out, "-database-url") {
			t.Errorf("%v --help: exit %d, no --database-url in\n%s", cmd, code, out)
		}
		if strings.Contains(out, secret) {
			t.Errorf("%v --help printed a secret:\n%s", cmd, out)
		}
	}
	t.Setenv("DATABASE_URL", "postgres://inboxdesk:"+secret+"@127.0.0.1:notaport/inboxdesk")
	for _, cmd := range [][]string{{"migrate"}, {"poll"}, {"agent", "list"}, {"mailbox", "list"}, {"demo", "--listen", "127.0.0.1:0"}} {
		out, code := inboxdesk(t, cmd...)
		if code == 0 || !strings.Contains(out, "DATABASE_URL") {
			t.Errorf("%v with a malformed DATABASE_URL: exit %d, not named in %q", cmd, code, out)
		}
		if strings.Contains(out, secret) {
			t.Errorf("%v printed the DATABASE_URL password: %q", cmd, out)
		}
	}
}

func TestLogsRedactURLPasswords(t *testing.T) {
	const secret = "Pw4Secret"
	for _, format := range []string{"text", "json"} {
		var buf bytes.Buffer
		log := newLogger(format, &buf)
		log.Warn("send failed smtp://relay:"+secret+"@relay.example.com",
			"url", "imaps://support%40example.com:"+secret+"@imap.example.com/INBOX",
			slog.Any("err", errors.New("dial postgres://u:"+secret+"@db:5432/x: refused")))
		out := buf.String()
		if strings.Contains(out, secret) {
			t.Errorf("%s log printed a password: %s", format, out)
		}
		if !strings.Contains(out, "imap.example.com") || !strings.Contains(out, "refused") {
			t.Errorf("%s log lost the rest of the line: %s", format, out)
		}
	}
}
