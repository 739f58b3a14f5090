package auth_test

import (
	"errors"
	"testing"
	"time"

	"inboxdesk/auth"
)

func TestAgentAccounts(t *testing.T) {
	f := newFixture(t, nil)
	a, err := f.store.CreateAgent(f.ctx, "Zoe@Support.example", "Zoe", "")
	if err != nil || a.Email != "zoe@support.example" || a.HasPassword {
		t.Fatalf("CreateAgent = %+v, %v", a, err)
	}
	if _, err := f.store.CreateAgent(f.ctx, "zoe@support.example", "Zoe 2", ""); !errors.Is(err, auth.ErrAgentExists) {
		t.Fatalf("duplicate: %v", err)
	}
	if _, err := f.store.CreateAgent(f.ctx, "max@support.example", "Max", "short"); !errors.Is(err, auth.ErrWeakPassword) {
		t.Fatalf("short password: %v", err)
	}
	if _, err := f.login("zoe@support.example", "", "10.0.0.1"); !errors.Is(err, auth.ErrBadLogin) {
		t.Fatalf("login without a password set: %v", err)
	}
	if err := f.store.SetPassword(f.ctx, "ZOE@support.example", "a long enough secret"); err != nil {
		t.Fatal(err)
	}
	got, err := f.login(" Zoe@support.example", "a long enough secret", "10.0.0.1")
	if err != nil || got.ID != a.ID || !got.HasPassword {
		t.Fatalf("AgentLogin = %+v, %v", got, err)
	}
	sess, err := f.store.CreateSession(f.ctx, auth.RoleAgent, a.ID)
	if err != nil || sess.Role != auth.RoleAgent || sess.Email != "zoe@support.example" {
		t.Fatalf("agent session = %+v, %v", sess, err)
	}
	if _, err := f.store.CreateAgent(f.ctx, "amy@support.example", "Amy", "another fine secret"); err != nil {
		t.Fatal(err)
	}
	if err := f.store.DisableAgent(f.ctx, "zoe@support.example"); err != nil {
		t.Fatal(err)
	}
	if _, err := f.store.SessionByID(f.ctx, sess.ID); !errors.Is(err, auth.ErrNotFound) {
		t.Fatalf("session of a disabled agent: %v", err)
	}
	if _, err := f.login("zoe@support.example", "a long enough secret", "10.0.0.1"); !errors.Is(err, auth.ErrBadLogin) {
		t.Fatalf("disabled agent signs in: %v", err)
	}
	list, err := f.store.ListAgents(f.ctx)
	if err != nil || len(list) != 2 || list[0].Email != "amy@support.example" || !list[1].Disabled {
		t.Fatalf("ListAgents = %+v, %v", list, err)
	}
	if err := f.store.DisableAgent(f.ctx, "nobody@support.example"); !errors.Is(err, auth.ErrNotFound) {
		t.Fatalf("disable unknown: %v", err)
	}
	// A disabled agent can be let in again.
	if err := f.store.EnableAgent(f.ctx, "Zoe@support.example"); err != nil {
		t.Fatal(err)
	}
	if got, err := f.login("zoe@support.example", "a long enough secret", "10.0.0.2"); err != nil || got.ID != a.ID {
		t.Fatalf("enabled agent signs in: %+v, %v", got, err)
	}
	if err := f.store.EnableAgent(f.ctx, "nobody@support.example"); !errors.Is(err, auth.ErrNotFound) {
		t.Fatalf("enable unknown: %v", err)
	}
}

func TestAgentLoginSlowsTheFailingClientOnly(t *testing.T) {
	f := newFixture(t, nil)
	if _, err := f.store.CreateAgent(f.ctx, "zoe@support.example", "Zoe", "a long enough secret"); err != nil {
		t.Fatal(err)
	}
	for i := range 5 {
		if _, err := f.login("zoe@support.example", "guess", "10.0.0.1"); !errors.Is(err, auth.ErrBadLogin) {
			t.Fatalf("guess %d: %v", i+1, err)
		}
	}
	_, err := f.login("zoe@support.example", "a long enough secret", "10.0.0.1")
	var slow *auth.LoginDelayError
	if !errors.As(err, &slow) || slow.Wait != time.Second || !errors.Is(err, auth.ErrTooManyLogins) {
		t.Fatalf("right password from the failing client at once: %v, want a one-second LoginDelayError", err)
	}
	if _, err := f.login("zoe@support.example", "a long enough secret", "10.0.0.2"); err != nil {
		t.Fatalf("right password from another client: %v", err)
	}
	f.clock.Add(time.Second)
	if _, err := f.login("zoe@support.example", "a long enough secret", "10.0.0.1"); err != nil {
		t.Fatalf("after the delay: %v", err)
	}
}

func TestAgentLoginRateLimitPerIP(t *testing.T) {
	f := newFixture(t, func(c *auth.Config) { c.LoginFailuresPerIP = 3 })
	for i := range 3 {
		_, _ = f.login(string(rune('a'+i))+"@support.example", "guess", "10.0.0.1")
	}
	if _, err := f.login("x@support.example", "guess", "10.0.0.1"); !errors.Is(err, auth.ErrTooManyLogins) {
		t.Fatalf("fourth failure from one client: %v", err)
	}
}
