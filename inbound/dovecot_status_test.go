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

// TestDovecotKeptSessionSeesNewMail: Dovecot answers STATUS of the folder a
// session has open from that session's view, so a poll on the session kept
// from the last poll must bring it up to date first or it finds nothing new.
func TestDovecotKeptSessionSeesNewMail(t *testing.T) {
	dc := dovecot.Start(t)
	ctx := context.Background()
	store := ticket.NewStore(pgtest.New(t), testStoreConfig())
	if _, err := store.AddMailbox(ctx, ticket.Mailbox{Name: "support", URL: dc.URL("INBOX")}); err != nil {
		t.Fatal(err)
	}
	p := inbound.NewPoller(store, quietLog(), inbound.Options{})
	defer p.Close()
	for i := range 5 {
		dc.Append(t, "INBOX", []byte(customerMail("a@example.org", fmt.Sprintf("kept%d@example.org", i), "Kept", "x")))
		if st, err := p.Poll(ctx, "support"); err != nil || st.Fetched != 1 {
			t.Fatalf("poll %d right after a new mail on the kept session: %+v %v", i, st, err)
		}
	}
}
