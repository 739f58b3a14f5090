package mailparse

import (
	"slices"
	"strings"
	"testing"
	"time"
)

func TestDeliveryStatusNotification(t *testing.T) {
	in := fixture(t, "dsn-bounce.eml")
	if in.AutoSubmitted != "delivery status notification" {
		t.Errorf("AutoSubmitted = %q", in.AutoSubmitted)
	}
	b := in.Bounce
	if b == nil {
		t.Fatal("Bounce = nil")
	}
	if want := []string{"alert-77.1@inboxdesk.example.org"}; !slices.Equal(b.OriginalMessageIDs, want) {
		t.Errorf("OriginalMessageIDs = %q, want %q", b.OriginalMessageIDs, want)
	}
	if b.Recipient != "gone@example.com" || b.Status != "5.1.1" {
		t.Errorf("Recipient = %q, Status = %q; want the failed recipient, not the delivered one", b.Recipient, b.Status)
	}
	if b.Diagnostic != "550 5.1.1 <gone@example.com>: Recipient address rejected: User unknown" {
		t.Errorf("Diagnostic = %q", b.Diagnostic)
	}
	if !strings.Contains(in.Text, "could not\nbe delivered") {
		t.Errorf("Text = %q, want the human-readable part", in.Text)
	}
}

// TestDSNWithFullOriginal: many MTAs return the whole message, as
// message/rfc822, and give no Original-Envelope-Id.
func TestDSNWithFullOriginal(t *testing.T) {
	in := mustParse(t, rawMail(
		"From: postmaster@mx.example.net",
		"Content-Type: multipart/report; report-type=\"Delivery-Status\"; boundary=r",
		"",
		"--r",
		"Content-Type: text/plain",
		"",
		"Delivery failed.",
		"--r",
		"Content-Type: message/delivery-status",
		"",
		"Reporting-MTA: dns; mx.example.net",
		"",
		"Final-Recipient: rfc822; someone@example.com",
		"Action: failed",
		"Status: 5.2.2 (mailbox full)",
		"",
		"--r",
		"Content-Type: message/rfc822",
		"",
		"Message-ID: <alert-9@inboxdesk.example.org>",
		"Subject: update",
		"",
		"body",
		"--r--",
	))
	if in.Bounce == nil {
		t.Fatal("Bounce = nil")
	}
	if want := []string{"alert-9@inboxdesk.example.org"}; !slices.Equal(in.Bounce.OriginalMessageIDs, want) {
		t.Errorf("OriginalMessageIDs = %q", in.Bounce.OriginalMessageIDs)
	}
	if in.Bounce.Status != "5.2.2" || in.Bounce.Recipient != "someone@example.com" {
		t.Errorf("Bounce = %+v", in.Bounce)
	}
}

// TestDelayWarningIsNoBounce: "Action: delayed" (the MTA keeps trying) or a
// success notice must not mark the alert bounced; it stays machine mail.
func TestDelayWarningIsNoBounce(t *testing.T) {
	for _, action := range []string{"delayed", "Delivered", "relayed", "expanded"} {
		in := mustParse(t, rawMail(
			"From: MAILER-DAEMON@mx.example.net",
			"Content-Type: multipart/report; report-type=delivery-status; boundary=r",
			"",
			"--r",
			"Content-Type: text/plain",
			"",
			"This is a warning only; we will keep trying.",
			"--r",
			"Content-Type: message/delivery-status",
			"",
			"Reporting-MTA: dns; mx.example.net",
			"",
			"Final-Recipient: rfc822; slow@example.com",
			"Action: "+action,
			"Status: 4.4.1",
			"",
			"--r",
			"Content-Type: text/rfc822-headers",
			"",
			"Message-ID: <alert-9@inboxdesk.example.org>",
			"",
			"--r--",
		))
		if in.Bounce != nil {
			t.Errorf("Action %s: Bounce = %+v, want nil", action, in.Bounce)
		}
		if in.AutoSubmitted == "" {
			t.Errorf("Action %s: not machine mail", action)
		}
	}
	// A report on a delayed and a failed recipient is a bounce for the failed one.
	in := mustParse(t, rawMail(
		"From: MAILER-DAEMON@mx.example.net",
		"Content-Type: multipart/report; report-type=delivery-status; boundary=r",
		"",
		"--r",
		"Content-Type: message/delivery-status",
		"",
		"Final-Recipient: rfc822; slow@example.com",
		"Action: delayed",
		"Status: 4.4.1",
		"",
		"Final-Recipient: rfc822; gone@example.com",
		"Action: failed",
		"Status: 5.1.1",
		"",
		"--r--",
	))
	if in.Bounce == nil || in.Bounce.Recipient != "gone@example.com" {
		t.Errorf("Bounce = %+v, want the failed recipient", in.Bounce)
	}
}

func TestNoBounceForOtherReports(t *testing.T) {
	in := mustParse(t, rawMail(
		"From: a@example.com",
		"Content-Type: multipart/report; report-type=disposition-notification; boundary=r",
		"",
		"--r",
		"Content-Type: message/disposition-notification",
		"",
		"Disposition: manual-action/MDN-sent-manually; displayed",
		"--r--",
	))
	if in.Bounce != nil {
		t.Errorf("Bounce = %+v, want nil for a read receipt", in.Bounce)
	}
}

// TestHugeDeliveryStatusIsFast: a report made of millions of tiny blocks or
// blank lines must stay linear.
func TestHugeDeliveryStatusIsFast(t *testing.T) {
	for _, filler := range []string{"X-A: b\r\n\r\n", "\r\n", "junk line\r\n"} {
		body := strings.Repeat(filler, (8<<20)/len(filler))
		raw := rawMail(
			"From: mailer-daemon@x",
			"Content-Type: multipart/report; report-type=delivery-status; boundary=r",
			"",
			"--r",
			"Content-Type: message/delivery-status",
			"",
			body+"Final-Recipient: rfc822; late@example.com",
			"--r--",
		)
		start := time.Now()
		in := mustParse(t, raw)
		if d := time.Since(start); d > 2*time.Second {
			t.Errorf("filler %q: Parse took %v", filler, d)
		}
		if in.Bounce == nil {
			t.Errorf("filler %q: no Bounce", filler)
		}
	}
}
