package storage_test

import (
	"errors"
	"strings"
	"testing"

	"inboxdesk/storage"
	"inboxdesk/ticket"
)

func TestRenderCannedVariables(t *testing.T) {
	tk := &ticket.Ticket{Number: 4411, Subject: "Refund", RequesterName: "Lola Díaz", RequesterEmail: "lola@example.es"}
	d := ticket.NewCannedData(tk, "Zoe Agent")
	for _, c := range []struct{ body, want string }{
		{"Hello {{.Customer.Name}},", "Hello Lola Díaz,"},
		{"Ticket #{{.Ticket.Number}}", "Ticket #4411"},
		{"— {{.Agent.Name}}", "— Zoe Agent"},
		{"{{.Customer.Email}} / {{.Ticket.Subject}}", "lola@example.es / Refund"},
		{"no variables", "no variables"},
		// text/template does not escape: the reply is plain text.
		{"{{.Customer.Name}} <3", "Lola Díaz <3"},
	} {
		got, err := ticket.RenderCanned(c.body, d)
		if err != nil || got != c.want {
			t.Errorf("RenderCanned(%q) = %q, %v; want %q", c.body, got, err, c.want)
		}
	}
}

func TestRenderCannedBadTemplate(t *testing.T) {
	d := ticket.CannedData{}
	for _, c := range []struct{ body, says string }{
		{"Hello {{.Customer.Nmae}}", "Nmae"},
		{"Hello {{.Customer.Name", "unclosed action"},
		{"{{.Password}}", "Password"},
		{`{{template "missing"}}`, "missing"},
		{strings.Repeat("x", 20001), "longer than"},
		{`{{define "a"}}{{template "a"}}{{end}}{{template "a"}}`, "canned"},
	} {
		_, err := ticket.RenderCanned(c.body, d)
		if !errors.Is(err, ticket.ErrBadCanned) || !strings.Contains(err.Error(), c.says) {
			t.Errorf("RenderCanned(%.40q) = %v; want ErrBadCanned saying %q", c.body, err, c.says)
		}
	}
}

func TestValidateCanned(t *testing.T) {
	ok := ticket.Canned{Title: " Hi ", Body: "Hello {{.Customer.Name}}", SetStatus: ticket.StatusResolved, SetAssign: ticket.AssignMe}
	if err := ticket.ValidateCanned(&ok); err != nil || ok.Title != "Hi" {
		t.Fatalf("valid canned reply: %v (title %q)", err, ok.Title)
	}
	for _, c := range []ticket.Canned{
		{Title: "", Body: "x"},
		{Title: "t", Body: "  "},
		{Title: "t", Body: "x", SetStatus: ticket.StatusClosed},
		{Title: "t", Body: "x", SetAssign: "everyone"},
		{Title: "t", Body: "{{.Nope}}"},
	} {
		if err := ticket.ValidateCanned(&c); !errors.Is(err, ticket.ErrBadCanned) {
			t.Errorf("ValidateCanned(%+v) = %v; want ErrBadCanned", c, err)
		}
	}
}

func TestCannedMacroAction(t *testing.T) {
	for _, c := range []struct {
		status  ticket.Status
		pressed ticket.AgentAction
		want    ticket.AgentAction
	}{
		{"", ticket.ActReply, ticket.ActReply},
		{ticket.StatusPending, ticket.ActReply, ticket.ActRequestInfo},
		{ticket.StatusResolved, ticket.ActReply, ticket.ActResolve},
		{ticket.StatusResolved, ticket.ActNote, ticket.ActNote},
	} {
		cr := ticket.Canned{SetStatus: c.status}
		if got := cr.Action(c.pressed); got != c.want {
			t.Errorf("status %q, pressed %s: %s, want %s", c.status, c.pressed, got, c.want)
		}
	}
}

func TestCannedStore(t *testing.T) {
	f := newFixture(t, storage.DefaultConfig())
	shared, err := f.store.CreateCanned(f.ctx, ticket.Canned{Title: "Thanks", Body: "Thanks {{.Customer.Name}}"})
	if err != nil || !shared.Shared() {
		t.Fatalf("shared = %+v, %v", shared, err)
	}
	if _, err := f.store.CreateCanned(f.ctx, ticket.Canned{Title: "Bad", Body: "{{.X}}"}); !errors.Is(err, ticket.ErrBadCanned) {
		t.Fatalf("bad template stored: %v", err)
	}
	// Agents are rows of the auth tables; a personal reply needs one.
	var a1, a2 int64
	if err := f.store.Pool().QueryRow(f.ctx, `INSERT INTO agents (email, name) VALUES ('a1@x.test', 'A1') RETURNING id`).Scan(&a1); err != nil {
		t.Fatal(err)
	}
	if err := f.store.Pool().QueryRow(f.ctx, `INSERT INTO agents (email, name) VALUES ('a2@x.test', 'A2') RETURNING id`).Scan(&a2); err != nil {
		t.Fatal(err)
	}
	mine, err := f.store.CreateCanned(f.ctx, ticket.Canned{OwnerID: a1, Title: "Mine", Body: "Bye",
		SetStatus: ticket.StatusResolved, SetAssign: ticket.AssignNone})
	if err != nil || mine.Shared() || !mine.Macro() {
		t.Fatalf("personal = %+v, %v", mine, err)
	}
	l1, _ := f.store.CannedFor(f.ctx, a1)
	l2, _ := f.store.CannedFor(f.ctx, a2)
	if len(l1) != 2 || l1[0].ID != shared.ID || l1[1].ID != mine.ID || len(l2) != 1 {
		t.Fatalf("CannedFor: a1 %+v, a2 %+v", l1, l2)
	}
	if _, err := f.store.CannedByID(f.ctx, mine.ID, a2); !errors.Is(err, ticket.ErrNotFound) {
		t.Fatalf("another agent's reply: %v", err)
	}
	if c, err := f.store.CannedByID(f.ctx, mine.ID, a1); err != nil || c.SetAssign != ticket.AssignNone {
		t.Fatalf("own reply: %+v, %v", c, err)
	}
	if err := f.store.DeleteCanned(f.ctx, mine.ID); err != nil {
		t.Fatal(err)
	}
	if err := f.store.DeleteCanned(f.ctx, mine.ID); !errors.Is(err, ticket.ErrNotFound) {
		t.Fatalf("delete twice: %v", err)
	}
}
