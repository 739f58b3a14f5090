package web_test

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"inboxdesk/auth"
)

// TestAgentTokensPage: an agent makes a token on the page and sees its
// secret once; the token works; the agent revokes it; another agent cannot
// revoke it.
func TestAgentTokensPage(t *testing.T) {
	e := newEnv(t, nil)
	b, _ := e.agentBrowser("zoe@support.example")
	p := b.get("/agent/tokens")
	p.want(http.StatusOK)
	if bad := b.post("/agent/tokens", url.Values{"csrf": {p.input("csrf")}, "name": {" "}, "scope": {"write"}}); bad.status != http.StatusUnprocessableEntity {
		t.Fatalf("a nameless token: %d", bad.status)
	}
	p = b.post("/agent/tokens", url.Values{"csrf": {p.input("csrf")}, "name": {"crm sync"}, "scope": {"write"}})
	p.want(http.StatusOK, "crm sync")
	secret := strings.TrimSpace(p.text("token-secret"))
	secret = secret[strings.Index(secret, "idk_"):]
	tok, err := e.auth.APITokenBySecret(e.ctx, secret)
	if err != nil || tok.Scope != auth.ScopeWrite || tok.AgentEmail != "zoe@support.example" {
		t.Fatalf("the shown token: %+v %v", tok, err)
	}
	again := b.get("/agent/tokens")
	if strings.Contains(again.body, secret) {
		t.Fatal("the secret was shown a second time")
	}
	other, _ := e.agentBrowser("max@support.example")
	op := other.get("/agent/tokens")
	if strings.Contains(op.body, "crm sync") {
		t.Fatal("another agent sees zoe's token")
	}
	revoke := fmt.Sprintf("/agent/tokens/%d/revoke", tok.ID)
	if r := other.post(revoke, url.Values{"csrf": {op.input("csrf")}}); r.status != http.StatusNotFound {
		t.Fatalf("another agent revoking: %d", r.status)
	}
	b.post(revoke, url.Values{"csrf": {again.input("csrf")}}).want(http.StatusOK)
	if _, err := e.auth.APITokenBySecret(e.ctx, secret); !errors.Is(err, auth.ErrTokenInvalid) {
		t.Fatalf("revoked token still works: %v", err)
	}
}
