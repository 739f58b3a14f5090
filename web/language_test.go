package web_test

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// The customer's own choice on My tickets beats the language of the pages
// they are served; "Automatic" hands the decision back to those.
func TestCustomerLanguageSetting(t *testing.T) {
	e := newEnv(t, nil)
	e.mailIn(mail("ana@example.org", "Broken", "The printer is broken and it does not print.", ""))
	b := e.browser()
	my := b.signIn("ana@example.org")
	if my.byID("language-form") == nil {
		t.Fatal("no language setting on My tickets")
	}
	p := b.post("/my/language", url.Values{"csrf": {my.input("csrf")}, "language": {"es"}})
	p.want(http.StatusOK, "Tu idioma quedó guardado.")
	c, _ := e.tickets.CustomerByEmail(e.ctx, "ana@example.org")
	if c.Language != "es" {
		t.Fatalf("language after choosing Spanish: %q", c.Language)
	}
	// Pages in English afterwards do not undo the choice.
	b.get("/lang/en?next=/my").want(http.StatusOK, `lang="en"`)
	if c, _ = e.tickets.CustomerByEmail(e.ctx, "ana@example.org"); c.Language != "es" {
		t.Fatalf("an English page overrode the choice: %q", c.Language)
	}
	p = b.post("/my/language", url.Values{"csrf": {my.input("csrf")}, "language": {""}})
	p.want(http.StatusOK, "Your language is saved.")
	if c, _ = e.tickets.CustomerByEmail(e.ctx, "ana@example.org"); c.Language != "en" {
		t.Fatalf("automatic again: %q, want the site's en", c.Language)
	}
	p = b.post("/my/language", url.Values{"csrf": {my.input("csrf")}, "language": {"fr"}})
	p.want(http.StatusBadRequest)
}

func TestAgentSetsRequesterLanguage(t *testing.T) {
	e := newEnv(t, nil)
	n := e.mailIn(mail("lucia@example.org", "No puedo entrar",
		"Hola, no puedo entrar en mi cuenta desde ayer. ¿Me pueden ayudar?", ""))
	e.agent("zoe@support.example")
	b := e.browser()
	b.agentSignIn("zoe@support.example")
	path := fmt.Sprintf("/agent/tickets/%d", n)
	p := b.get(path)
	if got := p.text("language-form"); !strings.Contains(got, "Automatic (es)") {
		t.Fatalf("language control shows %q, want the detected es", got)
	}
	p = b.post(path+"/language", url.Values{"csrf": {p.input("csrf")}, "language": {"en"}})
	p.want(http.StatusOK, "Customer&#39;s language saved.", "Customer&#39;s language set")
	if c, _ := e.tickets.CustomerByEmail(e.ctx, "lucia@example.org"); c.Language != "en" {
		t.Fatalf("language after the agent chose English: %q", c.Language)
	}
	p = b.post(path+"/language", url.Values{"csrf": {p.input("csrf")}, "language": {"xx"}})
	p.want(http.StatusBadRequest)
}
