package main

import (
	"strings"
	"testing"

	"inboxdesk/testenv/pgtest"
)

func TestWebhookCommands(t *testing.T) {
	db := pgtest.NewURL(t)
	out, code := inboxdesk(t, "webhook", "add", "--database-url", db, "--url", "https://127.0.0.1/hook", "--events", "ticket.created")
	if code == 0 || strings.Contains(out, "whsec_") {
		t.Fatalf("a loopback target was accepted: %q", out)
	}
	out, code = inboxdesk(t, "webhook", "add", "--database-url", db, "--url", "https://hooks.example.com/in",
		"--events", "ticket.created, agent.replied")
	if code != 0 || !strings.Contains(out, "signing secret (shown once): whsec_") {
		t.Fatalf("add: %d %q", code, out)
	}
	secret := strings.TrimSpace(out[strings.Index(out, "whsec_"):])
	list, code := inboxdesk(t, "webhook", "list", "--database-url", db)
	if code != 0 || !strings.Contains(list, "https://hooks.example.com/in") || !strings.Contains(list, "ticket.created,agent.replied") ||
		strings.Contains(list, secret) {
		t.Fatalf("list: %d %q", code, list)
	}
	if out, code := inboxdesk(t, "webhook", "add", "--database-url", db, "--url", "http://127.0.0.1:9/x",
		"--events", "ticket.created", "--allow-private"); code != 0 {
		t.Fatalf("allowed private target refused: %q", out)
	}
	if out, code := inboxdesk(t, "webhook", "deliveries", "--database-url", db, "--id", "1"); code != 0 || !strings.Contains(out, "STATE") {
		t.Fatalf("deliveries: %d %q", code, out)
	}
	if _, code := inboxdesk(t, "webhook", "remove", "--database-url", db, "--id", "1"); code != 0 {
		t.Fatal("remove failed")
	}
	if list, _ := inboxdesk(t, "webhook", "list", "--database-url", db); strings.Contains(list, "hooks.example.com") {
		t.Fatalf("removed webhook listed: %q", list)
	}
}
