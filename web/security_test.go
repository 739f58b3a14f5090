package web_test

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"inboxdesk/ticket"
)

const wantCSP = "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; " +
	"frame-ancestors 'none'; form-action 'self'; base-uri 'none'"

func TestSecurityHeadersOnEveryResponse(t *testing.T) {
	e := newEnv(t, nil)
	n := e.mailIn(mail("ana@example.org", "Hi", "text", "", ticket.Attachment{Filename: "a.png", ContentType: "image/png", Data: pngBytes}))
	b := e.browser()
	b.signIn("ana@example.org")
	paths := []string{"/", "/login", "/my", "/static/app.css", "/no/such/page", fmt.Sprintf("/tickets/%d", n),
		"/t/1?k=bad", "/code?k=bad", "/attachments/1", "/attachments/999", "/lang/es?next=/my"}
	for _, p := range paths {
		resp := b.noFollow(http.MethodGet, p)
		checkHeaders(t, p, resp.Header)
	}
	// A refused POST too.
	p := b.post("/logout", url.Values{})
	p.want(http.StatusForbidden)
	checkHeaders(t, "POST /logout", p.header)
}

func checkHeaders(t *testing.T, what string, h http.Header) {
	t.Helper()
	csp := h.Get("Content-Security-Policy")
	if !strings.Contains(what, "/attachments/1") && csp != wantCSP {
		t.Errorf("%s: CSP %q", what, csp)
	}
	if csp == "" || strings.Contains(csp, "unsafe-inline") {
		t.Errorf("%s: CSP %q", what, csp)
	}
	for k, v := range map[string]string{"X-Content-Type-Options": "nosniff", "Referrer-Policy": "no-referrer",
		"X-Frame-Options": "DENY"} {
		if h.Get(k) != v {
			t.Errorf("%s: %s = %q, want %q", what, k, h.Get(k), v)
		}
	}
}

func TestPostsWithoutCSRFAreRefused(t *testing.T) {
	e := newEnv(t, nil)
	n := e.mailIn(mail("ana@example.org", "Hi", "first", ""))
	b := e.browser()
	b.signIn("ana@example.org")
	csrf := b.get("/my").input("csrf")
	reply := fmt.Sprintf("/tickets/%d/reply", n)

	b.post(reply, url.Values{"text": {"no token"}}).want(http.StatusForbidden)
	b.post(reply, url.Values{"csrf": {otherToken(csrf)}, "text": {"wrong token"}}).want(http.StatusForbidden)
	b.postMultipart(reply, [][2]string{{"text", "multipart, no token"}}).want(http.StatusForbidden)
	b.post("/tickets", url.Values{"subject": {"s"}, "text": {"no token"}}).want(http.StatusForbidden)
	b.post("/logout", url.Values{}).want(http.StatusForbidden)

	// The right token from another site: refused by the cross-origin check.
	for _, h := range []http.Header{{"Sec-Fetch-Site": {"cross-site"}}, {"Origin": {"https://evil.example"}}} {
		b.hdr = h
		b.post(reply, url.Values{"csrf": {csrf}, "text": {"cross-site"}}).want(http.StatusForbidden)
	}
	b.hdr = http.Header{"Sec-Fetch-Site": {"same-origin"}}
	b.post(reply, url.Values{"csrf": {csrf}, "text": {"same site, right token"}}).want(http.StatusOK)

	msgs, _ := e.tickets.Messages(e.ctx, e.ticketByNumber(n).ID, true)
	if len(msgs) != 2 || msgs[1].Text != "same site, right token" {
		t.Fatalf("messages after the refused posts: %+v", msgs)
	}
	if _, err := e.auth.SessionByID(e.ctx, b.cookie("inboxdesk_session")); err != nil {
		t.Fatal("a refused sign-out ended the session")
	}
}

func TestPreSessionFormsNeedTheCookieToken(t *testing.T) {
	e := newEnv(t, nil)
	b := e.browser()
	// No token, and a token without the matching cookie.
	b.post("/login", url.Values{"email": {"ana@example.org"}}).want(http.StatusForbidden)
	stranger := e.browser()
	token := stranger.get("/login").input("csrf")
	b.post("/login", url.Values{"csrf": {token}, "email": {"ana@example.org"}}).want(http.StatusForbidden)
	if e.codes.total() != 0 {
		t.Fatal("a code was sent for a forged form")
	}
	// The browser's own token works.
	p := b.get("/login")
	b.post("/login", url.Values{"csrf": {p.input("csrf")}, "email": {"ana@example.org"}}).want(http.StatusOK)
}
