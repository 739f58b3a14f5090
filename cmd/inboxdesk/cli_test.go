package main

import (
	"bytes"
	"context"
	"regexp"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"

	"inboxdesk/testenv/pgtest"
)

// inboxdesk runs one command in-process and returns its output and exit code.
func inboxdesk(t *testing.T, args ...string) (string, int) {
	t.Helper()
	var out bytes.Buffer
	code := run(context.Background(), args, &out, &out)
	return out.String(), code
}

func TestMailboxCommandsNeverPrintThePassword(t *testing.T) {
	db := pgtest.NewURL(t)
	const secret = "Sup3rSecretPw"
	out, code := inboxdesk(t, "mailbox", "add", "--database-url", db, "--name", "support",
		"--url", "imaps://support%40example.com:"+secret+"@imap.example.com/INBOX", "--schedule", "@every 30s")
	if code != 0 || !strings.Contains(out, "added mailbox support") {
		t.Fatalf("mailbox add: %d %q", code, out)
	}
	list, code := inboxdesk(t, "mailbox", "list", "--database-url", db)
	if code != 0 || !strings.Contains(list, "support") || !strings.Contains(list, "@every 30s") {
		t.Fatalf("mailbox list: %d %q", code, list)
	}
	if strings.Contains(out+list, secret) {
		t.Fatalf("the password was printed:\n%s%s", out, list)
	}
	if out, code := inboxdesk(t, "mailbox", "add", "--database-url", db, "--name", "support",
		"--url", "imap://u:p@imap.example.com/INBOX"); code == 0 {
		t.Fatalf("a second mailbox with the same name was accepted: %q", out)
	}
	if out, code := inboxdesk(t, "mailbox", "add", "--database-url", db, "--name", "bad",
		"--url", "imap://u:p@imap.example.com/INBOX", "--schedule", "every now and then"); code == 0 ||
		!strings.Contains(out, "--schedule") {
		t.Fatalf("a bad schedule was accepted or not named: %d %q", code, out)
	}
	if _, code := inboxdesk(t, "mailbox", "remove", "--database-url", db, "--name", "support"); code != 0 {
		t.Fatal("mailbox remove failed")
	}
	if list, _ := inboxdesk(t, "mailbox", "list", "--database-url", db); strings.Contains(list, "support") {
		t.Fatalf("removed mailbox still listed:\n%s", list)
	}
}

func TestAgentCommands(t *testing.T) {
	db := pgtest.NewURL(t)
	out, code := inboxdesk(t, "agent", "add", "--database-url", db, "--email", "alex@example.com", "--name", "Alex")
	if code != 0 || !strings.Contains(out, "added agent Alex <alex@example.com>") {
		t.Fatalf("agent add: %d %q", code, out)
	}
	if !strings.Contains(out, "password (shown once): ") {
		t.Fatalf("agent add without a password on stdin should print a generated one once: %q", out)
	}
	// A password is shown only when an account has it.
	for _, args := range [][]string{
		{"agent", "add", "--database-url", db, "--email", "alex@example.com", "--name", "Alex again"},
		{"agent", "add", "--database-url", db, "--email", "not-an-address", "--name", "Nobody"},
		{"agent", "password", "--database-url", db, "--email", "nobody@example.com"},
	} {
		if out, code := inboxdesk(t, args...); code == 0 || strings.Contains(out, "password (shown once)") {
			t.Errorf("%v: exit %d, printed %q", args[1:2], code, out)
		}
	}
	if out, code := inboxdesk(t, "agent", "password", "--database-url", db, "--email", "alex@example.com"); code != 0 ||
		!strings.Contains(out, "password (shown once): ") {
		t.Fatalf("agent password: %d %q", code, out)
	}
	// Alex, the first agent, is the team's only admin: a second admin lets
	// them be disabled.
	if out, code := inboxdesk(t, "agent", "disable", "--database-url", db, "--email", "alex@example.com"); code == 0 ||
		!strings.Contains(out, "at least one enabled admin") {
		t.Fatalf("disable the only admin: %d %q", code, out)
	}
	if out, code := inboxdesk(t, "agent", "add", "--database-url", db, "--email", "lee@example.com", "--name", "Lee",
		"--role", "admin"); code != 0 || !strings.Contains(out, "(admin)") {
		t.Fatalf("agent add --role admin: %d %q", code, out)
	}
	if _, code := inboxdesk(t, "agent", "disable", "--database-url", db, "--email", "alex@example.com"); code != 0 {
		t.Fatal("agent disable failed")
	}
	list, _ := inboxdesk(t, "agent", "list", "--database-url", db)
	if !strings.Contains(list, "alex@example.com") || !strings.Contains(list, "disabled") {
		t.Fatalf("agent list:\n%s", list)
	}
	if out, code := inboxdesk(t, "agent", "enable", "--database-url", db, "--email", "alex@example.com"); code != 0 {
		t.Fatalf("agent enable: %d %q", code, out)
	}
	if list, _ := inboxdesk(t, "agent", "list", "--database-url", db); strings.Contains(list, "disabled") {
		t.Fatalf("enabled agent still listed disabled:\n%s", list)
	}
}

func TestAgentRoleCommands(t *testing.T) {
	db := pgtest.NewURL(t)
	if out, code := inboxdesk(t, "agent", "add", "--database-url", db, "--email", "alex@example.com", "--name", "Alex"); code != 0 ||
		!strings.Contains(out, "(admin)") {
		t.Fatalf("first agent: %d %q; want admin", code, out)
	}
	if out, code := inboxdesk(t, "agent", "add", "--database-url", db, "--email", "sam@example.com", "--name", "Sam"); code != 0 ||
		!strings.Contains(out, "(agent)") {
		t.Fatalf("second agent: %d %q; want agent", code, out)
	}
	if out, code := inboxdesk(t, "agent", "add", "--database-url", db, "--email", "kim@example.com", "--name", "Kim",
		"--role", "owner"); code == 0 || !strings.Contains(out, "admin or agent") {
		t.Fatalf("bad role: %d %q", code, out)
	}
	if out, code := inboxdesk(t, "agent", "role", "--database-url", db, "--email", "alex@example.com", "--role", "agent"); code == 0 ||
		!strings.Contains(out, "at least one enabled admin") {
		t.Fatalf("demote the only admin: %d %q", code, out)
	}
	if out, code := inboxdesk(t, "agent", "role", "--database-url", db, "--email", "sam@example.com", "--role", "admin"); code != 0 {
		t.Fatalf("agent role: %d %q", code, out)
	}
	list, _ := inboxdesk(t, "agent", "list", "--database-url", db)
	if !regexp.MustCompile(`sam@example.com\s+Sam\s+admin`).MatchString(list) {
		t.Fatalf("agent list after role change:\n%s", list)
	}
}

func TestHelpAndVersion(t *testing.T) {
	out, code := inboxdesk(t, "--help")
	for _, c := range commands() {
		if !strings.Contains(out, c.name) {
			t.Errorf("--help does not list %s", c.name)
		}
	}
	if code != 0 {
		t.Fatalf("--help exit %d", code)
	}
	if out, code := inboxdesk(t, "serve", "--help"); code != 0 || !strings.Contains(out, "INBOXDESK_LINK_KEYS") {
		t.Fatalf("serve --help: %d %q", code, out)
	}
	if out, code := inboxdesk(t, "version"); code != 0 || !strings.HasPrefix(out, "inboxdesk ") {
		t.Fatalf("version: %d %q", code, out)
	}
	if out, code := inboxdesk(t, "vapid-keys"); code != 0 || !strings.Contains(out, "INBOXDESK_VAPID_PUBLIC_KEY=B") ||
		!strings.Contains(out, "INBOXDESK_VAPID_PRIVATE_KEY=") {
		t.Fatalf("vapid-keys: %d %q", code, out)
	}
	if _, code := inboxdesk(t, "frobnicate"); code != 2 {
		t.Fatalf("unknown command exit %d, want 2", code)
	}
}

func TestDemoDatabaseIsItsOwn(t *testing.T) {
	ctx := context.Background()
	admin := pgtest.AdminURL()
	name := "inboxdesk_demo_test_" + strings.ToLower(strings.ReplaceAll(t.Name(), "/", "_"))
	t.Cleanup(func() {
		if conn, err := pgx.Connect(ctx, admin); err == nil {
			_, _ = conn.Exec(ctx, "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)")
			conn.Close(ctx)
		}
	})
	for _, reset := range []bool{false, false, true} { // create, reuse, recreate
		url, err := demoDatabase(ctx, admin, name, reset)
		if err != nil {
			t.Fatal(err)
		}
		conn, err := pgx.Connect(ctx, url)
		if err != nil {
			t.Fatalf("connect to %s: %v", name, err)
		}
		var got string
		err = conn.QueryRow(ctx, "SELECT current_database()").Scan(&got)
		conn.Close(ctx)
		if err != nil || got != name {
			t.Fatalf("demo database is %q (%v), want %q", got, err, name)
		}
	}
	if _, err := demoDatabase(ctx, admin, "Robert'); DROP TABLE x;--", false); err == nil {
		t.Fatal("a database name that is not a plain identifier was accepted")
	}
}

func TestMailboxUpdateKeepsOrRestartsTheCheckpoint(t *testing.T) {
	ctx := context.Background()
	db := pgtest.NewURL(t)
	if _, code := inboxdesk(t, "mailbox", "add", "--database-url", db, "--name", "support",
		"--url", "imaps://support:OldSecret1@imap.example.com/INBOX"); code != 0 {
		t.Fatal("mailbox add failed")
	}
	conn, err := pgx.Connect(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	checkpoint := func() (uv, last int64) {
		if err := conn.QueryRow(ctx, `SELECT uidvalidity, last_uid FROM mailboxes WHERE name = 'support'`).
			Scan(&uv, &last); err != nil {
			t.Fatal(err)
		}
		return uv, last
	}
	if _, err := conn.Exec(ctx, `UPDATE mailboxes SET uidvalidity = 7, last_uid = 50`); err != nil {
		t.Fatal(err)
	}
	out, code := inboxdesk(t, "mailbox", "update", "--database-url", db, "--name", "support",
		"--url", "imaps://support:NewSecret2@imap.example.com/INBOX")
	if code != 0 || strings.Contains(out, "NewSecret2") || strings.Contains(out, "scanned from the start") {
		t.Fatalf("password change: %d %q", code, out)
	}
	if uv, last := checkpoint(); uv != 7 || last != 50 {
		t.Fatalf("a new password moved the checkpoint to (%d, %d)", uv, last)
	}
	if out, code = inboxdesk(t, "mailbox", "update", "--database-url", db, "--name", "support", "--schedule", "@every 5m"); code != 0 {
		t.Fatalf("schedule change: %q", out)
	}
	list, _ := inboxdesk(t, "mailbox", "list", "--database-url", db)
	if !strings.Contains(list, "@every 5m") || !strings.Contains(list, "imap.example.com") {
		t.Fatalf("list after updates:\n%s", list)
	}
	out, code = inboxdesk(t, "mailbox", "update", "--database-url", db, "--name", "support",
		"--url", "imaps://support:NewSecret2@mail.example.net/INBOX")
	if code != 0 || !strings.Contains(out, "scanned from the start") {
		t.Fatalf("server change: %d %q", code, out)
	}
	if uv, last := checkpoint(); uv != 0 || last != 0 {
		t.Fatalf("another server kept the old checkpoint (%d, %d): its mail below UID %d would be skipped", uv, last, last)
	}
	if _, code := inboxdesk(t, "mailbox", "update", "--database-url", db, "--name", "nope", "--schedule", "@every 5m"); code == 0 {
		t.Fatal("updating an unknown mailbox succeeded")
	}
	if _, code := inboxdesk(t, "mailbox", "update", "--database-url", db, "--name", "support", "--schedule", "@every 1ms"); code == 0 {
		t.Fatal("a bad schedule was accepted")
	}
}
