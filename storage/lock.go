package storage

import (
	"context"
	"fmt"
)

// mailboxLockClass is the first key of the per-mailbox advisory lock;
// idleLockClass that of the lock on watching a mailbox with IMAP IDLE.
const (
	mailboxLockClass = 727002
	idleLockClass    = 727003
)

// TryLockMailbox takes the mailbox's session-level advisory lock if no other
// process holds it. ok is false when another process polls the mailbox. The
// lock lives on one pooled connection until unlock is called (or the
// connection dies, which releases it).
func (s *Store) TryLockMailbox(ctx context.Context, mailboxID int64) (unlock func(), ok bool, err error) {
	return s.tryLock(ctx, mailboxLockClass, mailboxID)
}

// TryLockMailboxIdle takes the lock on watching the mailbox with IMAP IDLE,
// held for as long as the watch lasts, so that only one replica idles on a
// mailbox; when that replica dies its session ends and another takes over.
func (s *Store) TryLockMailboxIdle(ctx context.Context, mailboxID int64) (unlock func(), ok bool, err error) {
	return s.tryLock(ctx, idleLockClass, mailboxID)
}

func (s *Store) tryLock(ctx context.Context, class int, mailboxID int64) (unlock func(), ok bool, err error) {
	conn, err := s.pool.Acquire(ctx)
	if err != nil {
		return nil, false, fmt.Errorf("lock mailbox: %w", err)
	}
	if err := conn.QueryRow(ctx, `SELECT pg_try_advisory_lock($1, $2::int)`, class, mailboxID).Scan(&ok); err != nil {
		conn.Release()
		return nil, false, fmt.Errorf("lock mailbox: %w", err)
	}
	if !ok {
		conn.Release()
		return nil, false, nil
	}
	return func() {
		_, err := conn.Exec(context.Background(), `SELECT pg_advisory_unlock($1, $2::int)`, class, mailboxID)
		if err != nil {
			conn.Conn().Close(context.Background()) // closing the session drops the lock
		}
		conn.Release()
	}, true, nil
}
