package inbound

import (
	"errors"
	"fmt"
	"net"
	"sync/atomic"
	"time"
)

// ErrServerTimeout means the IMAP server sent nothing for longer than the
// command timeout while a command waited for it (a frozen server, a
// half-open connection). The connection is dropped; the next poll logs in again.
var ErrServerTimeout = errors.New("IMAP server did not answer in time")

// watchedConn notes when the server last sent anything, so that a command
// can be given up when the server goes quiet. It measures silence, not the
// command's length: a large FETCH that keeps arriving is never cut.
type watchedConn struct {
	net.Conn
	last atomic.Int64 // unix nanoseconds of the last read
}

func newWatchedConn(c net.Conn) *watchedConn { return &watchedConn{Conn: c} }

func (c *watchedConn) Read(b []byte) (int, error) {
	n, err := c.Conn.Read(b)
	if n > 0 {
		c.last.Store(time.Now().UnixNano())
	}
	return n, err
}

// watch runs fn, calling drop (which must make fn return, e.g. by closing
// the connection) once the server has been quiet for timeout. Zero or less
// means no limit.
func (c *watchedConn) watch(timeout time.Duration, drop func() error, fn func() error) error {
	if timeout <= 0 {
		return fn()
	}
	c.last.Store(time.Now().UnixNano())
	done := make(chan struct{})
	var expired atomic.Bool
	go func() {
		t := time.NewTimer(timeout)
		defer t.Stop()
		for {
			select {
			case <-done:
				return
			case <-t.C:
				quiet := time.Since(time.Unix(0, c.last.Load()))
				if quiet >= timeout {
					expired.Store(true)
					_ = drop()
					return
				}
				t.Reset(timeout - quiet)
			}
		}
	}()
	err := fn()
	close(done)
	if expired.Load() {
		return fmt.Errorf("%w (nothing for %s)", ErrServerTimeout, timeout)
	}
	return err
}
