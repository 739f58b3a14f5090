package inbound

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"time"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"
)

// session is one logged-in IMAP connection, kept between polls of its
// mailbox: a poll that finds nothing new then costs one STATUS on an open
// session instead of a login and a folder open, which servers make grow with
// the folder's size. The client library takes no context, so the connection
// is closed when the context of the poll using it is cancelled (bind).
type session struct {
	c      *imapclient.Client
	target Target
	stop   func() bool
}

// bind closes the connection if ctx is cancelled before the returned
// release is called.
func (s *session) bind(ctx context.Context) (release func()) {
	stop := context.AfterFunc(ctx, func() { s.c.Close() })
	return func() { stop() }
}

// alive reports whether the connection is still open.
func (s *session) alive() bool {
	select {
	case <-s.c.Closed():
		return false
	default:
		return true
	}
}

func dial(ctx context.Context, t Target) (*session, error) {
	return dialWith(ctx, t, &imapclient.Options{Dialer: &net.Dialer{Timeout: 30 * time.Second}})
}

// dialWith is dial with the client options given (an IDLE watcher's handler of new mail).
func dialWith(ctx context.Context, t Target, opts *imapclient.Options) (*session, error) {
	var c *imapclient.Client
	var err error
	switch t.TLS {
	case TLSImplicit:
		c, err = imapclient.DialTLS(t.Addr, opts)
	case TLSStart:
		c, err = dialStartTLS(t, opts)
	default:
		c, err = imapclient.DialInsecure(t.Addr, opts)
	}
	if err != nil {
		return nil, fmt.Errorf("connect %s: %w", t.Addr, err)
	}
	s := &session{c: c, target: t, stop: context.AfterFunc(ctx, func() { c.Close() })}
	defer s.stop() // bound to ctx only while logging in; polls bind their own
	if err := signIn(ctx, c, t); err != nil {
		s.close()
		return nil, fmt.Errorf("login %s as %s: %w", t.Addr, t.User, err)
	}
	// Keep the folder selected: servers answer STATUS of an open folder from
	// memory, while opening a folder costs time that grows with its size.
	if _, err := c.Select(t.Folder, nil).Wait(); err != nil {
		s.close()
		return nil, fmt.Errorf("select %s: %w", t.Folder, err)
	}
	return s, nil
}

// dialStartTLS upgrades with STARTTLS when the server offers it (or refuses
// to go on without it when required).
func dialStartTLS(t Target, opts *imapclient.Options) (*imapclient.Client, error) {
	c, err := imapclient.DialInsecure(t.Addr, opts)
	if err != nil {
		return nil, err
	}
	if err := c.WaitGreeting(); err != nil {
		c.Close()
		return nil, err
	}
	if !c.Caps().Has(imap.CapStartTLS) {
		if t.RequireStartTLS {
			c.Close()
			return nil, errors.New("server does not offer STARTTLS")
		}
		return c, nil
	}
	c.Close()
	return imapclient.DialStartTLS(t.Addr, opts)
}

func (s *session) close() {
	s.stop()
	_ = s.c.Logout().Wait()
	_ = s.c.Close()
}

// status returns the folder's UIDVALIDITY and UIDNEXT without selecting it:
// cheap whatever the folder's size, so an empty poll costs the same at 1k or 100k mails.
func (s *session) status(folder string) (uidValidity uint32, uidNext uint32, err error) {
	d, err := s.c.Status(folder, &imap.StatusOptions{UIDValidity: true, UIDNext: true}).Wait()
	if err != nil {
		return 0, 0, fmt.Errorf("status %s: %w", folder, err)
	}
	return d.UIDValidity, uint32(d.UIDNext), nil
}

// boundStatus is status of the session's folder, interrupted by ctx.
func (s *session) boundStatus(ctx context.Context) (uint32, uint32, error) {
	release := s.bind(ctx)
	defer release()
	return s.status(s.target.Folder)
}

// newUIDs selects the folder and lists the UIDs above last with their sizes.
func (s *session) newUIDs(folder string, last uint32) (uidValidity uint32, msgs []sizedUID, err error) {
	sel, err := s.c.Select(folder, &imap.SelectOptions{ReadOnly: false}).Wait()
	if err != nil {
		return 0, nil, fmt.Errorf("select %s: %w", folder, err)
	}
	if sel.NumMessages == 0 {
		return sel.UIDValidity, nil, nil
	}
	var set imap.UIDSet
	set.AddRange(imap.UID(last+1), 0) // last+1:*
	bufs, err := s.c.Fetch(set, &imap.FetchOptions{UID: true, RFC822Size: true}).Collect()
	if err != nil {
		return 0, nil, fmt.Errorf("list new mail: %w", err)
	}
	for _, b := range bufs {
		// "N:*" includes the highest UID even when it is below N (RFC 3501 6.4.8).
		if uint32(b.UID) > last {
			msgs = append(msgs, sizedUID{uid: uint32(b.UID), size: b.RFC822Size})
		}
	}
	return sel.UIDValidity, msgs, nil
}

type sizedUID struct {
	uid  uint32
	size int64
}

// fetch returns the raw messages for uids, whole or (headerOnly) just their
// header, with BODY.PEEK so that fetching never sets \Seen.
func (s *session) fetch(uids []uint32, headerOnly bool) (map[uint32][]byte, error) {
	if len(uids) == 0 {
		return nil, nil
	}
	var set imap.UIDSet
	for _, u := range uids {
		set.AddNum(imap.UID(u))
	}
	section := &imap.FetchItemBodySection{Peek: true}
	if headerOnly {
		section.Specifier = imap.PartSpecifierHeader
	}
	cmd := s.c.Fetch(set, &imap.FetchOptions{UID: true, BodySection: []*imap.FetchItemBodySection{section}})
	out := make(map[uint32][]byte, len(uids))
	for {
		msg := cmd.Next()
		if msg == nil {
			break
		}
		uid, raw, err := readFetched(msg)
		if err != nil {
			// A literal broke off: the connection is out of step. Drop it
			// (the poller logs in again) rather than drain the command over
			// it, which races with the client's reader on a closing socket.
			_ = s.c.Close()
			return nil, fmt.Errorf("fetch: %w", err)
		}
		if raw != nil {
			out[uid] = raw
		}
	}
	if err := cmd.Close(); err != nil {
		return nil, fmt.Errorf("fetch: %w", err)
	}
	return out, nil
}

// readFetched reads one message's UID and body section. The literal is
// read into a buffer of its announced size: io.ReadAll (what Collect uses)
// grows its buffer step by step, which for a 50 MB mail leaves about as
// much again in discarded buffers.
func readFetched(msg *imapclient.FetchMessageData) (uid uint32, raw []byte, err error) {
	for {
		item := msg.Next()
		if item == nil {
			return uid, raw, nil
		}
		switch item := item.(type) {
		case imapclient.FetchItemDataUID:
			uid = uint32(item.UID)
		case imapclient.FetchItemDataBodySection:
			if item.Literal == nil || raw != nil {
				continue
			}
			raw = make([]byte, item.Literal.Size())
			if _, err := io.ReadFull(item.Literal, raw); err != nil {
				return 0, nil, err
			}
		}
	}
}

// afterCommit applies the optional server-side bookkeeping once the batch
// is committed. Failures are logged by the caller, never fatal: correctness
// rests on the checkpoint, not on flags or folders.
func (s *session) afterCommit(uids []uint32, markSeen bool, moveTo string) error {
	var set imap.UIDSet
	for _, u := range uids {
		set.AddNum(imap.UID(u))
	}
	if markSeen {
		err := s.c.Store(set, &imap.StoreFlags{Op: imap.StoreFlagsAdd, Silent: true, Flags: []imap.Flag{imap.FlagSeen}}, nil).Close()
		if err != nil {
			return fmt.Errorf("mark seen: %w", err)
		}
	}
	if moveTo != "" {
		if _, err := s.c.Move(set, moveTo).Wait(); err != nil {
			return fmt.Errorf("move to %s: %w", moveTo, err)
		}
	}
	return nil
}
