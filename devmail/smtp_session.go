package devmail

import (
	"crypto/subtle"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"
)

// errDropped ends a DATA whose connection DropNext closed; no reply reaches
// the client.
var errDropped = errors.New("devmail: connection dropped on purpose")

// session is one SMTP connection's state.
type session struct {
	srv    *SMTP
	conn   *smtp.Conn
	authed bool
	from   string
	to     []string
}

var _ smtp.AuthSession = (*session)(nil)

// AuthMechanisms offers PLAIN when a username is configured and XOAUTH2
// when tokens are checked.
func (ss *session) AuthMechanisms() []string {
	var mechs []string
	if ss.srv.opts.Username != "" {
		mechs = append(mechs, sasl.Plain)
	}
	if ss.srv.opts.CheckToken != nil {
		mechs = append(mechs, "XOAUTH2")
	}
	return mechs
}

// Auth checks PLAIN credentials against the configured ones, or an
// XOAUTH2 token with CheckToken.
func (ss *session) Auth(mech string) (sasl.Server, error) {
	if mech == "XOAUTH2" && ss.srv.opts.CheckToken != nil {
		return xoauth2Server{check: func(user, token string) bool {
			ss.authed = ss.srv.opts.CheckToken(user, token)
			return ss.authed
		}}, nil
	}
	if ss.srv.opts.Username == "" || mech != sasl.Plain {
		return nil, smtp.ErrAuthUnknownMechanism
	}
	return sasl.NewPlainServer(func(identity, username, password string) error {
		if identity != "" && identity != username {
			return smtp.ErrAuthFailed
		}
		if !equalSecret(username, ss.srv.opts.Username) || !equalSecret(password, ss.srv.opts.Password) {
			return smtp.ErrAuthFailed
		}
		ss.authed = true
		return nil
	}), nil
}

// xoauth2Server reads the one XOAUTH2 response: "user=U^Aauth=Bearer T^A^A".
type xoauth2Server struct{ check func(user, token string) bool }

func (x xoauth2Server) Next(resp []byte) ([]byte, bool, error) {
	if resp == nil {
		return []byte{}, false, nil // ask for the initial response
	}
	var user, token string
	for _, f := range strings.Split(string(resp), "\x01") {
		if v, ok := strings.CutPrefix(f, "user="); ok {
			user = v
		} else if v, ok := strings.CutPrefix(f, "auth=Bearer "); ok {
			token = v
		}
	}
	if user == "" || token == "" || !x.check(user, token) {
		return nil, true, smtp.ErrAuthFailed
	}
	return nil, true, nil
}

func equalSecret(got, want string) bool {
	return subtle.ConstantTimeCompare([]byte(got), []byte(want)) == 1
}

func (ss *session) Mail(from string, _ *smtp.MailOptions) error {
	if (ss.srv.opts.Username != "" || ss.srv.opts.CheckToken != nil) && !ss.authed {
		return smtp.ErrAuthRequired
	}
	if err := ss.srv.faults.take(StageMail); err != nil {
		return err
	}
	ss.from = from
	return nil
}

func (ss *session) Rcpt(to string, _ *smtp.RcptOptions) error {
	if err := ss.srv.faults.take(StageRcpt); err != nil {
		return err
	}
	ss.to = append(ss.to, to)
	return nil
}

// Data reads the message, then drops the connection, fails or delivers it,
// as the queued faults say.
func (ss *session) Data(r io.Reader) error {
	data, err := io.ReadAll(r)
	if err != nil {
		return err // too large, or the connection broke
	}
	if ss.srv.faults.takeDrop() {
		ss.srv.logger.Debug("devmail: smtp dropping connection on purpose")
		_ = ss.conn.Conn().Close()
		return errDropped
	}
	if err := ss.srv.faults.take(StageData); err != nil {
		return err
	}
	return ss.srv.deliver(ss.conn.Hostname(), ss.from, ss.to, data)
}

func (ss *session) Reset() {
	ss.from = ""
	ss.to = nil
}

func (ss *session) Logout() error {
	return nil
}

// deliver appends data to the IMAP inbox if any recipient is inbound, and
// captures it for the other recipients. helo names the sending client.
func (s *SMTP) deliver(helo, from string, to []string, data []byte) error {
	var inbound, outgoing []string
	for _, rcpt := range to {
		if s.isInbound(rcpt) {
			inbound = append(inbound, rcpt)
		} else {
			outgoing = append(outgoing, rcpt)
		}
	}
	now := time.Now()
	if len(inbound) > 0 {
		raw := append(traceHeader(s.opts.Domain, helo, from, now), data...)
		uid, err := s.opts.Inbox.Append(Inbox, raw)
		if err != nil {
			s.logger.Warn("devmail: inbound delivery failed", slog.Any("err", err))
			return &smtp.SMTPError{Code: 451, EnhancedCode: smtp.EnhancedCode{4, 3, 0}, Message: "Inbox unavailable"}
		}
		s.logger.Debug("devmail: delivered to inbox", "uid", uid, "bytes", len(data))
	}
	if len(outgoing) > 0 {
		s.log.add(Captured{From: from, To: outgoing, Data: data, Received: now})
		s.logger.Debug("devmail: captured", "rcpts", len(outgoing), "bytes", len(data))
	}
	return nil
}

// traceHeader returns the Return-Path and Received fields a delivering MTA
// puts on top of a message, so that readers can see the envelope sender
// (Return-Path: <> marks a bounce).
func traceHeader(domain, helo, from string, at time.Time) []byte {
	return fmt.Appendf(nil, "Return-Path: <%s>\r\nReceived: from %s by %s with ESMTP; %s\r\n",
		from, helo, domain, at.Format(time.RFC1123Z))
}
