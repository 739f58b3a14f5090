package devmail

import (
	"context"
	"errors"
	"log/slog"
	"strings"

	"github.com/emersion/go-smtp"
)

// SMTPOptions configure StartSMTP. The zero value captures all mail from
// anyone, with no size limit.
type SMTPOptions struct {
	// Domain is the name the server greets with; "" means "localhost".
	Domain string
	// InboundTo lists recipient addresses, compared without regard to case,
	// whose mail is appended to Inbox's INBOX instead of being captured, as
	// a mail client writing to support would have it. Empty means every
	// recipient is captured.
	InboundTo []string
	// Inbox receives inbound mail. It must be set when InboundTo is not
	// empty; otherwise it is not used.
	Inbox *IMAP
	// Username and Password, when Username is not "", make the server offer
	// AUTH PLAIN, also without TLS, and refuse MAIL FROM before it. An empty
	// Username offers no AUTH and lets anyone send.
	Username, Password string
	// CheckToken, when set, makes the server offer AUTH XOAUTH2 and accept
	// a user and bearer token it approves (an OAuth2 server's introspection).
	CheckToken func(user, token string) bool
	// MaxMessageBytes makes larger messages fail with 552; zero means no
	// limit.
	MaxMessageBytes int64
}

// SMTP is an SMTP server that captures the mail it receives (see Messages),
// delivers mail for SMTPOptions.InboundTo into an IMAP inbox, and fails on
// demand (see FailNext and DropNext).
type SMTP struct {
	opts   SMTPOptions
	run    *runner
	logger *slog.Logger
	log    *mailLog
	faults faults
}

// StartSMTP listens on addr (such as "127.0.0.1:0") and serves SMTP as opts
// say. The server stops when ctx is cancelled or Close is called. A nil
// logger discards the server's logs.
func StartSMTP(ctx context.Context, addr string, opts SMTPOptions, logger *slog.Logger) (*SMTP, error) {
	if len(opts.InboundTo) > 0 && opts.Inbox == nil {
		return nil, errors.New("devmail: SMTPOptions.InboundTo is set but Inbox is nil")
	}
	if opts.Domain == "" {
		opts.Domain = "localhost"
	}
	run, err := listen(ctx, "smtp", addr, logger)
	if err != nil {
		return nil, err
	}
	s := &SMTP{opts: opts, run: run, logger: run.logger, log: newMailLog()}
	server := s.newServer()
	run.start(ctx, server.Serve, server.Close)
	return s, nil
}

func (s *SMTP) newServer() *smtp.Server {
	server := smtp.NewServer(smtp.BackendFunc(func(c *smtp.Conn) (smtp.Session, error) {
		return &session{srv: s, conn: c}, nil
	}))
	server.Domain = s.opts.Domain
	server.MaxMessageBytes = s.opts.MaxMessageBytes
	server.AllowInsecureAuth = true
	server.ErrorLog = s.run.printfLogger()
	return server
}

// Addr returns the address the server listens on, as host:port.
func (s *SMTP) Addr() string {
	return s.run.addr()
}

// Close stops listening, drops open connections and waits for the accept
// loop to end. Calling it again returns the first call's result.
func (s *SMTP) Close() error {
	return s.run.close()
}

// isInbound reports whether mail to rcpt goes to the IMAP inbox.
func (s *SMTP) isInbound(rcpt string) bool {
	for _, addr := range s.opts.InboundTo {
		if strings.EqualFold(addr, rcpt) {
			return true
		}
	}
	return false
}
