package web_test

import (
	"net/http"
	"net/url"
	"testing"
	"time"
)

// codePage asks for a code for email via /login and returns the code page.
func (b *browser) codePage(email string) *page {
	b.t.Helper()
	p := b.get("/login")
	p = b.post("/login", url.Values{"csrf": {p.input("csrf")}, "email": {email}})
	p.want(http.StatusOK)
	return p
}

func (b *browser) tryCode(p *page, code string) *page {
	b.t.Helper()
	return b.post("/code", url.Values{"csrf": {p.input("csrf")}, "k": {p.input("k")}, "code": {code}})
}

func otherCode(c string) string {
	if c == "000000" {
		return "000001"
	}
	return "000000"
}

func TestSixthTryRefusedEvenWithTheRightCode(t *testing.T) {
	e := newEnv(t, nil)
	b := e.browser()
	p := b.codePage("ana@example.org")
	code := e.codes.last(t, "ana@example.org")
	for _, left := range []string{"try 4 more times.", "try 3 more times.", "try 2 more times.", "try 1 more time."} {
		b.tryCode(p, otherCode(code)).want(http.StatusUnprocessableEntity, left)
	}
	b.tryCode(p, otherCode(code)).want(http.StatusUnprocessableEntity, "Too many wrong tries")
	b.tryCode(p, code).want(http.StatusUnprocessableEntity, "Too many wrong tries")
	if b.cookie("inboxdesk_session") != "" {
		t.Fatal("a session was made after five wrong tries")
	}
	if p := b.get("/my"); p.url.Path != "/login" {
		t.Fatalf("/my after a dead code: %s", p.url)
	}
}

func TestExpiredCodeRefused(t *testing.T) {
	e := newEnv(t, nil)
	b := e.browser()
	p := b.codePage("ana@example.org")
	code := e.codes.last(t, "ana@example.org")
	e.clock.Add(10*time.Minute + time.Second)
	b.tryCode(p, code).want(http.StatusUnprocessableEntity, "expired")
	if b.cookie("inboxdesk_session") != "" {
		t.Fatal("an expired code made a session")
	}
}

func TestResendLimit(t *testing.T) {
	e := newEnv(t, nil)
	b := e.browser()
	for range 3 {
		b.codePage("ana@example.org")
	}
	p := b.get("/login")
	p = b.post("/login", url.Values{"csrf": {p.input("csrf")}, "email": {"ana@example.org"}})
	p.want(http.StatusTooManyRequests, "Too many codes")
	if n := len(e.codes.codes("ana@example.org")); n != 3 {
		t.Fatalf("%d codes mailed, want 3", n)
	}
	// The resend button on the code page counts too, and after the window it works again.
	e.clock.Add(10*time.Minute + time.Second)
	p = b.codePage("ana@example.org")
	resend := b.post("/login", url.Values{"csrf": {p.input("csrf")}, "email": {p.input("email")}})
	resend.want(http.StatusOK)
	if n := len(e.codes.codes("ana@example.org")); n != 5 {
		t.Fatalf("%d codes mailed, want 5", n)
	}
}

func TestNewCodeReplacesOld(t *testing.T) {
	e := newEnv(t, nil)
	b := e.browser()
	b.codePage("ana@example.org")
	first := e.codes.last(t, "ana@example.org")
	p := b.codePage("ana@example.org")
	second := e.codes.last(t, "ana@example.org")
	if first != second {
		b.tryCode(p, first).want(http.StatusUnprocessableEntity, "not right")
	}
	p = b.tryCode(p, second)
	p.want(http.StatusOK, "My tickets")
	if p.url.Path != "/my" {
		t.Fatalf("landed on %s", p.url)
	}
}

func TestLoginWithBadAddress(t *testing.T) {
	e := newEnv(t, nil)
	b := e.browser()
	p := b.get("/login")
	if p.byID("email") == nil || p.byID("send-code") == nil {
		t.Fatal("login page lacks #email or #send-code")
	}
	p = b.post("/login", url.Values{"csrf": {p.input("csrf")}, "email": {"not an address"}})
	p.want(http.StatusUnprocessableEntity, "does not look like an email address")
	if p.input("email") != "not an address" {
		t.Fatal("the typed address was not kept")
	}
	if e.codes.total() != 0 {
		t.Fatal("a code was sent to a bad address")
	}
}
