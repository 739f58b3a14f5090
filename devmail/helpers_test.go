package devmail

import (
	"context"
	"fmt"
	netsmtp "net/smtp"
	"testing"
	"time"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"
)

const (
	testUser = "support@example.org"
	testPass = "secret"
)

func startTestIMAP(t *testing.T) *IMAP {
	t.Helper()
	s, err := StartIMAP(t.Context(), "127.0.0.1:0", testUser, testPass, nil)
	if err != nil {
		t.Fatalf("StartIMAP: %v", err)
	}
	t.Cleanup(func() { _ = s.Close() })
	return s
}

func startTestSMTP(t *testing.T, opts SMTPOptions) *SMTP {
	t.Helper()
	s, err := StartSMTP(t.Context(), "127.0.0.1:0", opts, nil)
	if err != nil {
		t.Fatalf("StartSMTP: %v", err)
	}
	t.Cleanup(func() { _ = s.Close() })
	return s
}

// loginIMAP connects to s and logs in as the test user.
func loginIMAP(t *testing.T, s *IMAP) *imapclient.Client {
	t.Helper()
	c, err := imapclient.DialInsecure(s.Addr(), nil)
	if err != nil {
		t.Fatalf("dial imap: %v", err)
	}
	t.Cleanup(func() { _ = c.Close() })
	if err := c.Login(testUser, testPass).Wait(); err != nil {
		t.Fatalf("login: %v", err)
	}
	return c
}

// fetchBody returns the whole message with uid in the selected mailbox,
// fetched with UID FETCH BODY.PEEK[].
func fetchBody(t *testing.T, c *imapclient.Client, uid uint32) []byte {
	t.Helper()
	section := &imap.FetchItemBodySection{Peek: true}
	msgs, err := c.Fetch(imap.UIDSetNum(imap.UID(uid)), &imap.FetchOptions{
		UID:         true,
		BodySection: []*imap.FetchItemBodySection{section},
	}).Collect()
	if err != nil {
		t.Fatalf("uid fetch %d: %v", uid, err)
	}
	if len(msgs) != 1 {
		t.Fatalf("uid fetch %d: got %d messages, want 1", uid, len(msgs))
	}
	return msgs[0].FindBodySection(section)
}

func testMessage(from, to, subject string) []byte {
	return fmt.Appendf(nil, "From: <%s>\r\nTo: <%s>\r\nSubject: %s\r\nMessage-ID: <%s.%d@example.org>\r\n\r\nHello.\r\n",
		from, to, subject, subject, time.Now().UnixNano())
}

// send delivers one message through the server at addr without AUTH.
func send(addr, from string, to []string, msg []byte) error {
	return netsmtp.SendMail(addr, nil, from, to, msg)
}

func waitCtx(t *testing.T) context.Context {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), 5*time.Second)
	t.Cleanup(cancel)
	return ctx
}

// selectInbox selects INBOX and checks that it holds want messages.
func selectInbox(t *testing.T, c *imapclient.Client, want uint32) {
	t.Helper()
	sel, err := c.Select(Inbox, nil).Wait()
	if err != nil {
		t.Fatalf("select: %v", err)
	}
	if sel.NumMessages != want {
		t.Fatalf("INBOX has %d messages, want %d", sel.NumMessages, want)
	}
}

// assertCaptured checks that s has captured exactly want messages.
func assertCaptured(t *testing.T, s *SMTP, want int) {
	t.Helper()
	if n := len(s.Messages()); n != want {
		t.Fatalf("captured %d messages, want %d", n, want)
	}
}
