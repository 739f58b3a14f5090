package inbound_test

import (
	"context"
	"fmt"
	"testing"

	"inboxdesk/inbound"
	"inboxdesk/testenv/dovecot"
	"inboxdesk/testenv/pgtest"
	"inboxdesk/ticket"
)

// TestDovecotIngest runs the ingest against Debian's Dovecot: new mail, a
// reply that threads, a second poll that is a no-op, a restart, and a
// recreated INBOX (new UIDVALIDITY) that duplicates nothing.
func TestDovecotIngest(t *testing.T) {
	dc, store := dovecotMailbox(t, ticket.Mailbox{MarkSeen: true})
	ctx := context.Background()
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

// dovecotMailbox starts Dovecot and a store with mailbox "support" (mb's
// settings) on its INBOX.
func dovecotMailbox(t *testing.T, mb ticket.Mailbox) (*dovecot.Server, *ticket.Store) {
	dc := dovecot.Start(t)
	store := ticket.NewStore(pgtest.New(t), testStoreConfig())
	mb.Name, mb.URL = "support", dc.URL("INBOX")
	if _, err := store.AddMailbox(context.Background(), mb); err != nil {
		t.Fatal(err)
	}
	return dc, store
}

// TestDovecotKeptSessionSeesNewMail: Dovecot answers STATUS of the folder a
// session has open from that session's view, so a poll on the session kept
// from the last poll must bring it up to date first or it finds nothing new.
func TestDovecotKeptSessionSeesNewMail(t *testing.T) {
	dc, store := dovecotMailbox(t, ticket.Mailbox{})
	ctx := context.Background()
	p := inbound.NewPoller(store, quietLog(), inbound.Options{})
	defer p.Close()
	for i := range 5 {
		dc.Append(t, "INBOX", []byte(customerMail("a@example.org", fmt.Sprintf("kept%d@example.org", i), "Kept", "x")))
		if st, err := p.Poll(ctx, "support"); err != nil || st.Fetched != 1 {
			t.Fatalf("poll %d right after a new mail on the kept session: %+v %v", i, st, err)
		}
	}
}
