package inbound

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"net"
	"time"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"
)

// session is one logged-in IMAP connection with its folder selected, kept
// between polls of its mailbox: a poll that finds nothing new then costs a
// NOOP and one FETCH on an open session instead of a login and a folder
// open, which servers make grow with the folder's size. The client library
// takes no context, so the connection is closed when the context of the poll
// using it is cancelled (bind), and when a command's server goes quiet for
// longer than the command timeout (watch).
type session struct {
	c             *imapclient.Client
	conn          *watchedConn
	target        Target
	timeout       time.Duration
	uidValidity   uint32 // of the folder as last selected
	selectedCount uint32 // messages in the folder when it was last selected
	stop          func() bool
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

func dial(ctx context.Context, t Target, timeout time.Duration) (*session, error) {
	return dialWith(ctx, t, timeout, nil)
}

// dialWith is dial with a handler of what the server announces unasked
// (an IDLE watcher's new mail); nil ignores it.
func dialWith(ctx context.Context, t Target, timeout time.Duration, h *imapclient.UnilateralDataHandler) (*session, error) {
	s := &session{target: t, timeout: timeout}
	var err error
	if s.c, s.conn, err = connect(ctx, t, timeout, &imapclient.Options{UnilateralDataHandler: h}); err != nil {
		return nil, fmt.Errorf("connect %s: %w", t.Addr, err)
	}
	s.stop = context.AfterFunc(ctx, func() { s.c.Close() })
	defer s.stop() // bound to ctx only while logging in; polls bind their own
	if err := s.watch(func() error { return signIn(ctx, s.c, t) }); err != nil {
		s.close()
		return nil, fmt.Errorf("login %s as %s: %w", t.Addr, t.User, err)
	}
	// Keep the folder selected: a NOOP then reports new mail, while
	// opening a folder costs time that grows with its size.
	if err := s.selectFolder(); err != nil {
		s.close()
		return nil, err
	}
	return s, nil
}

// connect dials t and starts the IMAP client over a watched connection:
// plain, TLS from the start, or upgraded with STARTTLS when the server
// offers it (or refused without it when required).
func connect(ctx context.Context, t Target, timeout time.Duration, opts *imapclient.Options) (*imapclient.Client, *watchedConn, error) {
	conn, err := dialTCP(ctx, t, timeout)
	if err != nil {
		return nil, nil, err
	}
	host, _, _ := net.SplitHostPort(t.Addr)
	tlsConfig := &tls.Config{ServerName: host, NextProtos: []string{"imap"}}
	switch t.TLS {
	case TLSImplicit:
		return imapclient.New(tls.Client(conn, tlsConfig), opts), conn, nil
	case TLSStart:
		return startTLS(ctx, conn, t, tlsConfig, timeout, opts)
	default:
		return imapclient.New(conn, opts), conn, nil
	}
}

func dialTCP(ctx context.Context, t Target, timeout time.Duration) (*watchedConn, error) {
	raw, err := (&net.Dialer{Timeout: timeout}).DialContext(ctx, "tcp", t.Addr)
	if err != nil {
		return nil, err
	}
	return newWatchedConn(raw), nil
}

// startTLS upgrades with STARTTLS when the server offers it. The greeting
// that lists the capabilities is read on a first connection; the upgrade
// runs on a second one, as the client library reads the greeting itself.
func startTLS(ctx context.Context, conn *watchedConn, t Target, tlsConfig *tls.Config,
	timeout time.Duration, opts *imapclient.Options) (*imapclient.Client, *watchedConn, error) {
	c := imapclient.New(conn, opts)
	if err := conn.watch(timeout, c.Close, c.WaitGreeting); err != nil {
		c.Close()
		return nil, nil, err
	}
	if !c.Caps().Has(imap.CapStartTLS) {
		if t.RequireStartTLS {
			c.Close()
			return nil, nil, errors.New("server does not offer STARTTLS")
		}
		return c, conn, nil
	}
	c.Close()
	opts.TLSConfig = tlsConfig
	conn, err := dialTCP(ctx, t, timeout)
	if err != nil {
		return nil, nil, err
	}
	err = conn.watch(timeout, conn.Close, func() (err error) {
		c, err = imapclient.NewStartTLS(conn, opts)
		return err
	})
	return c, conn, err
}

// selectFolder opens the session's folder and notes its UIDVALIDITY.
func (s *session) selectFolder() error {
	var sel *imap.SelectData
	err := s.watch(func() (err error) {
		sel, err = s.c.Select(s.target.Folder, nil).Wait()
		return err
	})
	if err != nil {
		return fmt.Errorf("select %s: %w", s.target.Folder, err)
	}
	s.uidValidity, s.selectedCount = sel.UIDValidity, sel.NumMessages
	return nil
}

// watch runs one IMAP command, dropping the connection when the server
// sends nothing for longer than the session's command timeout.
func (s *session) watch(fn func() error) error {
	return s.conn.watch(s.timeout, s.c.Close, fn)
}

// logoutTimeout bounds the goodbye to a server: a frozen one is not waited
// for as long as for a command.
const logoutTimeout = 5 * time.Second

func (s *session) close() {
	s.stop()
	_ = s.conn.watch(min(s.timeout, logoutTimeout), s.c.Close, func() error { return s.c.Logout().Wait() })
	_ = s.c.Close()
}

// check asks the server for news of the selected folder and returns its
// UIDVALIDITY and highest UID (0 when empty). New mail is learnt from NOOP
// (RFC 3501 6.1.2: the server reports it as EXISTS) and one FETCH of the
// last message, cheap whatever the folder's size; STATUS cannot serve, as
// servers may answer it for the selected folder from the session's old view.
// STATUS, sent with the NOOP, only tells whether the folder was recreated
// under the session (a new UIDVALIDITY), which some servers never report to
// a session that has the old folder selected; then the folder is selected again.
func (s *session) check() (uidValidity uint32, highest uint32, err error) {
	var st *imap.StatusData
	err = s.watch(func() error {
		noop := s.c.Noop()
		status := s.c.Status(s.target.Folder, &imap.StatusOptions{UIDValidity: true})
		err := noop.Wait()
		var serr error
		if st, serr = status.Wait(); err == nil {
			err = serr
		}
		return err
	})
	if err != nil {
		return 0, 0, fmt.Errorf("noop: %w", err)
	}
	var n uint32
	if st.UIDValidity != s.uidValidity {
		if err := s.selectFolder(); err != nil {
			return 0, 0, err
		}
		n = s.selectedCount
	} else if n, err = s.messageCount(); err != nil {
		return 0, 0, err
	}
	if highest, err = s.highestUID(n); err != nil {
		return 0, 0, err
	}
	return s.uidValidity, highest, nil
}

// messageCount is the selected folder's size as the server last reported
// it (EXISTS). Right after a SELECT the client may not have recorded the new
// folder yet (it answers the command first): then use selectedCount.
func (s *session) messageCount() (uint32, error) {
	mbox := s.c.Mailbox()
	if mbox == nil {
		return 0, errors.New("the server closed the selected folder")
	}
	return mbox.NumMessages, nil
}

// highestUID returns the UID of message n (the last of the selected
// folder), 0 when the folder is empty.
func (s *session) highestUID(n uint32) (highest uint32, err error) {
	if n == 0 {
		return 0, nil
	}
	var bufs []*imapclient.FetchMessageBuffer
	err = s.watch(func() (err error) {
		bufs, err = s.c.Fetch(imap.SeqSetNum(n), &imap.FetchOptions{UID: true}).Collect()
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("highest uid: %w", err)
	}
	for _, b := range bufs {
		highest = max(highest, uint32(b.UID))
	}
	return highest, nil
}

// boundCheck is check, interrupted by ctx.
func (s *session) boundCheck(ctx context.Context) (uint32, uint32, error) {
	release := s.bind(ctx)
	defer release()
	return s.check()
}

// newUIDs selects the folder again and lists the UIDs above last with their
// sizes; highest (the highest UID the server reported) sizes the list once.
// The answer is read message by message into the compact list: a mailbox
// import lists every waiting mail at once, and collecting the client's whole
// buffers first would hold a few hundred bytes per mail until the end of the
// listing, a peak that grows with the backlog.
func (s *session) newUIDs(last, highest uint32) (uidValidity uint32, msgs []sizedUID, err error) {
	if err := s.selectFolder(); err != nil {
		return 0, nil, err
	}
	if s.selectedCount == 0 {
		return s.uidValidity, nil, nil
	}
	var set imap.UIDSet
	set.AddRange(imap.UID(last+1), 0) // last+1:*
	// No more than the messages in the folder, nor than the UIDs up to the highest.
	msgs = make([]sizedUID, 0, min(s.selectedCount, max(highest, last)-last))
	err = s.watch(func() error {
		cmd := s.c.Fetch(set, &imap.FetchOptions{UID: true, RFC822Size: true, InternalDate: true})
		for msg := cmd.Next(); msg != nil; msg = cmd.Next() {
			m := sizedOf(msg)
			// "N:*" includes the highest UID even when it is below N (RFC 3501 6.4.8).
			if m.uid > last {
				msgs = append(msgs, m)
			}
		}
		return cmd.Close()
	})
	if err != nil {
		return 0, nil, fmt.Errorf("list new mail: %w", err)
	}
	return s.uidValidity, msgs, nil
}

// sizedOf reads one message of the listing; the items it does not ask for
// are skipped.
func sizedOf(msg *imapclient.FetchMessageData) sizedUID {
	var m sizedUID
	for item := msg.Next(); item != nil; item = msg.Next() {
		switch item := item.(type) {
		case imapclient.FetchItemDataUID:
			m.uid = uint32(item.UID)
		case imapclient.FetchItemDataRFC822Size:
			m.size = item.Size
		case imapclient.FetchItemDataInternalDate:
			m.arrived = item.Time
		}
	}
	return m
}

type sizedUID struct {
	uid     uint32
	size    int64
	arrived time.Time // INTERNALDATE: when the server received it
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
	out := make(map[uint32][]byte, len(uids))
	err := s.watch(func() error {
		cmd := s.c.Fetch(set, &imap.FetchOptions{UID: true, BodySection: []*imap.FetchItemBodySection{section}})
		for msg := cmd.Next(); msg != nil; msg = cmd.Next() {
			uid, raw, err := readFetched(msg)
			if err != nil {
				// A literal broke off: the connection is out of step. Drop it
				// (the poller logs in again) rather than drain the command over
				// it, which races with the client's reader on a closing socket.
				_ = s.c.Close()
				return err
			}
			if raw != nil {
				out[uid] = raw
			}
		}
		return cmd.Close()
	})
	if err != nil {
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
		err := s.watch(func() error {
			return s.c.Store(set, &imap.StoreFlags{Op: imap.StoreFlagsAdd, Silent: true, Flags: []imap.Flag{imap.FlagSeen}}, nil).Close()
		})
		if err != nil {
			return fmt.Errorf("mark seen: %w", err)
		}
	}
	if moveTo != "" {
		err := s.watch(func() error {
			_, err := s.c.Move(set, moveTo).Wait()
			return err
		})
		if err != nil {
			return fmt.Errorf("move to %s: %w", moveTo, err)
		}
	}
	return nil
}
