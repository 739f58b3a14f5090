package web_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"inboxdesk/auth"
)

// SendInvite keeps the invitation link instead of mailing it.
func (r *codeRecorder) SendInvite(_ context.Context, to, _, link, _ string) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.invites == nil {
		r.invites = map[string][]string{}
	}
	r.invites[to] = append(r.invites[to], link)
	return nil
}

// lastInvite returns the path and query of the last invitation link mailed to to.
func (r *codeRecorder) lastInvite(t testing.TB, to string) string {
	t.Helper()
	r.mu.Lock()
	defer r.mu.Unlock()
	l := r.invites[to]
	if len(l) == 0 {
		t.Fatalf("no invitation was sent to %s", to)
	}
	u, err := url.Parse(l[len(l)-1])
	if err != nil {
		t.Fatal(err)
	}
	return u.RequestURI()
}

// adminBrowser creates an admin and returns a browser signed in as them.
func (e *env) adminBrowser(email string) (*browser, int64) {
	e.t.Helper()
	a, err := e.auth.CreateAgentAs(e.ctx, auth.AgentRoleAdmin, email, "Lee Lead", agentPassword)
	if err != nil {
		e.t.Fatal(err)
	}
	b := e.browser()
	b.agentSignIn(email)
	return b, a.ID
}

// invite has the admin browser b invite email as an agent.
func (b *browser) invite(email, role string) *page {
	b.t.Helper()
	p := b.get("/agent/team")
	return b.post("/agent/team/invite", url.Values{"csrf": {p.input("csrf")}, "email": {email}, "name": {"Sam New"}, "role": {role}})
}

// askInviteCode opens the invitation link and asks for a code.
func (b *browser) askInviteCode(link string) *page {
	b.t.Helper()
	p := b.get(link)
	p.want(http.StatusOK, "s•••@support.test")
	return b.post("/agent/invite/code", url.Values{"csrf": {p.input("csrf")}, "k": {p.input("k")}})
}

func (b *browser) acceptInvite(p *page, code, password string) *page {
	b.t.Helper()
	return b.post("/agent/invite/accept", url.Values{"csrf": {p.input("csrf")}, "k": {p.input("k")},
		"code": {code}, "password": {password}})
}

func TestAdminRoutesRefuseAgents(t *testing.T) {
	e := newEnv(t, nil)
	admin, _ := e.adminBrowser("lee@support.test")
	agent, agentID := e.agentBrowser("zoe@support.test")
	csrf := agent.get("/agent").input("csrf")
	if p := agent.get("/agent"); strings.Contains(p.body, `id="nav-team"`) {
		t.Error("an agent's navigation links the team page")
	}
	target := fmt.Sprint(agentID)
	posts := map[string]url.Values{
		"/agent/team/invite":                 {"email": {"new@support.test"}, "name": {"New"}, "role": {"admin"}},
		"/agent/team/" + target + "/disable": {},
		"/agent/team/" + target + "/enable":  {},
		"/agent/team/" + target + "/role":    {"role": {"admin"}},
		"/agent/team/" + target + "/reset":   {},
	}
	if p := agent.get("/agent/team"); p.status != http.StatusForbidden {
		t.Errorf("GET /agent/team as agent: %d, want 403", p.status)
	}
	for path, form := range posts {
		form.Set("csrf", csrf)
		if p := agent.post(path, form); p.status != http.StatusForbidden || !strings.Contains(p.body, "Only an admin") {
			t.Errorf("POST %s as agent: %d, want 403", path, p.status)
		}
	}
	if a, _ := e.auth.AgentByID(e.ctx, agentID); a.Role != auth.AgentRoleAgent || a.Disabled || !a.HasPassword {
		t.Fatalf("refused requests changed the agent: %+v", a)
	}
	if len(e.codes.invites) != 0 {
		t.Fatal("a refused invite was sent")
	}
	if p := e.browser().get("/agent/team"); p.url.Path != "/agent/login" {
		t.Errorf("visitor: %s, want the sign-in page", p.url)
	}
	customer := e.browser()
	customer.signIn("cust@example.com")
	if p := customer.get("/agent/team"); p.status != http.StatusForbidden {
		t.Errorf("customer: %d, want 403", p.status)
	}
	p := admin.get("/agent/team")
	p.want(http.StatusOK, "zoe@support.test", "lee@support.test")
	if !strings.Contains(admin.get("/agent").body, `id="nav-team"`) {
		t.Error("an admin's navigation does not link the team page")
	}
}

func TestInvitationSetsPasswordOnce(t *testing.T) {
	e := newEnv(t, nil)
	admin, _ := e.adminBrowser("lee@support.test")
	if p := admin.invite("sam@support.test", "agent"); p.status != http.StatusOK || !strings.Contains(p.body, "Invitation sent") {
		t.Fatalf("invite: %d %s", p.status, p.body)
	}
	link := e.codes.lastInvite(t, "sam@support.test")
	if !strings.HasPrefix(link, "/agent/invite?k=") {
		t.Fatalf("invitation link %q", link)
	}
	if n := len(e.codes.codes("sam@support.test")); n != 0 {
		t.Fatalf("opening nothing sent %d codes", n)
	}
	sam := e.browser()
	p := sam.askInviteCode(link)
	p.want(http.StatusOK, "accept-form")
	code := e.codes.last(t, "sam@support.test")
	if w := sam.acceptInvite(p, code, "short"); w.status != http.StatusUnprocessableEntity {
		t.Fatalf("weak password: %d", w.status)
	}
	p = sam.acceptInvite(p, code, "sam's own long secret")
	if p.status != http.StatusOK || p.url.Path != "/agent" {
		t.Fatalf("accept: %d %s\n%s", p.status, p.url, p.body)
	}
	a, _ := e.auth.AgentByEmail(e.ctx, "sam@support.test")
	if a.Role != auth.AgentRoleAgent || !a.HasPassword {
		t.Fatalf("invited agent = %+v", a)
	}
	// Reused: the link (and a new code) set nothing again.
	other := e.browser()
	if r := other.get(link); r.status != http.StatusGone || !strings.Contains(r.body, "already used") {
		t.Fatalf("reused link: %d", r.status)
	}
	if r := sam.post("/agent/invite/accept", url.Values{"csrf": {p.input("csrf")}, "k": {urlToken(link)}, "code": {code},
		"password": {"another long secret"}}); r.status != http.StatusGone {
		t.Fatalf("reused invitation accepted: %d", r.status)
	}
	if _, _, err := e.auth.AgentLogin(e.ctx, auth.LoginAttempt{Email: "sam@support.test", Password: "sam's own long secret", IP: "10.0.0.9"}); err != nil {
		t.Fatalf("password changed by a reused invitation: %v", err)
	}
}

func TestInvitationExpires(t *testing.T) {
	e := newEnv(t, nil)
	admin, _ := e.adminBrowser("lee@support.test")
	admin.invite("sam@support.test", "agent")
	link := e.codes.lastInvite(t, "sam@support.test")
	sam := e.browser()
	p := sam.askInviteCode(link)
	e.clock.Add(72*time.Hour + time.Second)
	if r := sam.acceptInvite(p, e.codes.last(t, "sam@support.test"), "sam's own long secret"); r.status != http.StatusGone {
		t.Fatalf("expired invitation: %d", r.status)
	}
	if r := sam.get(link); r.status != http.StatusGone {
		t.Fatalf("expired link page: %d", r.status)
	}
	if a, _ := e.auth.AgentByEmail(e.ctx, "sam@support.test"); a.HasPassword {
		t.Fatal("an expired invitation set a password")
	}
	// A new invitation replaces the old; the old link stays dead.
	admin.agentSignIn("lee@support.test")
	admin.post(fmt.Sprintf("/agent/team/%d/reset", mustAgent(t, e, "sam@support.test").ID),
		url.Values{"csrf": {admin.get("/agent/team").input("csrf")}}).want(http.StatusOK, "new invitation was sent")
	fresh := e.codes.lastInvite(t, "sam@support.test")
	if fresh == link {
		t.Fatal("the reset sent the same link")
	}
	if r := sam.get(fresh); r.status != http.StatusOK {
		t.Fatalf("fresh link: %d", r.status)
	}
}

// A forwarded invitation is useless: the code goes to the invited address
// only, and works only in the browser that asked for it.
func TestForwardedInvitationRefused(t *testing.T) {
	e := newEnv(t, nil)
	admin, _ := e.adminBrowser("lee@support.test")
	admin.invite("sam@support.test", "admin")
	link := e.codes.lastInvite(t, "sam@support.test")
	mallory := e.browser()
	pm := mallory.askInviteCode(link)
	if len(e.codes.codes("sam@support.test")) != 1 || e.codes.total() != 1 {
		t.Fatal("the forwarded link's code went elsewhere than the invited address")
	}
	sam := e.browser()
	sam.askInviteCode(link)
	samCode := e.codes.last(t, "sam@support.test")
	// Even with the invitee's code, another browser is refused.
	if r := mallory.acceptInvite(pm, samCode, "mallory's long secret"); r.status != http.StatusUnprocessableEntity || r.url.Path == "/agent" {
		t.Fatalf("forwarded invitation accepted: %d %s", r.status, r.url)
	}
	if a, _ := e.auth.AgentByEmail(e.ctx, "sam@support.test"); a.HasPassword {
		t.Fatal("a forwarded invitation set a password")
	}
	// A token for another purpose does not open the invitation page.
	if r := mallory.get("/agent/invite?k=" + url.QueryEscape(urlToken(e.linkFor(1, "sam@support.test")))); r.status != http.StatusNotFound {
		t.Fatalf("ticket token on the invitation page: %d", r.status)
	}
}

func TestAdminManagesAgents(t *testing.T) {
	e := newEnv(t, nil)
	admin, adminID := e.adminBrowser("lee@support.test")
	zoe, zoeID := e.agentBrowser("zoe@support.test")
	act := func(path string, form url.Values) *page {
		form.Set("csrf", admin.get("/agent/team").input("csrf"))
		return admin.post(fmt.Sprintf(path, zoeID), form)
	}
	act("/agent/team/%d/disable", url.Values{}).want(http.StatusOK, "Agent disabled")
	if p := zoe.get("/agent"); p.url.Path != "/agent/login" {
		t.Fatalf("disabled agent still signed in: %s", p.url)
	}
	act("/agent/team/%d/enable", url.Values{}).want(http.StatusOK, "Agent re-enabled")
	zoe.agentSignIn("zoe@support.test")
	act("/agent/team/%d/role", url.Values{"role": {"admin"}}).want(http.StatusOK, "Role changed")
	zoe.agentSignIn("zoe@support.test")
	if p := zoe.get("/agent/team"); p.status != http.StatusOK {
		t.Fatalf("promoted agent on the team page: %d", p.status)
	}
	if p := act("/agent/team/%d/role", url.Values{"role": {"owner"}}); p.status != http.StatusUnprocessableEntity {
		t.Fatalf("bad role: %d", p.status)
	}
	act("/agent/team/%d/reset", url.Values{}).want(http.StatusOK, "new invitation was sent")
	if _, _, err := e.auth.AgentLogin(e.ctx, auth.LoginAttempt{Email: "zoe@support.test", Password: agentPassword, IP: "10.0.0.9"}); err == nil {
		t.Fatal("old password works after a reset")
	}
	e.codes.lastInvite(t, "zoe@support.test")
	// The last admin cannot be disabled or demoted, even by themselves.
	if err := e.auth.SetAgentRole(e.ctx, "zoe@support.test", auth.AgentRoleAgent); err != nil {
		t.Fatal(err)
	}
	admin.agentSignIn("lee@support.test")
	form := url.Values{"csrf": {admin.get("/agent/team").input("csrf")}, "role": {"agent"}}
	if p := admin.post(fmt.Sprintf("/agent/team/%d/role", adminID), form); p.status != http.StatusConflict {
		t.Fatalf("demote the last admin: %d", p.status)
	}
	if p := admin.post(fmt.Sprintf("/agent/team/%d/disable", adminID), form); p.status != http.StatusConflict {
		t.Fatalf("disable the last admin: %d", p.status)
	}
	if p := admin.invite("zoe@support.test", "agent"); p.status != http.StatusUnprocessableEntity || !strings.Contains(p.body, "exists") {
		t.Fatalf("invite an existing address: %d", p.status)
	}
	if p := admin.invite("not an address", "agent"); p.status != http.StatusUnprocessableEntity {
		t.Fatalf("invite a bad address: %d", p.status)
	}
	if p := admin.post("/agent/team/999/disable", form); p.status != http.StatusNotFound {
		t.Fatalf("unknown agent: %d", p.status)
	}
}

func mustAgent(t *testing.T, e *env, email string) *auth.Agent {
	t.Helper()
	a, err := e.auth.AgentByEmail(e.ctx, email)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

// urlToken returns the k parameter of a link.
func urlToken(link string) string {
	u, _ := url.Parse(link)
	return u.Query().Get("k")
}
