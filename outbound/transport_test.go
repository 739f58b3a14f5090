package outbound

import (
	"context"
	"crypto/tls"
	"errors"
	"io"
	"net"
	"strings"
	"testing"
	"time"

	"inboxdesk/delivery"
)

func smtpURL(s *sink, query string) string {
	return "smtp://" + s.addr + query
}

func newTestTransport(t testing.TB, rawURL string, opts TransportOptions) *Transport {
	t.Helper()
	tr, err := NewTransport(rawURL, opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = tr.Close() })
	return tr
}

var testRaw = []byte("From: a@example.com\r\nTo: b@example.org\r\nSubject: x\r\n\r\n.leading dot\r\nbody\r\n")

func TestTransportSendsTheBytesAsGiven(t *testing.T) {
	s := newSink(t)
	tr := newTestTransport(t, smtpURL(s, "?starttls=none"), TransportOptions{})
	if err := tr.Send(context.Background(), "no-reply@example.com", []string{"b@example.org"}, testRaw); err != nil {
		t.Fatal(err)
	}
	msgs := s.messages()
	if len(msgs) != 1 || msgs[0].From != "no-reply@example.com" || len(msgs[0].To) != 1 || msgs[0].To[0] != "b@example.org" {
		t.Fatalf("sink got %+v", msgs)
	}
	if string(msgs[0].Data) != string(testRaw) {
		t.Fatalf("data changed in transit:\n%q\nwant\n%q", msgs[0].Data, testRaw)
	}
}

func TestTransportReusesOneConnection(t *testing.T) {
	s := newSink(t)
	tr := newTestTransport(t, smtpURL(s, "?starttls=none"), TransportOptions{})
	s.failNext("rcpt", errNoSuchUser, 1) // a refusal keeps the connection (RSET)
	s.failNext("rcpt", errTempBusy, 1)
	for i := range 7 {
		err := tr.Send(context.Background(), "no-reply@example.com", []string{"b@example.org"}, testRaw)
		if (err != nil) != (i < 2) {
			t.Fatalf("send %d: %v", i, err)
		}
	}
	if got := len(s.messages()); got != 5 {
		t.Errorf("delivered %d, want 5", got)
	}
	if got := s.connections(); got != 1 {
		t.Errorf("%d connections for 7 messages, want 1", got)
	}
}

func TestTransportRedialsAfterHangUp(t *testing.T) {
	s := newSink(t)
	tr := newTestTransport(t, smtpURL(s, "?starttls=none"), TransportOptions{})
	ctx := context.Background()
	if err := tr.Send(ctx, "no-reply@example.com", []string{"b@example.org"}, testRaw); err != nil {
		t.Fatal(err)
	}
	s.hangUp()
	time.Sleep(20 * time.Millisecond)
	if err := tr.Send(ctx, "no-reply@example.com", []string{"b@example.org"}, testRaw); err != nil {
		t.Fatalf("send after hang-up: %v", err)
	}
	if len(s.messages()) != 2 || s.connections() != 2 {
		t.Errorf("%d messages over %d connections, want 2 over 2", len(s.messages()), s.connections())
	}
}

func TestTransportReplacesIdleConnection(t *testing.T) {
	s := newSink(t)
	tr := newTestTransport(t, smtpURL(s, "?starttls=none"), TransportOptions{MaxIdle: 10 * time.Millisecond})
	for range 2 {
		if err := tr.Send(context.Background(), "no-reply@example.com", []string{"b@example.org"}, testRaw); err != nil {
			t.Fatal(err)
		}
		time.Sleep(30 * time.Millisecond)
	}
	if s.connections() != 2 {
		t.Errorf("%d connections, want a fresh one after the idle limit", s.connections())
	}
}

func TestTransportClassifiesReplies(t *testing.T) {
	tests := []struct {
		stage     string
		err       error
		permanent bool
		answer    string
	}{
		{"rcpt", errNoSuchUser, true, "550 5.1.1 no such user"},
		{"rcpt", errTempBusy, false, "451 4.3.0 try again later"},
		{"mail", errTempBusy, false, "451 4.3.0 try again later"},
		{"data", errNoSuchUser, true, "550 5.1.1 no such user"},
		{"mail", errAuthRequired, false, "530 5.7.0 Authentication required"},
		{"mail", errNoSuchUser, false, "550 5.1.1 no such user"}, // our sender: configuration
	}
	for _, tt := range tests {
		s := newSink(t)
		tr := newTestTransport(t, smtpURL(s, "?starttls=none"), TransportOptions{})
		s.failNext(tt.stage, tt.err, 1)
		err := tr.Send(context.Background(), "no-reply@example.com", []string{"b@example.org"}, testRaw)
		if err == nil || delivery.IsPermanent(err) != tt.permanent || delivery.Answer(err) != tt.answer {
			t.Errorf("%s %v: err %v, permanent %v, answer %q; want permanent %v, %q",
				tt.stage, tt.err, err, delivery.IsPermanent(err), delivery.Answer(err), tt.permanent, tt.answer)
		}
	}
}

func TestTransportDialFailureIsTemporary(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	_ = l.Close()
	tr := newTestTransport(t, "smtp://"+addr, TransportOptions{Timeout: time.Second})
	err = tr.Send(context.Background(), "no-reply@example.com", []string{"b@example.org"}, testRaw)
	if err == nil || delivery.IsPermanent(err) {
		t.Fatalf("err = %v, want a temporary error", err)
	}
}

func TestTransportAuth(t *testing.T) {
	s := newSink(t, withAuth("desk", "s3cret/+:@"))
	good := "smtp://desk:s3cret%2F+%3A%40@" + s.addr + "?starttls=none"
	if err := newTestTransport(t, good, TransportOptions{}).Send(context.Background(), "no-reply@example.com", []string{"b@example.org"}, testRaw); err != nil {
		t.Fatalf("with the right password: %v", err)
	}
	for _, bad := range []string{"smtp://desk:wrong@" + s.addr + "?starttls=none", smtpURL(s, "?starttls=none")} {
		err := newTestTransport(t, bad, TransportOptions{}).Send(context.Background(), "no-reply@example.com", []string{"b@example.org"}, testRaw)
		if err == nil || delivery.IsPermanent(err) {
			t.Errorf("%s: err = %v, want a temporary error (a login problem is not the message's fault)", bad, err)
		}
		if err != nil && strings.Contains(err.Error(), "wrong") {
			t.Errorf("error %q shows the password", err)
		}
	}
	if len(s.messages()) != 1 {
		t.Errorf("delivered %d, want 1", len(s.messages()))
	}
}

func TestTransportTLS(t *testing.T) {
	var implicitCfg, starttlsCfg *tls.Config
	implicit := newSink(t, withTLS(t, true, &implicitCfg), withAuth("desk", "pw"))
	starttls := newSink(t, withTLS(t, false, &starttlsCfg), withAuth("desk", "pw"))
	plain := newSink(t)
	tests := []struct {
		name, url string
		cfg       *tls.Config
		ok        bool
	}{
		{"smtps", "smtps://desk:pw@" + implicit.addr, implicitCfg, true},
		{"smtps untrusted", "smtps://desk:pw@" + implicit.addr, nil, false},
		{"starttls required", "smtp://desk:pw@" + starttls.addr + "?starttls=required", starttlsCfg, true},
		{"starttls opportunistic", "smtp://desk:pw@" + starttls.addr, starttlsCfg, true},
		{"starttls required, none offered", smtpURL(plain, "?starttls=required"), nil, false},
		{"opportunistic, none offered", smtpURL(plain, ""), nil, true},
	}
	for _, tt := range tests {
		tr := newTestTransport(t, tt.url, TransportOptions{TLSConfig: tt.cfg, Timeout: 2 * time.Second})
		err := tr.Send(context.Background(), "no-reply@example.com", []string{"b@example.org"}, testRaw)
		if (err == nil) != tt.ok {
			t.Errorf("%s: err = %v, want ok %v", tt.name, err, tt.ok)
		}
		if err != nil && delivery.IsPermanent(err) {
			t.Errorf("%s: TLS failure classified permanent: %v", tt.name, err)
		}
	}
}

func TestTransportHonoursContext(t *testing.T) {
	s := newSink(t)
	s.stall = make(chan struct{})
	defer close(s.stall)
	tr := newTestTransport(t, smtpURL(s, "?starttls=none"), TransportOptions{Timeout: 10 * time.Second})
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	start := time.Now()
	err := tr.Send(ctx, "no-reply@example.com", []string{"b@example.org"}, testRaw)
	if !errors.Is(err, context.DeadlineExceeded) || delivery.IsPermanent(err) {
		t.Fatalf("err = %v, want a temporary context.DeadlineExceeded", err)
	}
	if d := time.Since(start); d > 2*time.Second {
		t.Errorf("Send took %v after its context ended", d)
	}
}

// A relay that accepts the connection and never greets is cut off when the
// context ends, not after the transport's timeout.
func TestTransportHonoursContextBeforeTheGreeting(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	go func() {
		c, err := ln.Accept()
		if err == nil {
			defer c.Close()
			_, _ = io.Copy(io.Discard, c) // never answers
		}
	}()
	tr := newTestTransport(t, "smtp://"+ln.Addr().String()+"?starttls=none", TransportOptions{Timeout: 30 * time.Second})
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	start := time.Now()
	if err := tr.Send(ctx, "no-reply@example.com", []string{"b@example.org"}, testRaw); err == nil || delivery.IsPermanent(err) {
		t.Fatalf("err = %v, want a temporary error", err)
	}
	if d := time.Since(start); d > 2*time.Second {
		t.Errorf("Send took %v after its context ended", d)
	}
}

func TestNewTransportURL(t *testing.T) {
	tests := []struct{ url, wantErr string }{
		{"smtp://mail.example.com", ""},
		{"smtps://u:p@mail.example.com:2465?auth=login", ""},
		{"smtp://u:p@mail.example.com?starttls=required&auth=plain", ""},
		{"http://mail.example.com", "scheme"},
		{"smtp://", "no host"},
		{"smtp://mail.example.com:99999", "port"},
		{"smtp://mail.example.com?starttls=always", "starttls"},
		{"smtps://mail.example.com?starttls=required", "does not apply"},
		{"smtp://mail.example.com?tls=1", "unknown parameter"},
		{"smtp://mail.example.com?auth=plain", "without a user"},
		{"smtp://u:p@mail.example.com?auth=cram", "auth="},
		{"smtp://u:secretpw@mail.example.com/x", "path"},
		{"smtp://u:secretpw@mail.example.com:bad\x7f", "cannot parse"},
	}
	for _, tt := range tests {
		_, err := NewTransport(tt.url, TransportOptions{})
		switch {
		case tt.wantErr == "" && err != nil:
			t.Errorf("%q: %v", tt.url, err)
		case tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)):
			t.Errorf("%q: err = %v, want one containing %q", tt.url, err, tt.wantErr)
		}
		if err != nil && strings.Contains(err.Error(), "secretpw") {
			t.Errorf("%q: error %q shows the password", tt.url, err)
		}
	}
}
