package outbound

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"net/textproto"
	"sync"
	"time"

	mail "github.com/wneessen/go-mail"
	"github.com/wneessen/go-mail/smtp"

	"inboxdesk/delivery"
)

// Transport delivers pre-rendered messages over one reused SMTP connection.
//
// go-mail's Client.Send only takes its own *mail.Msg, which would re-render
// (and add headers to) the bytes Compose made. So go-mail dials, says EHLO,
// does STARTTLS and AUTH (Client.DialToSMTPClientWithContext), and the
// transaction runs on the smtp.Client it returns: MAIL, RCPT, DATA with the
// raw bytes. A Transport is safe for concurrent use; sends are serialised.
type Transport struct {
	client    *mail.Client
	addr      string
	implicit  bool // smtps: TLS from the first byte
	tlsConfig *tls.Config
	timeout   time.Duration
	maxIdle   time.Duration
	grant     string      // ?oauth=NAME: XOAUTH2 with this grant's tokens
	tokens    TokenSource // gives them

	mu       sync.Mutex
	conn     net.Conn        // raw connection of the session, for deadlines
	dialCtx  context.Context // the context of the Send that dials
	unbind   func() bool     // ends the dial's tie of conn to dialCtx
	session  *smtp.Client    // nil when not connected
	lastUsed time.Time
}

// Send delivers raw from the envelope sender to the recipients. A reused
// connection that turns out dead before the server accepted MAIL FROM is
// redialled once; any other failure is returned (see ReplyError.Permanent, Answer)
// and, unless it was a plain refusal, drops the connection.
//
// ctx ending interrupts the dial (greeting, STARTTLS and AUTH included) and
// the transaction at once.
func (t *Transport) Send(ctx context.Context, from string, to []string, raw []byte) error {
	if len(to) == 0 {
		return delivery.Permanent(errors.New("smtp: no recipients"))
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	reused, err := t.connect(ctx)
	if err != nil {
		return err
	}
	stage, err := t.transaction(ctx, from, to, raw)
	if err != nil && reused && stage == "MAIL FROM" && stale(err) && ctx.Err() == nil {
		t.drop()
		if _, err = t.connect(ctx); err != nil {
			return err
		}
		_, err = t.transaction(ctx, from, to, raw)
	}
	t.afterTransaction(err)
	if err != nil && ctx.Err() != nil {
		return fmt.Errorf("%w: %w", ctx.Err(), err)
	}
	return err
}

// Close ends the session with QUIT, if there is one.
func (t *Transport) Close() error {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.session == nil {
		return nil
	}
	_ = t.conn.SetDeadline(time.Now().Add(t.timeout))
	err := t.session.Quit()
	t.drop()
	return err
}

// connect makes sure there is a live session and says whether it was reused.
func (t *Transport) connect(ctx context.Context) (reused bool, err error) {
	if t.session != nil && time.Since(t.lastUsed) < t.maxIdle {
		return true, nil
	}
	// An idle connection may have been closed by the server without our
	// noticing; start afresh rather than find out halfway through a message.
	t.drop()
	if err := t.signInToken(ctx); err != nil {
		return false, err
	}
	t.dialCtx = ctx
	session, err := t.client.DialToSMTPClientWithContext(ctx)
	t.dialCtx = nil
	if t.unbind != nil {
		t.unbind()
		t.unbind = nil
	}
	if err != nil {
		// go-mail leaves the connection open when EHLO or STARTTLS fails.
		if t.conn != nil {
			_ = t.conn.Close()
			t.conn = nil
		}
		return false, fmt.Errorf("smtp dial %s: %w", t.addr, err)
	}
	t.session = session
	t.lastUsed = time.Now()
	return false, nil
}

// dial is go-mail's DialContextFunc: it keeps the raw connection (to set
// deadlines and abort on cancellation) and does implicit TLS for smtps.
// It runs inside connect, under t.mu.
func (t *Transport) dial(ctx context.Context, network, addr string) (net.Conn, error) {
	var d net.Dialer
	conn, err := d.DialContext(ctx, network, addr)
	if err != nil {
		return nil, err
	}
	t.conn = conn
	// go-mail reads the greeting and runs EHLO, STARTTLS and AUTH without
	// a context: a relay that hangs there is cut off when the Send's context
	// ends. (ctx here is go-mail's own, which it cancels once dialled.)
	t.unbind = context.AfterFunc(t.dialCtx, func() { _ = conn.SetDeadline(time.Unix(1, 0)) })
	if !t.implicit {
		return conn, nil
	}
	tc := tls.Client(conn, t.tlsConfig)
	if err := tc.HandshakeContext(ctx); err != nil {
		return nil, err
	}
	return tc, nil
}

// transaction runs MAIL, RCPT and DATA and names the command that failed.
// The exchange has the transport's timeout, and ctx ending (cancelled or
// past its deadline) aborts it at once.
func (t *Transport) transaction(ctx context.Context, from string, to []string, raw []byte) (string, error) {
	conn := t.conn
	if err := conn.SetDeadline(time.Now().Add(t.timeout)); err != nil {
		return "MAIL FROM", err
	}
	stop := context.AfterFunc(ctx, func() { _ = conn.SetDeadline(time.Unix(1, 0)) })
	defer stop()

	if err := t.session.Mail(from); err != nil {
		return "MAIL FROM", replyError("MAIL FROM", err)
	}
	for _, rcpt := range to {
		if err := t.session.Rcpt(rcpt); err != nil {
			return "RCPT TO", replyError("RCPT TO", err)
		}
	}
	return "DATA", t.data(raw)
}

func (t *Transport) data(raw []byte) error {
	w, err := t.session.Data()
	if err != nil {
		return replyError("DATA", err)
	}
	if _, err := w.Write(raw); err != nil {
		return fmt.Errorf("smtp DATA: %w", err)
	}
	if err := w.Close(); err != nil {
		return replyError("DATA", err)
	}
	return nil
}

// afterTransaction keeps the session for the next message: after a refusal
// it is reset (RSET), after any other failure it is dropped.
func (t *Transport) afterTransaction(err error) {
	t.lastUsed = time.Now()
	var re *ReplyError
	switch {
	case err == nil:
	case errors.As(err, &re) && re.Code != 421:
		if t.session.Reset() != nil {
			t.drop()
		}
	default:
		t.drop()
	}
}

func (t *Transport) drop() {
	if t.conn != nil {
		_ = t.conn.Close()
	}
	t.conn, t.session = nil, nil
}

// replyError turns a server reply into a *ReplyError; other errors (network,
// timeouts) are wrapped with the command.
func replyError(command string, err error) error {
	var te *textproto.Error
	if errors.As(err, &te) {
		return &ReplyError{Command: command, Code: te.Code, Text: te.Msg}
	}
	return fmt.Errorf("smtp %s: %w", command, err)
}

// stale reports whether a MAIL FROM failure means the reused connection had
// died (closed, or the server's 421 goodbye) rather than a refusal.
func stale(err error) bool {
	var re *ReplyError
	return !errors.As(err, &re) || re.Code == 421
}
