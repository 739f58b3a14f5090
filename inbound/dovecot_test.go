package inbound_test

import (
	"context"
	"fmt"
	"testing"

	"inboxdesk/inbound"
	"inboxdesk/storage"
	"inboxdesk/testenv/dovecot"
	"inboxdesk/testenv/pgtest"
	"inboxdesk/ticket"
)

// TestDovecotIngest runs the ingest against Debian's Dovecot: new mail, a
// reply that threads, a second poll that is a no-op, a restart, and a
// recreated INBOX (new UIDVALIDITY) that duplicates nothing.
func TestDovecotIngest(t *testing.T) {
	dc := dovecot.Start(t)
	ctx := context.Background()
	store := dovecotStore(t, dc, ticket.Mailbox{MarkSeen: true})
	var raws [][]byte
	for i := 0; i < 30; i++ {
		raws = append(raws, []byte(customerMail(fmt.Sprintf("d%d@example.org", i%4), fmt.Sprintf("dc%d@example.org", i),
			fmt.Sprintf("Dovecot %d", i), "hello from a real IMAP server")))
	}
	raws = append(raws, []byte(customerMail("d0@example.org", "dc-reply@example.org", "Re: Dovecot 0", "follow-up",
		"In-Reply-To: <dc0@example.org>")))
	dc.AppendMany(t, "INBOX", raws)
	p := inbound.NewPoller(store, quietLog(), inbound.Options{BatchMessages: 8})
	st, err := p.Poll(ctx, "support")
	if err != nil {
		t.Fatal(err)
	}
	if st.Fetched != 31 || st.Outcomes[ticket.OutcomeNewTicket] != 30 || st.Outcomes[ticket.OutcomeThreaded] != 1 {
		t.Fatalf("first poll %+v", st)
	}
	if st, err := p.Poll(ctx, "support"); err != nil || st.Fetched != 0 {
		t.Fatalf("second poll %+v %v", st, err)
	}
	dc.Restart(t)
	dc.Append(t, "INBOX", []byte(customerMail("e@example.org", "after-restart@example.org", "After restart", "x")))
	if st, err := p.Poll(ctx, "support"); err != nil || st.Fetched != 1 {
		t.Fatalf("poll after restart %+v %v", st, err)
	}
	dc.RecreateMailbox(t, "INBOX")
	dc.AppendMany(t, "INBOX", raws)
	st, err = p.Poll(ctx, "support")
	if err != nil || st.Outcomes[ticket.OutcomeDuplicate] != 31 || st.Fetched != 31 {
		t.Fatalf("poll after UIDVALIDITY change %+v %v", st, err)
	}
	pool := store.Pool()
	var n int
	if err := pool.QueryRow(ctx, `SELECT count(*) FROM messages`).Scan(&n); err != nil || n != 32 {
		t.Fatalf("messages %d (%v), want 32", n, err)
	}
}

// dovecotStore is a database with the mailbox "support" on dc's INBOX
// (mb gives the other settings, and the URL when it goes another way).
func dovecotStore(t *testing.T, dc *dovecot.Server, mb ticket.Mailbox) *storage.Store {
	t.Helper()
	store := storage.New(pgtest.New(t), testStoreConfig())
	mb.Name = "support"
	if mb.URL == "" {
		mb.URL = dc.URL("INBOX")
	}
	if _, err := store.AddMailbox(context.Background(), mb); err != nil {
		t.Fatal(err)
	}
	return store
}
