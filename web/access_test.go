package web_test

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"inboxdesk/ticket"
	"inboxdesk/web"
)

// TestCustomersSeeOnlyTheirOwn enumerates every ticket number and
// attachment id in the database (and a few past the end) and checks that
// each customer reaches exactly their own, and that strangers reach nothing.
func TestCustomersSeeOnlyTheirOwn(t *testing.T) {
	e := newEnv(t, nil)
	png := ticket.Attachment{Filename: "shot.png", ContentType: "image/png", Data: pngBytes}
	pdf := ticket.Attachment{Filename: "bill.pdf", ContentType: "application/pdf", Data: []byte("%PDF-1.4 x")}
	owner := map[int64]string{}
	for i, who := range []string{"ana@example.org", "bob@example.org", "ana@example.org", "cy@example.org"} {
		n := e.mailIn(mail(who, fmt.Sprintf("Ticket %d", i), fmt.Sprintf("text %d", i), "", png, pdf))
		owner[n] = who
	}
	// An agent's internal note with a file on one of ana's tickets: never hers to download.
	var anaTicket int64
	for n, who := range owner {
		if who == "ana@example.org" {
			anaTicket = n
		}
	}
	agent := e.agent("zoe@support.example")
	if _, err := e.tickets.Act(e.ctx, agent, ticket.ActNote, ticket.Post{TicketID: e.ticketByNumber(anaTicket).ID,
		Text: "internal", Attachments: []ticket.Attachment{{Filename: "note.txt", ContentType: "text/plain", Data: []byte("secret")}}}); err != nil {
		t.Fatal(err)
	}
	numbers, attOwner, internal := e.inventory()
	if len(numbers) != 4 || len(attOwner) != 9 {
		t.Fatalf("inventory: %d tickets, %d attachments; want 4 and 9", len(numbers), len(attOwner))
	}

	browsers := map[string]*browser{}
	for _, who := range []string{"ana@example.org", "bob@example.org", "dave@example.org"} {
		browsers[who] = e.browser()
		browsers[who].signIn(who)
	}
	for who, b := range browsers {
		for _, n := range append(numbers, numbers[len(numbers)-1]+1, 0, -1) {
			want := http.StatusNotFound
			if owner[n] == who {
				want = http.StatusOK
			}
			b.get(fmt.Sprintf("/tickets/%d", n)).want(want)
			csrf := b.get("/my").input("csrf")
			b.post(fmt.Sprintf("/tickets/%d/reply", n), url.Values{"csrf": {csrf}, "text": {"intrusion"}}).
				want(map[bool]int{true: http.StatusOK, false: http.StatusNotFound}[owner[n] == who])
		}
		for id, tn := range attOwner {
			want := http.StatusNotFound
			if owner[tn] == who && !internal[id] {
				want = http.StatusOK
			}
			for _, q := range []string{"", "?inline=1"} {
				b.get(fmt.Sprintf("/attachments/%d%s", id, q)).want(want)
			}
		}
		b.get(fmt.Sprintf("/attachments/%d", len(attOwner)+100)).want(http.StatusNotFound)
	}
	// Nobody's replies landed on someone else's ticket.
	for n, who := range owner {
		msgs, _ := e.tickets.Messages(e.ctx, e.ticketByNumber(n).ID, true)
		for _, m := range msgs {
			if m.Text == "intrusion" && m.FromEmail != who {
				t.Fatalf("ticket %d (%s) got a reply from %s", n, who, m.FromEmail)
			}
		}
	}
	// A visitor with no session: sign-in for pages, 404 for files.
	v := e.browser()
	if p := v.get(fmt.Sprintf("/tickets/%d", anaTicket)); p.url.Path != "/login" {
		t.Fatalf("visitor on a ticket: %s", p.url)
	}
	for id := range attOwner {
		v.get(fmt.Sprintf("/attachments/%d", id)).want(http.StatusNotFound)
	}
}

// inventory lists every ticket number, each attachment's ticket number, and
// which attachments are on internal notes.
func (e *env) inventory() ([]int64, map[int64]int64, map[int64]bool) {
	e.t.Helper()
	rows, err := e.tickets.Pool().Query(e.ctx, `SELECT t.number, a.id, m.internal FROM tickets t
		LEFT JOIN messages m ON m.ticket_id = t.id LEFT JOIN attachments a ON a.message_id = m.id ORDER BY t.number`)
	if err != nil {
		e.t.Fatal(err)
	}
	defer rows.Close()
	var numbers []int64
	atts, internal := map[int64]int64{}, map[int64]bool{}
	for rows.Next() {
		var n int64
		var id *int64
		var in *bool
		if err := rows.Scan(&n, &id, &in); err != nil {
			e.t.Fatal(err)
		}
		if len(numbers) == 0 || numbers[len(numbers)-1] != n {
			numbers = append(numbers, n)
		}
		if id != nil {
			atts[*id], internal[*id] = n, *in
		}
	}
	return numbers, atts, internal
}

func TestSignOut(t *testing.T) {
	e := newEnv(t, nil)
	b := e.browser()
	p := b.signIn("ana@example.org")
	old := b.cookie("inboxdesk_session")
	p = b.post("/logout", url.Values{"csrf": {p.input("csrf")}})
	if p.url.Path != "/login" || b.cookie("inboxdesk_session") != "" {
		t.Fatalf("after sign-out: %s, cookie %q", p.url, b.cookie("inboxdesk_session"))
	}
	if _, err := e.auth.SessionByID(e.ctx, old); err == nil {
		t.Fatal("the session row survived sign-out")
	}
	// The old cookie value, replayed, opens nothing.
	replay := e.browser()
	req, _ := http.NewRequest(http.MethodGet, e.srv.URL+"/my", nil)
	req.AddCookie(&http.Cookie{Name: "inboxdesk_session", Value: old})
	if p := replay.do(req); p.url.Path != "/login" {
		t.Fatalf("replayed cookie reached %s", p.url)
	}
}

func TestSessionCookieFlags(t *testing.T) {
	e := newEnv(t, func(c *web.Config, _ *web.Deps) { c.SecureCookies = true })
	b := e.browser()
	p := b.get("/login")
	req, _ := http.NewRequest(http.MethodPost, e.srv.URL+"/login",
		strings.NewReader(url.Values{"csrf": {p.input("csrf")}, "email": {"ana@example.org"}}.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.AddCookie(&http.Cookie{Name: "inboxdesk_csrf", Value: p.input("csrf")})
	resp, err := http.DefaultTransport.RoundTrip(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	var nonce *http.Cookie // the code is bound to this browser's nonce cookie
	for _, c := range resp.Cookies() {
		if c.Name == "inboxdesk_code" {
			nonce = c
		}
	}
	if nonce == nil || !nonce.HttpOnly || !nonce.Secure || nonce.SameSite != http.SameSiteLaxMode || len(nonce.Value) < 43 {
		t.Fatalf("code nonce cookie: %+v", nonce)
	}
	codePath := resp.Header.Get("Location")
	k, _ := url.Parse(codePath)
	req, _ = http.NewRequest(http.MethodPost, e.srv.URL+"/code", strings.NewReader(url.Values{"csrf": {p.input("csrf")},
		"k": {k.Query().Get("k")}, "code": {e.codes.last(t, "ana@example.org")}}.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.AddCookie(&http.Cookie{Name: "inboxdesk_csrf", Value: p.input("csrf")})
	req.AddCookie(&http.Cookie{Name: nonce.Name, Value: nonce.Value})
	resp, err = http.DefaultTransport.RoundTrip(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	var found bool
	for _, c := range resp.Cookies() {
		if c.Name == "inboxdesk_session" && c.Value != "" {
			found = true
			if !c.HttpOnly || !c.Secure || c.SameSite != http.SameSiteLaxMode || len(c.Value) < 43 {
				t.Fatalf("session cookie flags: %+v", c)
			}
		}
	}
	if !found {
		t.Fatalf("no session cookie set (status %d)", resp.StatusCode)
	}
}

func TestAgentSessionIsNotACustomerSession(t *testing.T) {
	e := newEnv(t, nil)
	n := e.mailIn(mail("ana@example.org", "Hi", "text", "", ticket.Attachment{Filename: "a.png", ContentType: "image/png", Data: pngBytes}))
	sess, err := e.auth.CreateSession(e.ctx, "agent", e.agent("zoe@support.example"))
	if err != nil {
		t.Fatal(err)
	}
	b := e.browser()
	u, _ := url.Parse(e.srv.URL)
	b.c.Jar.SetCookies(u, []*http.Cookie{{Name: "inboxdesk_session", Value: sess.ID, Path: "/"}})
	b.get("/my").want(http.StatusForbidden)
	b.get(fmt.Sprintf("/tickets/%d", n)).want(http.StatusForbidden)
	// Agents may download any attachment (their ticket view links to them).
	_, atts, _ := e.inventory()
	for id := range atts {
		b.get(fmt.Sprintf("/attachments/%d", id)).want(http.StatusOK)
	}
}
