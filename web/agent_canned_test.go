package web_test

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"inboxdesk/ticket"
)

// saveCanned posts the canned-reply form.
func (b *browser) saveCanned(form url.Values) *page {
	b.t.Helper()
	form.Set("csrf", b.get("/agent/canned").input("csrf"))
	return b.post("/agent/canned", form)
}

// insertCanned presses Insert on the ticket page with the canned reply
// chosen in the picker and text typed.
func (b *browser) insertCanned(n int64, cannedID int64, text string) *page {
	b.t.Helper()
	p := b.get(fmt.Sprintf("/agent/tickets/%d", n))
	return b.postMultipart(fmt.Sprintf("/agent/tickets/%d/act", n), [][2]string{
		{"csrf", p.input("csrf")}, {"version", p.input("version")}, {"text", text},
		{"canned", fmt.Sprint(cannedID)}, {"action", "insert"}})
}

// sendFrom presses action on the page p as it was shown (its text and macro).
func (b *browser) sendFrom(n int64, p *page, action string) *page {
	b.t.Helper()
	fields := [][2]string{{"csrf", p.input("csrf")}, {"version", p.input("version")}, {"text", p.text("reply-text")}}
	if m := p.byID("act-macro"); m != nil {
		fields = append(fields, [2]string{"macro", attr(m, "value")})
	}
	return b.postMultipart(fmt.Sprintf("/agent/tickets/%d/act", n), append(fields, [2]string{"action", action}))
}

func (e *env) cannedID(agentID int64, title string) int64 {
	e.t.Helper()
	list, err := e.tickets.CannedFor(e.ctx, agentID)
	if err != nil {
		e.t.Fatal(err)
	}
	for _, c := range list {
		if c.Title == title {
			return c.ID
		}
	}
	e.t.Fatalf("no canned reply %q", title)
	return 0
}

func (e *env) namedMail(name, from, subject string) int64 {
	in := mail(from, subject, "Help please.", "")
	in.From.Name = name
	return e.mailIn(in)
}

func TestCannedReplyVariables(t *testing.T) {
	e := newEnv(t, nil)
	n := e.namedMail("Ana Díaz", "ana@example.org", "Invoice wrong")
	b, agentID := e.agentBrowser("zoe@support.example")
	for _, c := range []struct{ title, body, want string }{
		{"customer", "Hello {{.Customer.Name}},", "Hello Ana Díaz,"},
		{"number", "About ticket #{{.Ticket.Number}}.", fmt.Sprintf("About ticket #%d.", n)},
		{"agent", "Best, {{.Agent.Name}}", "Best, Zoe Agent"},
	} {
		if p := b.saveCanned(url.Values{"title": {c.title}, "body": {c.body}}); p.status != http.StatusOK || !strings.Contains(p.body, "Canned reply saved") {
			t.Fatalf("save %s: %d", c.title, p.status)
		}
		p := b.insertCanned(n, e.cannedID(agentID, c.title), "")
		if p.status != http.StatusOK || p.text("reply-text") != c.want {
			t.Errorf("insert %s: %d, reply box %q, want %q", c.title, p.status, p.text("reply-text"), c.want)
		}
	}
	// Inserting keeps what was typed, and the reply sent is the box's text.
	p := b.insertCanned(n, e.cannedID(agentID, "agent"), "We fixed it.")
	if got := p.text("reply-text"); got != "We fixed it.\n\nBest, Zoe Agent" {
		t.Fatalf("insert after typed text: %q", got)
	}
	// The page answers the form at .../act: its live updates still fetch the ticket's page.
	if !strings.Contains(p.body, fmt.Sprintf(`data-live-url="/agent/tickets/%d"`, n)) || !strings.Contains(p.body, `id="stale-warning" hidden`) {
		t.Fatal("the inserted-reply page lacks its live address or the stale guard")
	}
	b.sendFrom(n, p, "reply").want(http.StatusOK)
	msgs := e.messages(n, true)
	if last := msgs[len(msgs)-1]; last.Text != "We fixed it.\n\nBest, Zoe Agent" {
		t.Fatalf("sent %q", last.Text)
	}
}

func TestCannedReplyBadTemplate(t *testing.T) {
	e := newEnv(t, nil)
	b, agentID := e.agentBrowser("zoe@support.example")
	p := b.saveCanned(url.Values{"title": {"typo"}, "body": {"Hello {{.Customer.Nmae}}"}})
	if p.status != http.StatusUnprocessableEntity || !strings.Contains(p.body, "cannot be used") || !strings.Contains(p.body, "Nmae") {
		t.Fatalf("bad template: %d\n%s", p.status, p.body)
	}
	if p.text("canned-body") != "Hello {{.Customer.Nmae}}" {
		t.Fatalf("typed text lost: %q", p.text("canned-body"))
	}
	if list, _ := e.tickets.CannedFor(e.ctx, agentID); len(list) != 0 {
		t.Fatalf("a bad template was stored: %+v", list)
	}
	if p := b.saveCanned(url.Values{"title": {"x"}, "body": {"x"}, "status": {"closed"}}); p.status != http.StatusUnprocessableEntity {
		t.Fatalf("unknown macro status: %d", p.status)
	}
}

func TestCannedMacros(t *testing.T) {
	e := newEnv(t, nil)
	b, agentID := e.agentBrowser("zoe@support.example")
	cases := []struct {
		status, assign string
		wantStatus     ticket.Status
		wantAssignee   int64
		wantAlert      ticket.AlertReason
	}{
		{"resolved", "me", ticket.StatusResolved, agentID, ticket.ReasonResolved},
		{"pending", "", ticket.StatusPending, -1, ticket.ReasonInfoRequested},
		{"", "none", ticket.StatusOpen, 0, ticket.ReasonReplied},
	}
	for i, c := range cases {
		n := e.namedMail("Ana", fmt.Sprintf("ana%d@example.org", i), "Question")
		if c.assign == "none" {
			tk := e.ticketByNumber(n)
			if _, err := e.tickets.Assign(e.ctx, agentID, ticket.Post{TicketID: tk.ID}, agentID); err != nil {
				t.Fatal(err)
			}
		}
		before := e.ticketByNumber(n).AssigneeID
		title := fmt.Sprintf("macro %d", i)
		b.saveCanned(url.Values{"title": {title}, "body": {"Done, {{.Customer.Name}}."}, "status": {c.status}, "assign": {c.assign}}).want(http.StatusOK)
		p := b.insertCanned(n, e.cannedID(agentID, title), "")
		p.want(http.StatusOK, "Sending this reply also")
		b.sendFrom(n, p, "reply").want(http.StatusOK)
		tk := e.ticketByNumber(n)
		want := c.wantAssignee
		if want == -1 {
			want = before
		}
		if tk.Status != c.wantStatus || tk.AssigneeID != want {
			t.Errorf("macro %+v: status %s assignee %d; want %s, %d", c, tk.Status, tk.AssigneeID, c.wantStatus, want)
		}
		msgs := e.messages(n, true)
		if last := msgs[len(msgs)-1]; last.Text != "Done, Ana." || last.Internal {
			t.Errorf("macro %+v: sent %+v", c, last)
		}
		if a := e.alerts(n); a[len(a)-1].Reason != c.wantAlert {
			t.Errorf("macro %+v: alert %s, want %s", c, a[len(a)-1].Reason, c.wantAlert)
		}
	}
}

func TestSharedCannedRepliesAdminOnly(t *testing.T) {
	e := newEnv(t, nil)
	admin, adminID := e.adminBrowser("lee@support.test")
	agent, agentID := e.agentBrowser("zoe@support.test")
	if p := agent.saveCanned(url.Values{"title": {"team"}, "body": {"Hi"}, "shared": {"1"}}); p.status != http.StatusForbidden {
		t.Fatalf("agent saves a shared reply: %d", p.status)
	}
	if strings.Contains(agent.get("/agent/canned").body, `id="canned-shared"`) {
		t.Error("an agent is offered to share")
	}
	admin.saveCanned(url.Values{"title": {"team"}, "body": {"Hi {{.Customer.Name}}"}, "shared": {"1"}}).want(http.StatusOK)
	admin.saveCanned(url.Values{"title": {"lee's"}, "body": {"Mine"}}).want(http.StatusOK)
	shared := e.cannedID(adminID, "team")
	if lp := agent.get("/agent/canned"); !strings.Contains(lp.text("canned"), "Hi {{.Customer.Name}}") ||
		lp.byID(fmt.Sprintf("canned-delete-%d", shared)) != nil {
		t.Fatalf("the agent's canned page lists no shared reply, or offers to delete it:\n%s", lp.body)
	}
	if e.cannedID(agentID, "team") != shared {
		t.Fatal("the agent does not get the shared reply")
	}
	n := e.namedMail("Ana", "ana@example.org", "Q")
	p := agent.get(fmt.Sprintf("/agent/tickets/%d", n))
	if !strings.Contains(p.body, ">team · shared</option>") || strings.Contains(p.body, "lee&#39;s") {
		t.Fatalf("picker: %s", p.body)
	}
	csrf := agent.get("/agent/canned").input("csrf")
	if r := agent.post(fmt.Sprintf("/agent/canned/%d/delete", shared), url.Values{"csrf": {csrf}}); r.status != http.StatusForbidden {
		t.Fatalf("agent deletes a shared reply: %d", r.status)
	}
	leeOwn := e.cannedID(adminID, "lee's")
	if r := agent.post(fmt.Sprintf("/agent/canned/%d/delete", leeOwn), url.Values{"csrf": {csrf}}); r.status != http.StatusNotFound {
		t.Fatalf("agent deletes another's personal reply: %d", r.status)
	}
	if r := agent.insertCanned(n, leeOwn, ""); r.status != http.StatusUnprocessableEntity {
		t.Fatalf("agent inserts another's personal reply: %d", r.status)
	}
	if r := agent.postMultipart(fmt.Sprintf("/agent/tickets/%d/act", n), [][2]string{{"csrf", p.input("csrf")},
		{"version", p.input("version")}, {"text", "x"}, {"macro", fmt.Sprint(leeOwn)}, {"action", "reply"}}); r.status != http.StatusBadRequest {
		t.Fatalf("agent sends with another's macro: %d", r.status)
	}
	acsrf := admin.get("/agent/canned").input("csrf")
	admin.post(fmt.Sprintf("/agent/canned/%d/delete", shared), url.Values{"csrf": {acsrf}}).want(http.StatusOK)
	if list, _ := e.tickets.CannedFor(e.ctx, agentID); len(list) != 0 {
		t.Fatalf("after the admin deleted it: %+v", list)
	}
}
