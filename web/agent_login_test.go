package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"
)

// TestAgentSignIn: a wrong password, an unknown address and a disabled
// account get the same refusal and no session; five failures slow the
// failing client (even the right password waits); a signed-in agent's
// /agent/login goes to the queue.
func TestAgentSignIn(t *testing.T) {
	e := newEnv(t, nil)
	e.agent("zoe@support.example")
	e.agent("old@support.example")
	if err := e.auth.DisableAgent(e.ctx, "old@support.example"); err != nil {
		t.Fatal(err)
	}
	b := e.browser()
	try := func(email, password string) *page {
		p := b.get("/agent/login")
		return b.post("/agent/login", url.Values{"csrf": {p.input("csrf")}, "email": {email}, "password": {password}})
	}
	for _, c := range [][2]string{{"zoe@support.example", "wrong password!"}, {"nobody@support.example", agentPassword},
		{"old@support.example", agentPassword}} {
		p := try(c[0], c[1])
		p.want(http.StatusUnauthorized, "do not match an active agent account")
		if p.url.Path != "/agent/login" || b.cookie("inboxdesk_session") != "" || strings.Contains(p.body, c[1]) {
			t.Fatalf("%s: refused sign-in left %s, a session or the password", c[0], p.url)
		}
	}
	for range 4 {
		try("zoe@support.example", "wrong password!")
	}
	try("zoe@support.example", agentPassword).want(http.StatusTooManyRequests, "Too many failed sign-ins")
	e.clock.Add(time.Second)
	b.agentSignIn("zoe@support.example")
	if resp := b.noFollow(http.MethodGet, "/agent/login"); resp.Header.Get("Location") != "/agent" {
		t.Errorf("signed-in agent at /agent/login: %d to %q", resp.StatusCode, resp.Header.Get("Location"))
	}
}
