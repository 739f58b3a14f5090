package inbound_test

import (
	"context"
	"testing"

	"inboxdesk/inbound"
	"inboxdesk/storage"
	"inboxdesk/testenv/dovecot"
	"inboxdesk/ticket"
)

// heldMails are two distinct mails that are quarantined, one of them twice,
// and a mail that opens a ticket.
func heldMails() [][]byte {
	auto := customerMail("robot@example.org", "auto@example.org", "Away", "out of office", "Auto-Submitted: auto-replied")
	noSender := "Subject: nobody\r\nMessage-ID: <nobody@example.org>\r\n\r\nwho sent this\r\n"
	fine := customerMail("ana@example.org", "fine@example.org", "Fine", "hello")
	return [][]byte{[]byte(auto), []byte(noSender), []byte(auto), []byte(fine)}
}

func checkHeldOnce(t *testing.T, store *storage.Store, when string) {
	t.Helper()
	var rows, distinct int
	err := store.Pool().QueryRow(context.Background(),
		`SELECT count(*), count(DISTINCT raw) FROM quarantine`).Scan(&rows, &distinct)
	if err != nil {
		t.Fatal(err)
	}
	if rows != 2 || distinct != 2 {
		t.Fatalf("%s: %d quarantine rows for %d distinct mails, want one row for each of 2", when, rows, distinct)
	}
}

func TestUIDValidityResetHoldsEachMailOnce(t *testing.T) {
	r := newRig(t)
	for _, raw := range heldMails() {
		r.append(string(raw))
	}
	p := r.poller(inbound.Options{BatchMessages: 2})
	r.poll(p)
	checkHeldOnce(t, r.store, "first poll")
	if err := r.imap.RecreateMailbox("INBOX"); err != nil {
		t.Fatal(err)
	}
	for _, raw := range heldMails() {
		r.append(string(raw))
	}
	if st := r.poll(p); st.Outcomes[ticket.OutcomeDuplicate] != 4 {
		t.Fatalf("re-scan %+v, want all four recognised", st)
	}
	checkHeldOnce(t, r.store, "after the UIDVALIDITY change")
}

func TestDovecotUIDValidityResetHoldsEachMailOnce(t *testing.T) {
	dc := dovecot.Start(t)
	store := dovecotStore(t, dc, ticket.Mailbox{})
	dc.AppendMany(t, "INBOX", heldMails())
	p := inbound.NewPoller(store, quietLog(), inbound.Options{BatchMessages: 2})
	defer p.Close()
	ctx := context.Background()
	if _, err := p.Poll(ctx, "support"); err != nil {
		t.Fatal(err)
	}
	checkHeldOnce(t, store, "first poll")
	dc.RecreateMailbox(t, "INBOX")
	dc.AppendMany(t, "INBOX", heldMails())
	st, err := p.Poll(ctx, "support")
	if err != nil || st.Outcomes[ticket.OutcomeDuplicate] != 4 {
		t.Fatalf("re-scan %+v %v, want all four recognised", st, err)
	}
	checkHeldOnce(t, store, "after the UIDVALIDITY change")
}
