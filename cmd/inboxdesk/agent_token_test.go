package main

import (
	"strings"
	"testing"

	"inboxdesk/testenv/pgtest"
)

func TestAgentTokenCommands(t *testing.T) {
	db := pgtest.NewURL(t)
	if _, code := inboxdesk(t, "agent", "add", "--database-url", db, "--email", "alex@example.com", "--name", "Alex"); code != 0 {
		t.Fatal("agent add failed")
	}
	out, code := inboxdesk(t, "agent", "token", "create", "--database-url", db, "--email", "alex@example.com",
		"--name", "crm sync", "--scope", "write")
	if code != 0 || !strings.Contains(out, "token (shown once): idk_") {
		t.Fatalf("token create: %d %q", code, out)
	}
	secret := strings.TrimSpace(out[strings.Index(out, "idk_"):])
	list, code := inboxdesk(t, "agent", "token", "list", "--database-url", db)
	if code != 0 || !strings.Contains(list, "crm sync") || !strings.Contains(list, "write") || strings.Contains(list, secret) {
		t.Fatalf("token list: %d %q", code, list)
	}
	if out, code := inboxdesk(t, "agent", "token", "create", "--database-url", db, "--email", "alex@example.com",
		"--name", "x", "--scope", "admin"); code == 0 || strings.Contains(out, "idk_") {
		t.Fatalf("a bad scope was accepted: %q", out)
	}
	if out, code := inboxdesk(t, "agent", "token", "revoke", "--database-url", db, "--id", "1"); code != 0 {
		t.Fatalf("revoke: %q", out)
	}
	if out, code := inboxdesk(t, "agent", "token", "revoke", "--database-url", db, "--id", "1"); code == 0 {
		t.Fatalf("second revoke succeeded: %q", out)
	}
}
