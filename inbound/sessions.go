package inbound

import (
	"context"
	"sync"
	"time"
)

// sessionCache keeps one idle IMAP session per mailbox between polls. A
// poll takes the session out while it uses it and puts it back after; a
// session that died (server restart, idle timeout) is replaced by a new login.
type sessionCache struct {
	mu   sync.Mutex
	idle map[int64]*session
}

func newSessionCache() *sessionCache { return &sessionCache{idle: map[int64]*session{}} }

// take returns the mailbox's idle session if it is alive and for the same
// target (reused), else a new one.
func (c *sessionCache) take(ctx context.Context, mailboxID int64, t Target, timeout time.Duration) (s *session, reused bool, err error) {
	c.mu.Lock()
	s = c.idle[mailboxID]
	delete(c.idle, mailboxID)
	c.mu.Unlock()
	if s != nil && s.target == t && s.alive() {
		return s, true, nil
	}
	if s != nil {
		s.close()
	}
	s, err = dial(ctx, t, timeout)
	return s, false, err
}

// put keeps s for the mailbox's next poll, or closes it when it died.
func (c *sessionCache) put(mailboxID int64, s *session) {
	if !s.alive() {
		s.close()
		return
	}
	c.mu.Lock()
	old := c.idle[mailboxID]
	c.idle[mailboxID] = s
	c.mu.Unlock()
	if old != nil {
		old.close()
	}
}

func (c *sessionCache) closeAll() {
	c.mu.Lock()
	idle := c.idle
	c.idle = map[int64]*session{}
	c.mu.Unlock()
	for _, s := range idle {
		s.close()
	}
}
