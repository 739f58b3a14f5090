package inbound_test

import (
	"encoding/base64"
	"errors"
	"strings"
	"testing"

	"inboxdesk/inbound"
	"inboxdesk/testenv/pgtest"
	"inboxdesk/ticket"
)

// mailWithFile is a customer mail with a text attachment.
func mailWithFile(from, msgID, subject, body, file string) string {
	return strings.Join([]string{
		"From: Ana Example <" + from + ">",
		"To: support@example.org",
		"Subject: " + subject,
		"Message-ID: <" + msgID + ">",
		"Date: Mon, 23 Nov 2026 10:00:00 +0000",
		"MIME-Version: 1.0",
		`Content-Type: multipart/mixed; boundary="B"`,
		"",
		"--B",
		"Content-Type: text/plain; charset=utf-8",
		"",
		body,
		"--B",
		`Content-Type: text/plain; name="notes.txt"`,
		`Content-Disposition: attachment; filename="notes.txt"`,
		"Content-Transfer-Encoding: base64",
		"",
		base64.StdEncoding.EncodeToString([]byte(file)),
		"--B--",
		"",
	}, "\r\n")
}

func TestEraseLeavesNothingAndReScanDoesNotBringMailBack(t *testing.T) {
	r := newRig(t)
	const addr, words = "Ana.Erase@example.org", "zebracrossing-7Q41"
	raws := []string{
		mailWithFile(addr, "e1@example.org", "Invoice "+words, "my body says "+words, "file says "+words),
		customerMail(addr, "e2@example.org", "Re: Invoice "+words, "more about "+words,
			"In-Reply-To: <e1@example.org>"),
		// An auto-reply that threads nowhere is held in quarantine, raw.
		customerMail(addr, "e3@example.org", "Out of office", "away; "+words, "Auto-Submitted: auto-replied"),
		customerMail("bob@example.org", "b1@example.org", "Bob's printer", "paper jam"),
	}
	for _, raw := range raws {
		r.append(raw)
	}
	// A webhook's queued payloads name the customer too.
	if _, err := r.pool.Exec(r.ctx, `INSERT INTO webhooks (url, events, secret)
		VALUES ('https://hooks.example.com/x', '{ticket.created,customer.replied}', 'whsec_AAAA')`); err != nil {
		t.Fatal(err)
	}
	p := r.poller(inbound.Options{})
	r.poll(p)
	var cust int64
	if err := r.pool.QueryRow(r.ctx, `SELECT id FROM customers WHERE email = lower($1)`, addr).Scan(&cust); err != nil {
		t.Fatal(err)
	}
	for sql, arg := range map[string]any{
		`INSERT INTO sessions (id_hash, role, customer_id, csrf_token, expires_at) VALUES ('\x01', 'customer', $1, 'c', now() + interval '1 day')`:  cust,
		`INSERT INTO push_subscriptions (customer_id, endpoint, p256dh, auth) VALUES ($1, 'https://push.example.net/x', 'k', 'a')`:                  cust,
		`INSERT INTO verification_codes (email, code_hash, browser_hash, expires_at) VALUES (lower($1), '\x02', '\x03', now() + interval '1 hour')`: addr,
		`INSERT INTO code_sends (email, ip) VALUES (lower($1), '192.0.2.1')`:                                                                        addr,
	} {
		if _, err := r.pool.Exec(r.ctx, sql, arg); err != nil {
			t.Fatalf("%s: %v", sql, err)
		}
	}
	for _, needle := range []string{addr, words} {
		if found := pgtest.TablesContaining(r.ctx, t, r.pool, needle); len(found) < 3 {
			t.Fatalf("before the erase the scan for %q should find messages, attachments and quarantine: %v", needle, found)
		}
	}
	n, err := r.store.EraseCustomer(r.ctx, strings.ToUpper(addr))
	if err != nil {
		t.Fatal(err)
	}
	if n.Tickets != 1 || n.Messages != 2 || n.Attachments != 1 || n.Quarantined != 1 || n.Alerts != 1 ||
		n.Subscriptions != 1 || n.Sessions != 1 || n.Codes != 2 || n.Webhooks != 2 {
		t.Fatalf("erased %+v", n)
	}
	for _, needle := range []string{addr, words, "Ana Example"} {
		if found := pgtest.TablesContaining(r.ctx, t, r.pool, needle); len(found) > 0 {
			t.Errorf("after the erase %q is still in %v", needle, found)
		}
	}
	if got := r.count(`SELECT count(*) FROM messages`); got != 3 {
		t.Errorf("messages = %d, want the 3 rows kept (counts stay)", got)
	}
	if got := r.count(`SELECT count(*) FROM messages WHERE body_text LIKE '%paper jam%'`); got != 1 {
		t.Errorf("another customer's mail was touched")
	}

	// The mailbox is re-scanned from the start: nothing erased comes back.
	if err := r.imap.RecreateMailbox("INBOX"); err != nil {
		t.Fatal(err)
	}
	for _, raw := range raws {
		r.append(raw)
	}
	st := r.poll(p)
	if st.Outcomes[ticket.OutcomeDuplicate] != len(raws) {
		t.Fatalf("re-scan outcomes %+v, want %d duplicates", st.Outcomes, len(raws))
	}
	for _, needle := range []string{addr, words} {
		if found := pgtest.TablesContaining(r.ctx, t, r.pool, needle); len(found) > 0 {
			t.Errorf("after the re-scan %q is back in %v", needle, found)
		}
	}
	if _, err := r.store.EraseCustomer(r.ctx, addr); !errors.Is(err, ticket.ErrNotFound) {
		t.Errorf("second erase: %v, want ErrNotFound", err)
	}
}
