package devmail

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapserver"
	"github.com/emersion/go-imap/v2/imapserver/imapmemserver"
)

// Inbox is the name of the mailbox every IMAP user starts with.
const Inbox = "INBOX"

// IMAP is an in-memory IMAP4rev1/IMAP4rev2 server with a single user.
//
// UIDVALIDITY values come from a per-process counter that starts at 1 and
// grows with every mailbox created, so they differ within one process but
// repeat across restarts: a caller that keeps IMAP checkpoints across runs
// (a demo with a persistent database) must not trust them after a restart.
type IMAP struct {
	user *imapmemserver.User
	run  *runner
}

// StartIMAP listens on addr (such as "127.0.0.1:0") and serves one user,
// username with password, who has an empty INBOX. Plain-text LOGIN is
// accepted without TLS. The server stops when ctx is cancelled or Close is
// called. A nil logger discards the server's logs.
func StartIMAP(ctx context.Context, addr, username, password string, logger *slog.Logger) (*IMAP, error) {
	user := imapmemserver.NewUser(username, password)
	if err := user.Create(Inbox, nil); err != nil {
		return nil, fmt.Errorf("devmail: create %s: %w", Inbox, err)
	}
	run, err := listen(ctx, "imap", addr, logger)
	if err != nil {
		return nil, err
	}
	server := newIMAPServer(user, run.printfLogger())
	run.start(ctx, server.Serve, server.Close)
	return &IMAP{user: user, run: run}, nil
}

// newIMAPServer builds an imapserver whose sessions all belong to user.
func newIMAPServer(user *imapmemserver.User, logger imapserver.Logger) *imapserver.Server {
	mem := imapmemserver.New()
	mem.AddUser(user)
	return imapserver.New(&imapserver.Options{
		NewSession: func(*imapserver.Conn) (imapserver.Session, *imapserver.GreetingData, error) {
			return mem.NewSession(), nil, nil
		},
		Caps:         imap.CapSet{imap.CapIMAP4rev1: {}, imap.CapIMAP4rev2: {}},
		Logger:       logger,
		InsecureAuth: true,
	})
}

// Addr returns the address the server listens on, as host:port.
func (s *IMAP) Addr() string {
	return s.run.addr()
}

// Append delivers raw, a whole RFC 5322 message, to folder and returns the
// UID it was given there. The message has no flags, so it is unseen.
func (s *IMAP) Append(folder string, raw []byte) (uint32, error) {
	data, err := s.user.Append(folder, bytes.NewReader(raw), &imap.AppendOptions{})
	if err != nil {
		return 0, fmt.Errorf("devmail: append to %q: %w", folder, err)
	}
	return uint32(data.UID), nil
}

// CreateMailbox creates folder; it fails if folder already exists.
func (s *IMAP) CreateMailbox(folder string) error {
	if err := s.user.Create(folder, nil); err != nil {
		return fmt.Errorf("devmail: create %q: %w", folder, err)
	}
	return nil
}

// RecreateMailbox deletes folder with all its messages, if it exists, and
// creates it again empty, with a new UIDVALIDITY and UIDs starting at 1 —
// what a client sees when a server rebuilds a mailbox.
func (s *IMAP) RecreateMailbox(folder string) error {
	err := s.user.Delete(folder)
	var imapErr *imap.Error
	if err != nil && !(errors.As(err, &imapErr) && imapErr.Code == imap.ResponseCodeNonExistent) {
		return fmt.Errorf("devmail: delete %q: %w", folder, err)
	}
	return s.CreateMailbox(folder)
}

// Counts returns how many messages folder holds and how many of them are unseen.
func (s *IMAP) Counts(folder string) (messages, unseen uint32, err error) {
	data, err := s.user.Status(folder, &imap.StatusOptions{NumMessages: true, NumUnseen: true})
	if err != nil {
		return 0, 0, fmt.Errorf("devmail: status %q: %w", folder, err)
	}
	return *data.NumMessages, *data.NumUnseen, nil
}

// UIDValidity returns folder's current UIDVALIDITY.
func (s *IMAP) UIDValidity(folder string) (uint32, error) {
	data, err := s.user.Status(folder, &imap.StatusOptions{UIDValidity: true})
	if err != nil {
		return 0, fmt.Errorf("devmail: status %q: %w", folder, err)
	}
	return data.UIDValidity, nil
}

// Close stops listening, drops open connections and waits for the accept
// loop to end. Calling it again returns the first call's result.
func (s *IMAP) Close() error {
	return s.run.close()
}
