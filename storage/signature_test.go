package storage_test

import (
	"errors"
	"strings"
	"testing"

	"inboxdesk/ticket"
)

func TestSignatureOnPublicRepliesOnly(t *testing.T) {
	f := newFixture(t, testConfig())
	zoe := f.addAgent("zoe@support.test", "Zoe")
	if err := f.store.SetSignature(f.ctx, zoe, "  Zoe · Example Support\nMon–Fri 9–17  "); err != nil {
		t.Fatal(err)
	}
	r := f.ingest(mail("ana@example.org", "Printer", "help"))
	tk, _ := f.store.TicketByNumber(f.ctx, r.Ticket)
	for _, c := range []struct {
		act  ticket.AgentAction
		text string
		want string
	}{
		{ticket.ActReply, "On it.\n", "On it.\n\n-- \nZoe · Example Support\nMon–Fri 9–17"},
		{ticket.ActNote, "internal", "internal"},
		{ticket.ActRequestInfo, "Which model?", "Which model?\n\n-- \nZoe · Example Support\nMon–Fri 9–17"},
	} {
		if _, err := f.store.Act(f.ctx, zoe, c.act, ticket.Post{TicketID: tk.ID, Text: c.text}); err != nil {
			t.Fatal(err)
		}
		msgs, _ := f.store.Messages(f.ctx, tk.ID, true)
		if got := msgs[len(msgs)-1].Text; got != c.want {
			t.Errorf("%s: stored %q, want %q", c.act, got, c.want)
		}
	}
	// Resolving without text adds no message, signed or not.
	before, _ := f.store.Messages(f.ctx, tk.ID, true)
	if _, err := f.store.Act(f.ctx, zoe, ticket.ActResolve, ticket.Post{TicketID: tk.ID}); err != nil {
		t.Fatal(err)
	}
	if after, _ := f.store.Messages(f.ctx, tk.ID, true); len(after) != len(before) {
		t.Fatal("a resolve without text added a message")
	}
	if err := f.store.SetSignature(f.ctx, zoe, strings.Repeat("x", 1001)); !errors.Is(err, ticket.ErrBadSignature) {
		t.Fatalf("long signature: %v", err)
	}
	if got, _ := f.store.Signature(f.ctx, zoe); !strings.HasPrefix(got, "Zoe") {
		t.Fatalf("a refused signature replaced the old one: %q", got)
	}
	if ticket.Signed("hi", "  ") != "hi" {
		t.Fatal("an empty signature changed the text")
	}
}
