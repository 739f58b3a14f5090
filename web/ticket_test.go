package web_test

import (
	"bytes"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"inboxdesk/link"
	"inboxdesk/ticket"
	"inboxdesk/web"
)

func TestMyTicketsOpenAndClosedNewestFirst(t *testing.T) {
	e := newEnv(t, nil)
	agent := e.agent("zoe@support.example")
	old := e.mailIn(mail("ana@example.org", "Old question", "1", ""))
	done := e.mailIn(mail("ana@example.org", "Answered one", "2", ""))
	recent := e.mailIn(mail("ana@example.org", "Recent question", "3", ""))
	e.mailIn(mail("bob@example.org", "Bob's own", "4", ""))
	if _, err := e.tickets.Act(e.ctx, agent, ticket.ActResolve, ticket.Post{TicketID: e.ticketByNumber(done).ID}); err != nil {
		t.Fatal(err)
	}
	b := e.browser()
	p := b.signIn("ana@example.org")
	open, closed := p.text("open-tickets"), p.text("closed-tickets")
	if !strings.Contains(open, "Recent question") || !strings.Contains(open, "Old question") ||
		strings.Index(open, "Recent question") > strings.Index(open, "Old question") {
		t.Fatalf("open list (newest first): %q", open)
	}
	if !strings.Contains(closed, "Answered one") || !strings.Contains(closed, "Resolved") || strings.Contains(open, "Answered") {
		t.Fatalf("closed list: %q", closed)
	}
	if strings.Contains(p.body, "Bob's own") {
		t.Fatal("another customer's ticket listed")
	}
	for _, n := range []int64{old, recent} {
		if p.byID(fmt.Sprintf("ticket-%d", n)) == nil {
			t.Fatalf("ticket %d not listed with its number", n)
		}
	}
}

func TestNewTicketFromTheWeb(t *testing.T) {
	e := newEnv(t, nil)
	b := e.browser()
	p := b.signIn("new@example.org")
	p = b.postMultipart("/tickets", [][2]string{{"csrf", p.input("csrf")}, {"subject", "Cannot log in"},
		{"text", "It says my password is wrong"}}, upload{"screen.png", pngBytes})
	p.want(http.StatusOK, "Cannot log in", "It says my password is wrong", "screen.png")
	if !strings.HasPrefix(p.url.Path, "/tickets/") {
		t.Fatalf("landed on %s", p.url)
	}
	// No subject: the form comes back with the text.
	p = b.get("/my")
	p = b.postMultipart("/tickets", [][2]string{{"csrf", p.input("csrf")}, {"subject", " "}, {"text", "kept words"}})
	p.want(http.StatusUnprocessableEntity, "give your ticket a subject", "kept words")
}

func TestRefusedUploadKeepsTheText(t *testing.T) {
	e := newEnv(t, func(c *web.Config, _ *web.Deps) { c.MaxUploadBytes = 2048 })
	n := e.mailIn(mail("ana@example.org", "Help", "first", ""))
	b := e.browser()
	b.signIn("ana@example.org")
	typed := "Here is the invoice you asked for — «ñ» & <b>not bold</b>"
	files := []struct {
		name string
		file upload
		want string
	}{
		{"executable", upload{"invoice.exe", append([]byte("MZ\x90\x00\x03"), make([]byte, 100)...)}, "invoice.exe is a type of file we do not accept"},
		{"html", upload{"page.png", []byte("<!DOCTYPE html><html><script>alert(1)</script></html>")}, "page.png is a type of file we do not accept"},
		{"too big", upload{"big.png", append(append([]byte{}, pngBytes...), make([]byte, 4096)...)}, "big.png is too large"},
	}
	for _, f := range files {
		p := b.get(fmt.Sprintf("/tickets/%d", n))
		p = b.postMultipart(fmt.Sprintf("/tickets/%d/reply", n), [][2]string{{"csrf", p.input("csrf")}, {"text", typed}},
			upload{"ok.png", pngBytes}, f.file)
		p.want(http.StatusUnprocessableEntity, f.want)
		if got := p.text("reply-text"); got != typed {
			t.Fatalf("%s: reply box holds %q, want the typed text", f.name, got)
		}
		if p.text("error") == "" {
			t.Fatalf("%s: no error message", f.name)
		}
	}
	msgs, _ := e.tickets.Messages(e.ctx, e.ticketByNumber(n).ID, true)
	if len(msgs) != 1 {
		t.Fatalf("%d messages stored after refused uploads, want 1", len(msgs))
	}
}

func TestReplyReopensResolvedTicket(t *testing.T) {
	e := newEnv(t, nil)
	n := e.mailIn(mail("ana@example.org", "Broken", "it broke", ""))
	agent := e.agent("zoe@support.example")
	tk := e.ticketByNumber(n)
	if _, err := e.tickets.Act(e.ctx, agent, ticket.ActReply, ticket.Post{TicketID: tk.ID, Text: "Try turning it off"}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.tickets.Act(e.ctx, agent, ticket.ActNote, ticket.Post{TicketID: tk.ID, Text: "customer seems confused"}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.tickets.Act(e.ctx, agent, ticket.ActResolve, ticket.Post{TicketID: tk.ID}); err != nil {
		t.Fatal(err)
	}
	b := e.browser()
	b.signIn("ana@example.org")
	p := b.get(fmt.Sprintf("/tickets/%d", n))
	p.want(http.StatusOK, "Resolved", "If you reply, it opens again", "Try turning it off", "Zoe Agent (support team)")
	if strings.Contains(p.body, "customer seems confused") {
		t.Fatal("an internal note is on the customer's page")
	}
	if strings.Index(p.body, "it broke") > strings.Index(p.body, "Try turning it off") {
		t.Fatal("conversation not oldest first")
	}
	for _, id := range []string{"reply-text", "reply-files", "reply-send"} {
		if p.byID(id) == nil {
			t.Fatalf("no #%s", id)
		}
	}
	p = b.postMultipart(fmt.Sprintf("/tickets/%d/reply", n), [][2]string{{"csrf", p.input("csrf")},
		{"text", "Still broken"}}, upload{"photo.png", pngBytes})
	p.want(http.StatusOK, "Still broken", "photo.png", "Sent.")
	if got := e.ticketByNumber(n).Status; got != ticket.StatusOpen {
		t.Fatalf("status after the reply: %s, want open", got)
	}
	if got := p.text("ticket-status"); !strings.Contains(got, "Open") {
		t.Fatalf("page status: %q", got)
	}
}

func TestAttachmentDownloadHeaders(t *testing.T) {
	e := newEnv(t, nil)
	n := e.mailIn(mail("ana@example.org", "Files", "see files", "",
		ticket.Attachment{Filename: "shot.png", ContentType: "image/png", Data: pngBytes},
		ticket.Attachment{Filename: "fake.png", ContentType: "image/png", Data: []byte("<html><script>alert(1)</script>")},
		ticket.Attachment{Filename: "page.html", ContentType: "text/html", Data: []byte("<script>alert(1)</script>")},
		ticket.Attachment{Filename: "résumé \"final\".pdf", ContentType: "application/pdf", Data: []byte("%PDF-1.4")}))
	msgs, _ := e.tickets.Messages(e.ctx, e.ticketByNumber(n).ID, false)
	atts := msgs[0].Attachments
	b := e.browser()
	b.signIn("ana@example.org")
	tests := []struct {
		id          int64
		query       string
		disposition string
		ctype       string
	}{
		{atts[0].ID, "", "attachment", "image/png"},
		{atts[0].ID, "?inline=1", "inline", "image/png"},
		{atts[1].ID, "?inline=1", "attachment", "image/png"}, // sniffing disagrees
		{atts[2].ID, "?inline=1", "attachment", "text/html"},
		{atts[3].ID, "", "attachment", "application/pdf"},
	}
	for _, tt := range tests {
		resp := b.noFollow(http.MethodGet, fmt.Sprintf("/attachments/%d%s", tt.id, tt.query))
		cd := resp.Header.Get("Content-Disposition")
		if resp.StatusCode != http.StatusOK || !strings.HasPrefix(cd, tt.disposition+";") ||
			resp.Header.Get("Content-Type") != tt.ctype || resp.Header.Get("X-Content-Type-Options") != "nosniff" ||
			!strings.Contains(resp.Header.Get("Content-Security-Policy"), "sandbox") {
			t.Errorf("attachment %d%s: %d, %q, %q, %v", tt.id, tt.query, resp.StatusCode, cd,
				resp.Header.Get("Content-Type"), resp.Header)
		}
	}
	p := b.get(fmt.Sprintf("/attachments/%d", atts[0].ID))
	if !bytes.Equal([]byte(p.body), pngBytes) {
		t.Fatal("downloaded bytes differ")
	}
	if cd := b.noFollow(http.MethodGet, fmt.Sprintf("/attachments/%d", atts[3].ID)).Header.Get("Content-Disposition"); !strings.Contains(cd, "filename*=utf-8''r%C3%A9sum%C3%A9") {
		t.Errorf("non-ASCII filename: %q", cd)
	}
}

func TestLanguage(t *testing.T) {
	e := newEnv(t, nil)
	b := e.browser()
	b.hdr = http.Header{"Accept-Language": {"es-MX,es;q=0.9,en;q=0.5"}}
	b.get("/login").want(http.StatusOK, "Envíame un código", `lang="es"`)
	p := b.get("/lang/en?next=/login")
	p.want(http.StatusOK, "Send me a code")
	if p.url.Path != "/login" {
		t.Fatalf("language switch went to %s", p.url)
	}
	if p := b.get("/lang/en?next=//evil.example/x"); p.url.Host != strings.TrimPrefix(e.srv.URL, "http://") {
		t.Fatalf("open redirect to %s", p.url)
	}
	// A browser drops tabs and newlines inside the Location it follows.
	site, _ := url.Parse(e.srv.URL)
	for _, next := range []string{"/%09/evil.example/x", "/%0A/evil.example/x", "/%0D%0A/evil.example/x", "%09//evil.example/x"} {
		loc := b.noFollow(http.MethodGet, "/lang/en?next="+next).Header.Get("Location")
		to, err := site.Parse(strings.NewReplacer("\t", "", "\n", "", "\r", "").Replace(loc))
		if err != nil || to.Host != site.Host {
			t.Errorf("next=%s: Location %q leads to %v (%v)", next, loc, to, err)
		}
	}
	// A customer known to write Spanish gets Spanish without asking.
	n := e.mailIn(&ticket.Inbound{MessageID: "es1@example.org", From: ticket.Address{Email: "lola@example.es"},
		Subject: "Hola", Text: "Hola", ContentHash: []byte("es1"), Language: "es"})
	c := e.browser()
	c.get(e.linkFor(n, "lola@example.es")).want(http.StatusOK, "Envíame un código")
	p = c.signIn("lola@example.es")
	p.want(http.StatusOK, "Mis tickets", "Abiertos")
}

func TestPagesCarryStableIDs(t *testing.T) {
	e := newEnv(t, nil)
	n := e.mailIn(mail("ana@example.org", "Hi", "text", ""))
	b := e.browser()
	p := b.get(e.linkFor(n, "ana@example.org"))
	if p.byID("send-code") == nil {
		t.Fatal("link page: no #send-code")
	}
	p = b.post(fmt.Sprintf("/t/%d/code", n), url.Values{"csrf": {p.input("csrf")}, "k": {p.input("k")}})
	if p.byID("code") == nil || p.byID("resend-code") == nil {
		t.Fatal("code page: no #code or #resend-code")
	}
	// The code page's resend button works for a ticket link too.
	p = b.post(fmt.Sprintf("/t/%d/code", n), url.Values{"csrf": {p.input("csrf")}, "k": {p.input("k")}})
	p.want(http.StatusOK, "A code is on its way")
	if len(e.codes.codes("ana@example.org")) != 2 {
		t.Fatal("resend did not send")
	}
}

func TestEmptyFileInputIsNoFile(t *testing.T) {
	e := newEnv(t, nil)
	n := e.mailIn(mail("ana@example.org", "Help", "first", ""))
	b := e.browser()
	b.signIn("ana@example.org")
	p := b.get(fmt.Sprintf("/tickets/%d", n))
	// A browser sends the file input with filename="" when no file was chosen.
	p = b.postMultipart(fmt.Sprintf("/tickets/%d/reply", n), [][2]string{{"csrf", p.input("csrf")}, {"text", "just text"}},
		upload{"", nil})
	p.want(http.StatusOK, "just text")
	msgs, _ := e.tickets.Messages(e.ctx, e.ticketByNumber(n).ID, false)
	if len(msgs) != 2 || len(msgs[1].Attachments) != 0 {
		t.Fatalf("messages: %+v", msgs)
	}
}

func TestBasePathPrefix(t *testing.T) {
	e := newEnv(t, func(c *web.Config, _ *web.Deps) {
		c.BaseURL, _ = link.ParseBaseURL(c.BaseURL.String() + "/support/")
	})
	n := e.mailIn(mail("ana@example.org", "Prefixed", "under a prefix", ""))
	b := e.browser()
	p := b.get("/support/login")
	p.want(http.StatusOK, `action="/support/login"`, `href="/support/static/app.css`)
	p = b.post("/support/login", url.Values{"csrf": {p.input("csrf")}, "email": {"ana@example.org"}})
	if p.url.Path != "/support/code" {
		t.Fatalf("redirected to %s", p.url)
	}
	p = b.post("/support/code", url.Values{"csrf": {p.input("csrf")}, "k": {p.input("k")}, "code": {e.codes.last(t, "ana@example.org")}})
	p.want(http.StatusOK, fmt.Sprintf(`href="/support/tickets/%d"`, n))
	if p.url.Path != "/support/my" {
		t.Fatalf("landed on %s", p.url)
	}
	b.get("/login").want(http.StatusNotFound)
}

// TestEveryPageTranslated visits each page in both languages and looks for
// untranslated keys (shown as "[key]").
func TestEveryPageTranslated(t *testing.T) {
	e := newEnv(t, nil)
	agent := e.agent("zoe@support.example")
	n := e.mailIn(mail("ana@example.org", "Hi", "text", "<p>html</p>"))
	statuses := []ticket.AgentAction{ticket.ActRequestInfo, ticket.ActResolve}
	for _, act := range statuses {
		m := e.mailIn(mail("ana@example.org", string(act), "x", ""))
		if _, err := e.tickets.Act(e.ctx, agent, act, ticket.Post{TicketID: e.ticketByNumber(m).ID, Text: "y"}); err != nil {
			t.Fatal(err)
		}
	}
	missing := regexp.MustCompile(`\[[a-z]+_[a-z_]+\]`)
	for _, lang := range []string{"en", "es"} {
		b := e.browser()
		b.hdr = http.Header{"Accept-Language": {lang}}
		pages := []*page{b.get(e.linkFor(n, "ana@example.org")), b.get("/nope"), b.codePage("ana@example.org")}
		p := pages[len(pages)-1]
		pages = append(pages, b.tryCode(p, otherCode(e.codes.last(t, "ana@example.org"))))
		pages = append(pages, b.tryCode(p, e.codes.last(t, "ana@example.org")))
		pages = append(pages, b.get(fmt.Sprintf("/tickets/%d", n)))
		for _, p := range pages {
			if m := missing.FindString(p.body); m != "" || !strings.Contains(p.body, `lang="`+lang+`"`) {
				t.Errorf("%s %s: untranslated %q or wrong language", lang, p.url, m)
			}
		}
	}
}

// A signed-in customer who switches the site to Spanish gets their alerts in
// Spanish as soon as a Spanish page is served to them: the language link
// itself (a GET that only sets a cookie and redirects) stores nothing.
func TestCustomersLanguageChoiceReachesTheirAlerts(t *testing.T) {
	e := newEnv(t, nil)
	n := e.mailIn(mail("ana@example.org", "Broken", "The printer is broken and it does not print.", ""))
	b := e.browser()
	b.signIn("ana@example.org")
	language := func() string {
		c, err := e.tickets.CustomerByEmail(e.ctx, "ana@example.org")
		if err != nil {
			t.Fatal(err)
		}
		return c.Language
	}
	if got := language(); got != "en" {
		t.Fatalf("language after the English pages: %q, want en", got)
	}
	if resp := b.noFollow(http.MethodGet, fmt.Sprintf("/lang/es?next=/tickets/%d", n)); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("language link: %d", resp.StatusCode)
	}
	if got := language(); got != "en" {
		t.Fatalf("the language link itself stored %q", got)
	}
	b.get(fmt.Sprintf("/tickets/%d", n)).want(http.StatusOK, `lang="es"`)
	if got := language(); got != "es" {
		t.Fatalf("language after a Spanish page: %q, want es", got)
	}
	// A visitor without a session (a mail scanner opening the link) records nothing.
	anon := e.browser()
	anon.hdr.Set("Accept-Language", "en")
	anon.get(e.linkFor(n, "ana@example.org")).want(http.StatusOK)
	if got := language(); got != "es" {
		t.Fatalf("an anonymous visit changed the language to %q", got)
	}
}
