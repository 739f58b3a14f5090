package auth_test

import (
	"errors"
	"testing"
	"time"

	"inboxdesk/auth"
)

func TestFirstAgentOfATeamIsAdmin(t *testing.T) {
	f := newFixture(t, nil)
	first, err := f.store.CreateAgentAs(f.ctx, "", "lead@support.example", "Lead", "")
	if err != nil || first.Role != auth.AgentRoleAdmin {
		t.Fatalf("first agent = %+v, %v; want admin", first, err)
	}
	second, err := f.store.CreateAgentAs(f.ctx, "", "zoe@support.example", "Zoe", "")
	if err != nil || second.Role != auth.AgentRoleAgent {
		t.Fatalf("second agent = %+v, %v; want agent", second, err)
	}
	if a, err := f.store.CreateAgent(f.ctx, "max@support.example", "Max", ""); err != nil || a.Role != auth.AgentRoleAgent {
		t.Fatalf("CreateAgent = %+v, %v; want agent", a, err)
	}
	if a, err := f.store.CreateAgentAs(f.ctx, auth.AgentRoleAdmin, "amy@support.example", "Amy", ""); err != nil || a.Role != auth.AgentRoleAdmin {
		t.Fatalf("CreateAgentAs(admin) = %+v, %v", a, err)
	}
	if _, err := f.store.CreateAgentAs(f.ctx, "boss", "bob@support.example", "Bob", ""); !errors.Is(err, auth.ErrBadRole) {
		t.Fatalf("bad role: %v", err)
	}
	if _, err := auth.ParseAgentRole("Owner"); !errors.Is(err, auth.ErrBadRole) {
		t.Fatalf("ParseAgentRole(Owner) = %v", err)
	}
}

func TestLastAdminStays(t *testing.T) {
	f := newFixture(t, nil)
	if _, err := f.store.CreateAgentAs(f.ctx, auth.AgentRoleAdmin, "lead@support.example", "Lead", "a long enough secret"); err != nil {
		t.Fatal(err)
	}
	zoe, err := f.store.CreateAgent(f.ctx, "zoe@support.example", "Zoe", "a long enough secret")
	if err != nil {
		t.Fatal(err)
	}
	if err := f.store.DisableAgent(f.ctx, "lead@support.example"); !errors.Is(err, auth.ErrLastAdmin) {
		t.Fatalf("disable the only admin: %v", err)
	}
	if err := f.store.SetAgentRole(f.ctx, "lead@support.example", auth.AgentRoleAgent); !errors.Is(err, auth.ErrLastAdmin) {
		t.Fatalf("demote the only admin: %v", err)
	}
	sess, err := f.store.CreateSession(f.ctx, auth.RoleAgent, zoe.ID)
	if err != nil || sess.Admin {
		t.Fatalf("agent session = %+v, %v; want not admin", sess, err)
	}
	if err := f.store.SetAgentRole(f.ctx, "zoe@support.example", auth.AgentRoleAdmin); err != nil {
		t.Fatal(err)
	}
	if _, err := f.store.SessionByID(f.ctx, sess.ID); !errors.Is(err, auth.ErrNotFound) {
		t.Fatalf("session after a role change: %v; want signed out", err)
	}
	sess, err = f.store.CreateSession(f.ctx, auth.RoleAgent, zoe.ID)
	if err != nil || !sess.Admin {
		t.Fatalf("promoted agent's session = %+v, %v; want admin", sess, err)
	}
	// With a second admin, the first can step down or be disabled.
	if err := f.store.DisableAgent(f.ctx, "lead@support.example"); err != nil {
		t.Fatal(err)
	}
	if err := f.store.SetAgentRole(f.ctx, "zoe@support.example", auth.AgentRoleAgent); !errors.Is(err, auth.ErrLastAdmin) {
		t.Fatalf("demote the last enabled admin: %v", err)
	}
	if err := f.store.SetAgentRole(f.ctx, "nobody@support.example", auth.AgentRoleAgent); !errors.Is(err, auth.ErrNotFound) {
		t.Fatalf("unknown agent: %v", err)
	}
}

func TestInvitations(t *testing.T) {
	f := newFixture(t, nil)
	zoe, err := f.store.CreateAgent(f.ctx, "zoe@support.example", "Zoe", "")
	if err != nil {
		t.Fatal(err)
	}
	inv, err := f.store.CreateInvite(f.ctx, zoe.ID, 0, time.Hour)
	if err != nil || inv.Email != "zoe@support.example" {
		t.Fatalf("CreateInvite = %+v, %v", inv, err)
	}
	if _, err := f.store.AcceptInvite(f.ctx, inv.ID, "mallory@evil.example", "a long enough secret"); !errors.Is(err, auth.ErrNotFound) {
		t.Fatalf("accept for another address: %v", err)
	}
	if _, err := f.store.AcceptInvite(f.ctx, inv.ID, "zoe@support.example", "short"); !errors.Is(err, auth.ErrWeakPassword) {
		t.Fatalf("weak password: %v", err)
	}
	a, err := f.store.AcceptInvite(f.ctx, inv.ID, "Zoe@support.example", "a long enough secret")
	if err != nil || !a.HasPassword {
		t.Fatalf("AcceptInvite = %+v, %v", a, err)
	}
	if _, err := f.login("zoe@support.example", "a long enough secret", "10.0.0.1"); err != nil {
		t.Fatalf("sign in with the password the invitation set: %v", err)
	}
	if _, err := f.store.AcceptInvite(f.ctx, inv.ID, "zoe@support.example", "another fine secret"); !errors.Is(err, auth.ErrInviteUsed) {
		t.Fatalf("reused invitation: %v", err)
	}

	old, _ := f.store.CreateInvite(f.ctx, zoe.ID, 0, time.Hour)
	newer, _ := f.store.CreateInvite(f.ctx, zoe.ID, 0, time.Hour)
	if _, err := f.store.InviteByID(f.ctx, old.ID); !errors.Is(err, auth.ErrInviteExpired) {
		t.Fatalf("replaced invitation: %v", err)
	}
	if _, err := f.store.InviteByID(f.ctx, newer.ID); err != nil {
		t.Fatalf("newest invitation: %v", err)
	}
	f.clock.Add(time.Hour)
	if _, err := f.store.AcceptInvite(f.ctx, newer.ID, "zoe@support.example", "another fine secret"); !errors.Is(err, auth.ErrInviteExpired) {
		t.Fatalf("expired invitation: %v", err)
	}
	last, _ := f.store.CreateInvite(f.ctx, zoe.ID, 0, time.Hour)
	if err := f.store.DisableAgent(f.ctx, "zoe@support.example"); err != nil {
		t.Fatal(err)
	}
	if _, err := f.store.InviteByID(f.ctx, last.ID); !errors.Is(err, auth.ErrInviteDisabled) {
		t.Fatalf("invitation of a disabled agent: %v", err)
	}
	if _, err := f.store.CreateInvite(f.ctx, 9999, 0, time.Hour); !errors.Is(err, auth.ErrNotFound) {
		t.Fatalf("invite unknown agent: %v", err)
	}
}

func TestResetAgentClearsPassword(t *testing.T) {
	f := newFixture(t, nil)
	if _, err := f.store.CreateAgent(f.ctx, "zoe@support.example", "Zoe", "a long enough secret"); err != nil {
		t.Fatal(err)
	}
	if err := f.store.ResetAgent(f.ctx, "zoe@support.example"); err != nil {
		t.Fatal(err)
	}
	if _, err := f.login("zoe@support.example", "a long enough secret", "10.0.0.1"); !errors.Is(err, auth.ErrBadLogin) {
		t.Fatalf("sign in after reset: %v", err)
	}
}
