package dovecot

import (
	"bytes"
	"fmt"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"
)

func message(i int, body string) []byte {
	return fmt.Appendf(nil, "From: customer%d@example.com\r\n"+
		"To: support@example.com\r\n"+
		"Subject: Ticket %d\r\n"+
		"Message-ID: <m%d@example.com>\r\n"+
		"\r\n%s\r\n", i, i, i, body)
}

// fetchAll returns the full raw messages in folder by UID.
func fetchAll(t *testing.T, s *Server, folder string) map[imap.UID][]byte {
	t.Helper()
	c := s.Dial(t)
	if _, err := c.Select(folder, &imap.SelectOptions{ReadOnly: true}).Wait(); err != nil {
		t.Fatalf("select %s: %v", folder, err)
	}
	all := &imap.FetchItemBodySection{Peek: true}
	msgs, err := c.Fetch(imap.UIDSet{imap.UIDRange{Start: 1, Stop: 0}},
		&imap.FetchOptions{UID: true, BodySection: []*imap.FetchItemBodySection{all}}).Collect()
	if err != nil {
		t.Fatalf("uid fetch: %v", err)
	}
	got := make(map[imap.UID][]byte, len(msgs))
	for _, m := range msgs {
		got[m.UID] = m.FindBodySection(all)
	}
	return got
}

func uidValidity(t *testing.T, s *Server, folder string) uint32 {
	t.Helper()
	c := s.Dial(t)
	data, err := c.Select(folder, &imap.SelectOptions{ReadOnly: true}).Wait()
	if err != nil {
		t.Fatalf("select %s: %v", folder, err)
	}
	if err := c.Logout().Wait(); err != nil {
		t.Fatalf("logout: %v", err)
	}
	return data.UIDValidity
}

func TestAppendFetch(t *testing.T) {
	s := Start(t)
	want := map[imap.UID][]byte{}
	for i := range 3 {
		raw := message(i, strings.Repeat("line of text\r\n", 500*i+1)) // up to ~14 KB: literal with continuation
		uid := s.Append(t, "INBOX", raw)
		want[imap.UID(uid)] = raw
	}
	if len(want) != 3 {
		t.Fatalf("Append returned %d distinct UIDs for 3 messages", len(want))
	}
	got := fetchAll(t, s, "INBOX")
	if len(got) != len(want) {
		t.Fatalf("fetched %d messages, want %d", len(got), len(want))
	}
	for uid, raw := range want {
		if !bytes.Equal(got[uid], raw) {
			t.Errorf("UID %d: BODY[] differs from what was appended (%d vs %d bytes)", uid, len(got[uid]), len(raw))
		}
	}
}

func TestAppendCreatesFolder(t *testing.T) {
	s := Start(t)
	if uid := s.Append(t, "Support", message(1, "hi")); uid != 1 {
		t.Fatalf("first UID in a new folder = %d, want 1", uid)
	}
}

func TestURL(t *testing.T) {
	s := Start(t)
	u, err := url.Parse(s.URL("INBOX"))
	if err != nil {
		t.Fatal(err)
	}
	pass, _ := u.User.Password()
	if u.Scheme != "imap" || u.Host != s.Addr() || u.Path != "/INBOX" || u.User.Username() != s.User() || pass != s.Password() {
		t.Fatalf("URL = %s: does not match the server", s.URL("INBOX"))
	}
}

func TestRecreateMailboxChangesUIDValidity(t *testing.T) {
	for _, folder := range []string{"INBOX", "Support"} {
		t.Run(folder, func(t *testing.T) {
			s := Start(t)
			s.Append(t, folder, message(1, "before"))
			old := uidValidity(t, s, folder)
			s.RecreateMailbox(t, folder)
			if n := len(fetchAll(t, s, folder)); n != 0 {
				t.Errorf("%s has %d messages after recreate, want 0", folder, n)
			}
			if now := uidValidity(t, s, folder); now == old {
				t.Errorf("UIDVALIDITY stayed %d after recreate", now)
			}
			if uid := s.Append(t, folder, message(2, "after")); uid != 1 {
				t.Errorf("first UID after recreate = %d, want 1", uid)
			}
		})
	}
}

func TestRestartKeepsMessages(t *testing.T) {
	s := Start(t)
	raw := message(1, "survives a restart")
	uid := s.Append(t, "INBOX", raw)
	validity := uidValidity(t, s, "INBOX")
	addr := s.Addr()

	c := s.Dial(t)
	s.Restart(t)
	select {
	case <-c.Closed():
	case <-time.After(5 * time.Second):
		t.Error("connection open across the restart was not dropped")
	}

	if s.Addr() != addr {
		t.Errorf("address changed from %s to %s", addr, s.Addr())
	}
	if got := uidValidity(t, s, "INBOX"); got != validity {
		t.Errorf("UIDVALIDITY %d after restart, want %d", got, validity)
	}
	if got := fetchAll(t, s, "INBOX")[imap.UID(uid)]; !bytes.Equal(got, raw) {
		t.Errorf("UID %d after restart: %q, want the appended message", uid, got)
	}
}

func TestAppendMany(t *testing.T) {
	n := 20000
	if testing.Short() {
		n = 2000
	}
	s := Start(t)
	first := s.Append(t, "INBOX", message(0, "appended"))
	raws := make([][]byte, n)
	for i := range raws {
		raws[i] = message(i+1, "bulk")
	}
	start := time.Now()
	s.AppendMany(t, "INBOX", raws)
	t.Logf("AppendMany: %d messages in %v", n, time.Since(start))

	c := s.Dial(t)
	if _, err := c.Select("INBOX", &imap.SelectOptions{ReadOnly: true}).Wait(); err != nil {
		t.Fatal(err)
	}
	// UIDs follow the slice order, after the message appended before.
	for _, i := range []int{0, n - 1} {
		uid := imap.UID(first) + 1 + imap.UID(i)
		if got := fetchOne(t, c, uid); !bytes.Equal(got, raws[i]) {
			t.Errorf("UID %d: got %q, want raws[%d]", uid, firstLine(got, 3), i)
		}
	}
	msgID := &imap.FetchItemBodySection{Specifier: imap.PartSpecifierHeader, HeaderFields: []string{"Message-ID"}, Peek: true}
	msgs, err := c.Fetch(imap.UIDSet{imap.UIDRange{Start: imap.UID(first) + 1, Stop: 0}},
		&imap.FetchOptions{UID: true, BodySection: []*imap.FetchItemBodySection{msgID}}).Collect()
	if err != nil {
		t.Fatalf("uid fetch message-ids: %v", err)
	}
	if len(msgs) != n {
		t.Fatalf("fetched %d bulk-loaded messages, want %d", len(msgs), n)
	}
	for _, m := range msgs {
		i := int(m.UID - imap.UID(first) - 1)
		want := fmt.Sprintf("Message-ID: <m%d@example.com>", i+1)
		if got := strings.TrimSpace(string(m.FindBodySection(msgID))); got != want {
			t.Fatalf("UID %d has %q, want %q (raws[%d])", m.UID, got, want, i)
		}
	}
}

func fetchOne(t *testing.T, c *imapclient.Client, uid imap.UID) []byte {
	t.Helper()
	all := &imap.FetchItemBodySection{Peek: true}
	msgs, err := c.Fetch(imap.UIDSetNum(uid), &imap.FetchOptions{UID: true, BodySection: []*imap.FetchItemBodySection{all}}).Collect()
	if err != nil {
		t.Fatalf("uid fetch %d: %v", uid, err)
	}
	if len(msgs) != 1 {
		t.Fatalf("uid fetch %d: %d messages", uid, len(msgs))
	}
	return msgs[0].FindBodySection(all)
}

func firstLine(b []byte, n int) string {
	lines := strings.SplitN(string(b), "\n", n+1)
	return strings.Join(lines[:min(n, len(lines))], "\n")
}
