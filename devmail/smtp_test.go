package devmail

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	netsmtp "net/smtp"
	"net/textproto"
	"strings"
	"sync"
	"testing"
	"time"
)

func TestSMTPCapturesMessage(t *testing.T) {
	s := startTestSMTP(t, SMTPOptions{})
	msg := testMessage("noreply@example.org", "carol@example.com", "Ticket [#1] updated")
	start := time.Now()
	to := []string{"carol@example.com", "dave@example.com"}
	if err := send(s.Addr(), "noreply@example.org", to, msg); err != nil {
		t.Fatal(err)
	}
	if err := s.Wait(waitCtx(t), 1); err != nil {
		t.Fatal(err)
	}
	got := s.Messages()
	if len(got) != 1 {
		t.Fatalf("captured %d messages, want 1", len(got))
	}
	c := got[0]
	if c.From != "noreply@example.org" || strings.Join(c.To, ",") != strings.Join(to, ",") {
		t.Fatalf("envelope %q -> %q", c.From, c.To)
	}
	if !bytes.Equal(c.Data, msg) {
		t.Fatalf("data:\n%s\nwant:\n%s", c.Data, msg)
	}
	if c.Received.Before(start) {
		t.Fatalf("Received %v is before the send started", c.Received)
	}
}

func TestSMTPResetForgetsMessages(t *testing.T) {
	s := startTestSMTP(t, SMTPOptions{})
	if err := send(s.Addr(), "a@example.org", []string{"b@example.com"}, testMessage("a@example.org", "b@example.com", "one")); err != nil {
		t.Fatal(err)
	}
	s.Reset()
	assertCaptured(t, s, 0)
	ctx, cancel := context.WithTimeout(t.Context(), 50*time.Millisecond)
	defer cancel()
	if err := s.Wait(ctx, 1); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("Wait after Reset = %v, want deadline exceeded", err)
	}
}

func TestSMTPWatchWakesOnNewMessage(t *testing.T) {
	s := startTestSMTP(t, SMTPOptions{})
	msgs, changed := s.Watch()
	if len(msgs) != 0 {
		t.Fatalf("%d messages before any was sent", len(msgs))
	}
	if err := send(s.Addr(), "a@example.org", []string{"b@example.com"}, testMessage("a@example.org", "b@example.com", "live")); err != nil {
		t.Fatal(err)
	}
	select {
	case <-changed:
	case <-waitCtx(t).Done():
		t.Fatal("Watch channel not closed after a message was captured")
	}
	if msgs, _ := s.Watch(); len(msgs) != 1 {
		t.Fatalf("%d messages after one send", len(msgs))
	}
}

func TestSMTPInboundGoesToInbox(t *testing.T) {
	imapSrv := startTestIMAP(t)
	s := startTestSMTP(t, SMTPOptions{InboundTo: []string{"support@example.org"}, Inbox: imapSrv})
	msg := testMessage("erin@example.com", "support@example.org", "Printer broken")
	to := []string{"Support@Example.org", "frank@example.com"}
	if err := send(s.Addr(), "erin@example.com", to, msg); err != nil {
		t.Fatal(err)
	}

	c := loginIMAP(t, imapSrv)
	selectInbox(t, c, 1)
	body := fetchBody(t, c, 1)
	if !bytes.HasPrefix(body, []byte("Return-Path: <erin@example.com>\r\n")) || !bytes.HasSuffix(body, msg) {
		t.Fatalf("delivered message:\n%s", body)
	}
	got := s.Messages()
	if len(got) != 1 || strings.Join(got[0].To, ",") != "frank@example.com" {
		t.Fatalf("captured %+v, want one message for frank only", got)
	}
}

func TestSMTPInboundOnlyIsNotCaptured(t *testing.T) {
	imapSrv := startTestIMAP(t)
	s := startTestSMTP(t, SMTPOptions{InboundTo: []string{"support@example.org"}, Inbox: imapSrv})
	if err := send(s.Addr(), "", []string{"support@example.org"}, testMessage("mailer-daemon@example.com", "support@example.org", "bounce")); err != nil {
		t.Fatal(err)
	}
	assertCaptured(t, s, 0)
	c := loginIMAP(t, imapSrv)
	selectInbox(t, c, 1)
	if body := fetchBody(t, c, 1); !bytes.HasPrefix(body, []byte("Return-Path: <>\r\n")) {
		t.Fatalf("bounce delivered without an empty Return-Path:\n%s", body)
	}
}

func TestSMTPInboundNeedsInbox(t *testing.T) {
	_, err := StartSMTP(t.Context(), "127.0.0.1:0", SMTPOptions{InboundTo: []string{"support@example.org"}}, nil)
	if err == nil {
		t.Fatal("StartSMTP with InboundTo and no Inbox succeeded")
	}
}

func TestSMTPAuth(t *testing.T) {
	s := startTestSMTP(t, SMTPOptions{Username: "app", Password: "pw"})
	msg := testMessage("noreply@example.org", "g@example.com", "auth")
	to := []string{"g@example.com"}
	tests := []struct {
		name     string
		auth     netsmtp.Auth
		wantCode int
	}{
		{"none", nil, 502},
		{"wrong password", netsmtp.PlainAuth("", "app", "nope", "127.0.0.1"), 535},
		{"right password", netsmtp.PlainAuth("", "app", "pw", "127.0.0.1"), 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := netsmtp.SendMail(s.Addr(), tt.auth, "noreply@example.org", to, msg)
			if code := replyCode(err); code != tt.wantCode {
				t.Fatalf("SendMail = %v, want code %d", err, tt.wantCode)
			}
		})
	}
	assertCaptured(t, s, 1)
}

func TestSMTPMaxMessageBytes(t *testing.T) {
	s := startTestSMTP(t, SMTPOptions{MaxMessageBytes: 1024})
	big := append(testMessage("a@example.org", "b@example.com", "big"), bytes.Repeat([]byte("xxxxxxxxxxxxxxx\r\n"), 200)...)
	err := send(s.Addr(), "a@example.org", []string{"b@example.com"}, big)
	if code := replyCode(err); code != 552 {
		t.Fatalf("oversized send = %v, want 552", err)
	}
	assertCaptured(t, s, 0)
}

func TestSMTPConcurrentSenders(t *testing.T) {
	s := startTestSMTP(t, SMTPOptions{})
	const senders, each = 8, 5
	var wg sync.WaitGroup
	errs := make(chan error, senders*each)
	for i := range senders {
		wg.Go(func() {
			for j := range each {
				to := fmt.Sprintf("user%d@example.com", i)
				msg := testMessage("noreply@example.org", to, fmt.Sprintf("m%d-%d", i, j))
				errs <- send(s.Addr(), "noreply@example.org", []string{to}, msg)
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	if err := s.Wait(waitCtx(t), senders*each); err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for _, m := range s.Messages() {
		seen[string(m.Data)] = true
	}
	if len(seen) != senders*each {
		t.Fatalf("%d distinct messages captured, want %d", len(seen), senders*each)
	}
}

func TestSMTPStopsWhenContextCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(t.Context())
	s, err := StartSMTP(ctx, "127.0.0.1:0", SMTPOptions{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	cancel()
	deadline := time.Now().Add(5 * time.Second)
	for send(s.Addr(), "a@example.org", []string{"b@example.com"}, []byte("Subject: x\r\n\r\nx\r\n")) == nil {
		if time.Now().After(deadline) {
			t.Fatal("server still accepts mail after the context was cancelled")
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// replyCode returns the SMTP reply code in err, 0 for nil, -1 for an error
// that carries no reply (a network error).
func replyCode(err error) int {
	if err == nil {
		return 0
	}
	var tpErr *textproto.Error
	if errors.As(err, &tpErr) {
		return tpErr.Code
	}
	return -1
}
