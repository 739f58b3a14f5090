package web_test

import (
	"fmt"
	"net/http"
	"net/url"
	"testing"
)

// TestNULAndInvalidUTF8Refused: a NUL byte or invalid UTF-8 in any form
// field is a bad request (400), before and after sign-in, and stores nothing.
func TestNULAndInvalidUTF8Refused(t *testing.T) {
	e := newEnv(t, nil)
	n := e.mailIn(mail("ana@example.org", "Hi", "first", ""))
	e.agent("zoe@support.example")
	anon := e.browser()
	csrf := anon.get("/login").input("csrf")
	for _, bad := range []string{"ana\x00@example.org", "ana@exa\xffmple.org"} {
		for _, c := range []struct {
			path string
			form url.Values
		}{
			{"/login", url.Values{"email": {bad}}},
			{"/code", url.Values{"k": {bad}, "code": {"123456"}}},
			{"/code", url.Values{"k": {"x"}, "code": {bad}}},
			{"/agent/login", url.Values{"email": {bad}, "password": {"a long enough secret"}}},
			{"/agent/login", url.Values{"email": {"zoe@support.example"}, "password": {bad}}},
			{fmt.Sprintf("/t/%d/code", n), url.Values{"k": {bad}}},
		} {
			c.form.Set("csrf", csrf)
			p := anon.post(c.path, c.form)
			if p.status != http.StatusBadRequest {
				t.Errorf("POST %s %q: status %d, want 400", c.path, c.form, p.status)
			}
		}
	}
	if e.codes.total() != 0 {
		t.Fatal("a code was sent for a bad form")
	}
	b := e.browser()
	b.signIn("ana@example.org")
	csrf = b.get("/my").input("csrf")
	reply := fmt.Sprintf("/tickets/%d/reply", n)
	b.postMultipart(reply, [][2]string{{"csrf", csrf}, {"text", "nul\x00 inside"}}).want(http.StatusBadRequest)
	b.postMultipart("/tickets", [][2]string{{"csrf", csrf}, {"subject", "s\xc3"}, {"text", "t"}}).want(http.StatusBadRequest)
	msgs, _ := e.tickets.Messages(e.ctx, e.ticketByNumber(n).ID, true)
	if len(msgs) != 1 {
		t.Fatalf("%d messages after refused forms, want 1", len(msgs))
	}
}
