package web_test

import (
	"fmt"
	"net/http"
	"net/url"
	"testing"
	"time"
)

// agentTry posts the agent sign-in form.
func (b *browser) agentTry(email, password string) *page {
	b.t.Helper()
	p := b.get("/agent/login")
	return b.post("/agent/login", url.Values{"csrf": {p.input("csrf")}, "email": {email}, "password": {password}})
}

// No stranger can lock an agent out: failed passwords slow the client that
// fails, a fresh client still gets in, and a browser the agent signed in
// from before gets in at once whatever others tried.
func TestStrangerCannotLockAnAgentOut(t *testing.T) {
	e := proxied(t)
	e.agent("zoe@support.example")
	const who = "zoe@support.example"
	laptop := e.from("198.51.100.7")
	laptop.agentSignIn(who)
	if laptop.cookie("inboxdesk_device") == "" {
		t.Fatal("no device cookie after signing in")
	}
	p := laptop.get("/agent")
	laptop.post("/logout", url.Values{"csrf": {p.input("csrf")}})

	stranger := e.from("203.0.113.9")
	for range 5 {
		stranger.agentTry(who, "wrong password!").want(http.StatusUnauthorized)
	}
	// The stranger is slowed: one second, then two, ...
	p = stranger.agentTry(who, agentPassword)
	p.want(http.StatusTooManyRequests, "wait 1 seconds")
	if p.header.Get("Retry-After") != "1" {
		t.Fatalf("Retry-After %q", p.header.Get("Retry-After"))
	}
	e.clock.Add(time.Second)
	stranger.agentTry(who, "wrong password!").want(http.StatusUnauthorized)
	stranger.agentTry(who, "wrong password!").want(http.StatusTooManyRequests, "wait 2 seconds")

	// Another client, never used by the agent, is not held back.
	e.from("192.0.2.50").agentSignIn(who)

	// Fifty failures from many clients slow browsers the agent never used...
	// (The stranger has failed six times; forty-four more from nine clients.)
	for i := range 44 {
		e.from(fmt.Sprintf("192.0.2.%d", i/5+1)).agentTry(who, "wrong password!").want(http.StatusUnauthorized)
	}
	fresh := e.from("192.0.2.60")
	fresh.agentTry(who, agentPassword).want(http.StatusTooManyRequests)
	// ...but the agent's own laptop, even from the stranger's network, gets in at once.
	laptop.hdr.Set("X-Forwarded-For", "203.0.113.9")
	laptop.agentSignIn(who)
	// And slowing is not locking: after at most a minute the fresh browser gets in too.
	e.clock.Add(time.Minute)
	fresh.agentSignIn(who)
}
