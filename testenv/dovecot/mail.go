package dovecot

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"
)

// Dial returns a client logged in as User; it is closed by t.Cleanup.
func (s *Server) Dial(t testing.TB) *imapclient.Client {
	t.Helper()
	c, err := s.dial()
	if err != nil {
		t.Fatalf("dovecot: %v", err)
	}
	t.Cleanup(func() { _ = c.Close() })
	return c
}

func (s *Server) dial() (*imapclient.Client, error) {
	c, err := imapclient.DialInsecure(s.Addr(), nil)
	if err != nil {
		return nil, fmt.Errorf("dial %s: %w", s.Addr(), err)
	}
	if err := c.Login(s.user, s.pass).Wait(); err != nil {
		_ = c.Close()
		return nil, fmt.Errorf("login: %w", err)
	}
	return c, nil
}

// session runs fn on a fresh logged-in connection and closes it, so helpers
// called in a loop do not pile up connections (Dovecot limits them per user
// and IP).
func (s *Server) session(t testing.TB, fn func(c *imapclient.Client) error) {
	t.Helper()
	c, err := s.dial()
	if err == nil {
		err = fn(c)
		if lerr := c.Logout().Wait(); err == nil {
			err = lerr
		}
		_ = c.Close()
	}
	if err != nil {
		t.Fatalf("dovecot: %v", err)
	}
}

// Append stores raw in folder with APPEND and returns its UID. A missing
// folder is created.
func (s *Server) Append(t testing.TB, folder string, raw []byte) uint32 {
	t.Helper()
	var uid imap.UID
	s.session(t, func(c *imapclient.Client) error {
		// Create first rather than on TRYCREATE: when APPEND is refused
		// instead of continued, imapclient gives up the connection.
		if err := ensureMailbox(c, folder); err != nil {
			return err
		}
		data, err := appendMessage(c, folder, raw)
		if err != nil {
			return fmt.Errorf("append to %s: %w", folder, err)
		}
		if data.UID == 0 {
			return fmt.Errorf("append to %s: no APPENDUID in the response", folder)
		}
		uid = data.UID
		return nil
	})
	return uint32(uid)
}

func appendMessage(c *imapclient.Client, folder string, raw []byte) (*imap.AppendData, error) {
	cmd := c.Append(folder, int64(len(raw)), nil)
	if _, err := cmd.Write(raw); err != nil {
		_ = cmd.Close()
		return nil, err
	}
	if err := cmd.Close(); err != nil {
		return nil, err
	}
	return cmd.Wait()
}

func hasCode(err error, code imap.ResponseCode) bool {
	var imapErr *imap.Error
	return errors.As(err, &imapErr) && imapErr.Code == code
}

// ensureMailbox creates folder unless it is INBOX or already exists.
func ensureMailbox(c *imapclient.Client, folder string) error {
	if strings.EqualFold(folder, "INBOX") {
		return nil
	}
	err := c.Create(folder, nil).Wait()
	if err != nil && !hasCode(err, imap.ResponseCodeAlreadyExists) {
		return fmt.Errorf("create %s: %w", folder, err)
	}
	return nil
}

// AppendMany bulk-loads raws into folder (created when missing), in order:
// UIDs ascend with the slice index. It bypasses IMAP and writes the files
// straight into the Maildir, then selects the folder so Dovecot indexes them
// (APPEND costs a round trip per message: a literal over 4 KiB waits for the
// server's continuation). Folder names must be plain ASCII; "." separates
// levels, as in Maildir++.
func (s *Server) AppendMany(t testing.TB, folder string, raws [][]byte) {
	t.Helper()
	s.mu.Lock()
	s.batch++
	batch := s.batch
	s.mu.Unlock()
	s.session(t, func(c *imapclient.Client) error {
		if err := ensureMailbox(c, folder); err != nil {
			return err
		}
		before, err := c.Select(folder, nil).Wait() // also creates INBOX on disk
		if err != nil {
			return fmt.Errorf("select %s: %w", folder, err)
		}
		if err := c.Unselect().Wait(); err != nil {
			return fmt.Errorf("unselect %s: %w", folder, err)
		}
		if err := s.writeMaildir(s.folderDir(folder), batch, raws); err != nil {
			return fmt.Errorf("load %s: %w", folder, err)
		}
		after, err := c.Select(folder, &imap.SelectOptions{ReadOnly: true}).Wait()
		if err != nil {
			return fmt.Errorf("select %s after load: %w", folder, err)
		}
		if want := before.NumMessages + uint32(len(raws)); after.NumMessages != want {
			return fmt.Errorf("%s has %d messages after loading %d, want %d",
				folder, after.NumMessages, len(raws), want)
		}
		return nil
	})
}

// folderDir is the Maildir++ directory of folder: INBOX is the user's root,
// other folders are ".Name" below it.
func (s *Server) folderDir(folder string) string {
	root := filepath.Join(s.cfg.MailRoot, s.user)
	if strings.EqualFold(folder, "INBOX") {
		return root
	}
	return filepath.Join(root, "."+folder)
}

// writeMaildir delivers raws into dir/cur the Maildir way (write in tmp,
// rename), several files at a time. Dovecot assigns UIDs to new files in
// file-name order, which is seconds, then the number after "M" (normally
// microseconds), so the names encode the slice index there.
func (s *Server) writeMaildir(dir string, batch int, raws [][]byte) error {
	base := time.Now().Unix()
	const workers = 8
	errs := make([]error, workers)
	var wg sync.WaitGroup
	for w := range workers {
		wg.Go(func() {
			for i := w; i < len(raws) && errs[w] == nil; i += workers {
				name := fmt.Sprintf("%d.M%06dQ%d.inboxdesk,S=%d:2,",
					base+int64(i/1_000_000), i%1_000_000, batch, len(raws[i]))
				errs[w] = s.deliver(dir, name, raws[i])
			}
		})
	}
	wg.Wait()
	return errors.Join(errs...)
}

func (s *Server) deliver(dir, name string, raw []byte) error {
	tmp := filepath.Join(dir, "tmp", name)
	if err := os.WriteFile(tmp, raw, 0o600); err != nil {
		return err
	}
	if !s.cfg.Rootless {
		if err := os.Chown(tmp, s.cfg.MailUID, s.cfg.MailGID); err != nil {
			return err
		}
	}
	return os.Rename(tmp, filepath.Join(dir, "cur", name))
}

// RecreateMailbox deletes and recreates folder, so it is empty and has a new
// UIDVALIDITY. IMAP cannot delete INBOX, so for INBOX the server is stopped,
// INBOX's messages and index are removed from disk, and the server started
// again (open connections are dropped).
func (s *Server) RecreateMailbox(t testing.TB, folder string) {
	t.Helper()
	if strings.EqualFold(folder, "INBOX") {
		s.Stop()
		if err := wipeMaildir(s.folderDir(folder)); err != nil {
			t.Fatalf("dovecot: wipe INBOX: %v", err)
		}
		s.start(t)
		return
	}
	s.session(t, func(c *imapclient.Client) error {
		if err := c.Delete(folder).Wait(); err != nil {
			return fmt.Errorf("delete %s: %w", folder, err)
		}
		if err := c.Create(folder, nil).Wait(); err != nil {
			return fmt.Errorf("create %s: %w", folder, err)
		}
		return nil
	})
}

// wipeMaildir removes the messages, UID list and index of one Maildir
// folder, keeping its subfolders and the user's dovecot-uidvalidity counter
// (which makes the next UIDVALIDITY differ from the old one).
func wipeMaildir(dir string) error {
	for _, sub := range []string{"cur", "new", "tmp"} {
		entries, err := os.ReadDir(filepath.Join(dir, sub))
		if err != nil && !errors.Is(err, os.ErrNotExist) {
			return err
		}
		for _, e := range entries {
			if err := os.Remove(filepath.Join(dir, sub, e.Name())); err != nil {
				return err
			}
		}
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return err
	}
	for _, e := range entries {
		if n := e.Name(); strings.HasPrefix(n, "dovecot-uidlist") || strings.HasPrefix(n, "dovecot.index") {
			if err := os.Remove(filepath.Join(dir, n)); err != nil {
				return err
			}
		}
	}
	return nil
}
