package devmail

import (
	"bytes"
	"context"
	"testing"
	"time"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"
)

func TestIMAPAppendThenFetch(t *testing.T) {
	s := startTestIMAP(t)
	first := testMessage("alice@example.com", testUser, "first")
	second := testMessage("bob@example.com", testUser, "second")
	uid1, err := s.Append(Inbox, first)
	if err != nil {
		t.Fatal(err)
	}
	uid2, err := s.Append(Inbox, second)
	if err != nil {
		t.Fatal(err)
	}
	if uid1 == 0 || uid2 <= uid1 {
		t.Fatalf("UIDs %d, %d: want nonzero and increasing", uid1, uid2)
	}

	c := loginIMAP(t, s)
	selectInbox(t, c, 2)
	if got := fetchBody(t, c, uid2); !bytes.Equal(got, second) {
		t.Fatalf("UID %d body:\n%s\nwant:\n%s", uid2, got, second)
	}
	assertUnseen(t, c, uid2)
}

// assertUnseen checks that uid has no \Seen flag: appended mail arrives
// unread and BODY.PEEK[] leaves it so.
func assertUnseen(t *testing.T, c *imapclient.Client, uid uint32) {
	t.Helper()
	msgs, err := c.Fetch(imap.UIDSetNum(imap.UID(uid)), &imap.FetchOptions{Flags: true}).Collect()
	if err != nil || len(msgs) != 1 {
		t.Fatalf("fetch flags: %v (%d messages)", err, len(msgs))
	}
	for _, f := range msgs[0].Flags {
		if f == imap.FlagSeen {
			t.Fatalf("UID %d is \\Seen", uid)
		}
	}
}

func TestIMAPAppendToMissingFolderFails(t *testing.T) {
	s := startTestIMAP(t)
	if _, err := s.Append("Archive", testMessage("a@example.com", testUser, "x")); err == nil {
		t.Fatal("Append to a folder that does not exist succeeded")
	}
	if err := s.CreateMailbox("Archive"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Append("Archive", testMessage("a@example.com", testUser, "x")); err != nil {
		t.Fatalf("Append after CreateMailbox: %v", err)
	}
	if err := s.CreateMailbox("Archive"); err == nil {
		t.Fatal("creating an existing folder succeeded")
	}
}

func TestIMAPRecreateChangesUIDValidity(t *testing.T) {
	s := startTestIMAP(t)
	if _, err := s.Append(Inbox, testMessage("a@example.com", testUser, "old")); err != nil {
		t.Fatal(err)
	}
	c := loginIMAP(t, s)
	before, err := c.Select(Inbox, nil).Wait()
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Unselect().Wait(); err != nil {
		t.Fatal(err)
	}

	if err := s.RecreateMailbox(Inbox); err != nil {
		t.Fatal(err)
	}
	uid, err := s.Append(Inbox, testMessage("a@example.com", testUser, "new"))
	if err != nil {
		t.Fatal(err)
	}
	after, err := c.Select(Inbox, nil).Wait()
	if err != nil {
		t.Fatal(err)
	}
	if after.UIDValidity == before.UIDValidity {
		t.Fatalf("UIDVALIDITY stayed %d after recreate", after.UIDValidity)
	}
	if got, err := s.UIDValidity(Inbox); err != nil || got != after.UIDValidity {
		t.Fatalf("UIDValidity() = %d, %v; SELECT said %d", got, err, after.UIDValidity)
	}
	if after.NumMessages != 1 || uid != 1 {
		t.Fatalf("after recreate: %d messages, new UID %d; want 1 and 1", after.NumMessages, uid)
	}
}

func TestIMAPRecreateCreatesMissingFolder(t *testing.T) {
	s := startTestIMAP(t)
	if err := s.RecreateMailbox("Tickets"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.UIDValidity("Tickets"); err != nil {
		t.Fatal(err)
	}
}

func TestIMAPRejectsWrongPassword(t *testing.T) {
	s := startTestIMAP(t)
	c, err := imapclient.DialInsecure(s.Addr(), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if err := c.Login(testUser, "wrong").Wait(); err == nil {
		t.Fatal("login with a wrong password succeeded")
	}
}

func TestIMAPStopsWhenContextCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(t.Context())
	s, err := StartIMAP(ctx, "127.0.0.1:0", testUser, testPass, nil)
	if err != nil {
		t.Fatal(err)
	}
	c := loginIMAP(t, s)
	cancel()
	select {
	case <-c.Closed():
	case <-time.After(5 * time.Second):
		t.Fatal("client connection still open after the context was cancelled")
	}
	if _, err := imapclient.DialInsecure(s.Addr(), nil); err == nil {
		t.Fatal("server still accepts connections")
	}
}
