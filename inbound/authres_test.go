package inbound_test

import (
	"strings"
	"testing"

	"inboxdesk/inbound"
	"inboxdesk/ticket"
)

// With --trusted-authserv-id, mail the operator's server found forged is held
// with the reason: a reply by Message-ID does not thread into the victim's
// ticket, a new mail opens no ticket, and the victim is sent nothing.
func TestForgedSenderIsHeldNeverThreaded(t *testing.T) {
	r := newRig(t)
	const mx = "mx.example.org"
	pass := "Authentication-Results: " + mx + "; spf=pass smtp.mailfrom=bank.example; dmarc=pass header.from=bank.example"
	r.append(customerMail("ana@bank.example", "first@bank.example", "Card blocked", "please unblock", pass))
	r.append(customerMail("ana@bank.example", "forged1@evil.example", "Re: Card blocked", "send the new card to 1 Evil Road",
		"In-Reply-To: <first@bank.example>",
		"Authentication-Results: "+mx+"; spf=fail smtp.mailfrom=bank.example; dmarc=fail header.from=bank.example"))
	r.append(customerMail("ana@bank.example", "forged2@evil.example", "Close my account", "now",
		"Authentication-Results: "+mx+"; dkim=fail header.d=bank.example; spf=fail smtp.mailfrom=bank.example"))
	r.append(customerMail("bob@other.example", "bob1@other.example", "Hello", "judged by another server only",
		"Authentication-Results: relay.other.example; dmarc=fail header.from=other.example"))
	st := r.poll(r.poller(inbound.Options{TrustedAuthservID: mx}))
	if st.Outcomes[ticket.OutcomeNewTicket] != 2 || st.Outcomes[ticket.OutcomeQuarantined] != 2 {
		t.Fatalf("outcomes %+v: want 2 tickets (ana's, bob's) and 2 held", st.Outcomes)
	}
	if got := r.count(`SELECT count(*) FROM messages WHERE message_id LIKE 'forged%'`); got != 0 {
		t.Fatalf("%d forged mails stored as messages", got)
	}
	held := r.count(`SELECT count(*) FROM quarantine WHERE reason LIKE $1 AND state = 'held'`, ticket.SenderAuthReason+"%")
	if held != 2 {
		t.Fatalf("%d mails held for sender authentication, want 2", held)
	}
	var reason string
	if err := r.pool.QueryRow(r.ctx, `SELECT reason FROM quarantine WHERE raw LIKE '%forged1%'::bytea`).Scan(&reason); err != nil ||
		!strings.Contains(reason, "dmarc=fail") {
		t.Fatalf("reason %q (%v), want the DMARC failure", reason, err)
	}
	if got := r.count(`SELECT count(*) FROM alerts WHERE recipient = 'ana@bank.example'`); got != 1 {
		t.Fatalf("ana got %d alerts, want 1 (her own ticket's acknowledgement)", got)
	}

	// Without the setting nothing is judged: the reply threads as before.
	r2 := newRig(t)
	r2.append(customerMail("ana@bank.example", "first@bank.example", "Card blocked", "please"))
	r2.append(customerMail("ana@bank.example", "forged1@evil.example", "Re: Card blocked", "x",
		"In-Reply-To: <first@bank.example>", "Authentication-Results: "+mx+"; dmarc=fail header.from=bank.example"))
	if st := r2.poll(r2.poller(inbound.Options{})); st.Outcomes[ticket.OutcomeThreaded] != 1 {
		t.Fatalf("without a trusted server: outcomes %+v", st.Outcomes)
	}
}
