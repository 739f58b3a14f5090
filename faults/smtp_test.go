package faults_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/emersion/go-smtp"

	"inboxdesk/devmail"
	"inboxdesk/inbound"
)

// TestFaultSMTPTemporaryFailures has the SMTP server answer 421 (closing
// the connection) to 40 MAIL commands and 451 to 40 messages' data while
// the alerts of 300 new tickets go out: each alert arrives exactly once.
func TestFaultSMTPTemporaryFailures(t *testing.T) {
	enabled(t)
	const n, failures = 300, 40
	r := newRig(t, pgtestURL(t))
	r.dc.AppendMany(t, "INBOX", supportMails("smtp", 0, n))
	p := inbound.NewPoller(r.store, quiet(), inbound.Options{})
	defer p.Close()
	r.pollUntilDone(p)
	r.smtp.FailNext(devmail.StageMail, failures, &smtp.SMTPError{Code: 421, EnhancedCode: smtp.EnhancedCode{4, 3, 2}, Message: "going down"})
	r.smtp.FailNext(devmail.StageData, failures, &smtp.SMTPError{Code: 451, EnhancedCode: smtp.EnhancedCode{4, 3, 0}, Message: "try later"})
	sender, err := newSender(r.store, r.smtp.Addr(), r.keyStr, time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	r.sendUntilDone(sender)
	r.checkMail("smtp", n)
	if resent := r.checkAlerts(); resent != 0 {
		t.Errorf("%d alerts arrived twice; a 421 or 451 means the server did not take the message", resent)
	}
	if retried := r.count(`SELECT coalesce(sum(tries - 1), 0) FROM alerts`); retried != 2*failures {
		t.Errorf("%d retries, want one per injected failure (%d)", retried, 2*failures)
	}
	t.Logf("%d alerts through %d temporary failures in %s", r.count(`SELECT count(*) FROM alerts`), 2*failures,
		fmt.Sprint(time.Since(start).Round(time.Millisecond)))
}
