package web_test

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"inboxdesk/web"
)

// proxied is a web view behind a proxy that names each client in
// X-Forwarded-For, so that tests can play several clients.
func proxied(t *testing.T) *env {
	return newEnv(t, func(c *web.Config, _ *web.Deps) { c.ClientIPHeader = "X-Forwarded-For" })
}

// from returns a new browser that comes from the client address ip.
func (e *env) from(ip string) *browser {
	b := e.browser()
	b.hdr.Set("X-Forwarded-For", ip)
	return b
}

// askCode posts /login for email and returns the page it lands on.
func (b *browser) askCode(email string) *page {
	b.t.Helper()
	p := b.get("/login")
	return b.post("/login", url.Values{"csrf": {p.input("csrf")}, "email": {email}})
}

// A stranger who knows a customer's address can neither kill nor use the
// customer's code: a code belongs to the browser that asked for it.
func TestStrangerCannotKillACustomersCode(t *testing.T) {
	e := newEnv(t, nil)
	victim := e.browser()
	vp := victim.codePage("ana@example.org")
	code := e.codes.last(t, "ana@example.org")

	// The stranger asks for a code for the same address and exhausts it.
	stranger := e.browser()
	sp := stranger.codePage("ana@example.org")
	for range 5 {
		stranger.tryCode(sp, otherCode(code))
	}
	stranger.tryCode(sp, otherCode(code)).want(http.StatusUnprocessableEntity, "Too many wrong tries")
	// A browser that never asked finds no code with the victim's page,
	// however often it tries, and even the right code opens nothing for it.
	third := e.browser()
	csrf := third.get("/login").input("csrf")
	try := func(c string) *page {
		return third.post("/code", url.Values{"csrf": {csrf}, "k": {vp.input("k")}, "code": {c}})
	}
	for range 6 {
		try(otherCode(code)).want(http.StatusUnprocessableEntity, "no code waiting")
	}
	try(code).want(http.StatusUnprocessableEntity, "no code waiting")
	if third.cookie("inboxdesk_session") != "" || stranger.cookie("inboxdesk_session") != "" {
		t.Fatal("a browser that did not ask for the code was signed in")
	}
	p := victim.tryCode(vp, code)
	p.want(http.StatusOK, "My tickets")
	if p.url.Path != "/my" {
		t.Fatalf("the owner's right code after the stranger's tries landed on %s", p.url)
	}
}

// A stranger's requests for a customer's address count against the
// stranger's client, not the customer's: only a larger cap over all clients
// holds for the address.
func TestStrangerCannotUseUpACustomersSends(t *testing.T) {
	e := proxied(t)
	stranger := e.from("203.0.113.9")
	for range 3 {
		stranger.askCode("ana@example.org").want(http.StatusOK)
	}
	stranger.askCode("ana@example.org").want(http.StatusTooManyRequests, "Too many codes")
	victim := e.from("198.51.100.7")
	victim.askCode("ana@example.org").want(http.StatusOK)
	// Over all clients an address gets at most ten codes an hour.
	for i := range 6 {
		e.from(fmt.Sprintf("192.0.2.%d", i+1)).askCode("ana@example.org").want(http.StatusOK)
	}
	e.from("192.0.2.99").askCode("ana@example.org").want(http.StatusTooManyRequests)
	if n := len(e.codes.codes("ana@example.org")); n != 10 {
		t.Fatalf("%d codes mailed, want 10", n)
	}
	e.clock.Add(time.Hour + time.Second)
	victim.signIn("ana@example.org")
}

// A client that types twenty wrong codes is refused further checks for an
// hour, even with a right code; other clients are not.
func TestWrongCodesLimitedPerClient(t *testing.T) {
	e := proxied(t)
	guesser := e.from("203.0.113.9")
	for _, who := range []string{"a", "b", "c", "d"} {
		email := who + "@example.org"
		p := guesser.codePage(email)
		code := e.codes.last(t, email)
		for range 5 {
			guesser.tryCode(p, otherCode(code)).want(http.StatusUnprocessableEntity)
		}
	}
	p := guesser.codePage("e@example.org")
	guesser.tryCode(p, e.codes.last(t, "e@example.org")).want(http.StatusTooManyRequests, "Too many wrong codes")
	if guesser.cookie("inboxdesk_session") != "" {
		t.Fatal("a client past its limit of wrong codes was signed in")
	}
	e.from("198.51.100.7").signIn("e@example.org")
	e.clock.Add(time.Hour + time.Second)
	guesser.signIn("e@example.org")
}

// After fifty wrong codes for an address in a day, from any clients, each
// new code for it allows one try: guessing is bounded by the send limits,
// and the owner's right code still opens.
func TestWrongCodesCappedPerAddressPerDay(t *testing.T) {
	e := proxied(t)
	for i := range 10 {
		b := e.from(fmt.Sprintf("203.0.113.%d", i+1))
		p := b.codePage("ana@example.org")
		code := e.codes.last(t, "ana@example.org")
		for range 5 {
			b.tryCode(p, otherCode(code)).want(http.StatusUnprocessableEntity)
		}
	}
	e.clock.Add(time.Hour + time.Second)
	victim := e.from("198.51.100.7")
	p := victim.codePage("ana@example.org")
	code := e.codes.last(t, "ana@example.org")
	victim.tryCode(p, otherCode(code)).want(http.StatusUnprocessableEntity, "Too many wrong tries")
	victim.tryCode(p, code).want(http.StatusUnprocessableEntity, "Too many wrong tries")
	victim.signIn("ana@example.org")
	if !strings.Contains(victim.get("/my").body, "My tickets") {
		t.Fatal("the owner is not signed in")
	}
	// A day later codes allow five tries again.
	e.clock.Add(24 * time.Hour)
	b := e.from("203.0.113.1")
	p = b.codePage("ana@example.org")
	b.tryCode(p, otherCode(e.codes.last(t, "ana@example.org"))).want(http.StatusUnprocessableEntity, "try 4 more times")
}
