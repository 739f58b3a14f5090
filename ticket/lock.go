package ticket

import (
	"context"
	"fmt"
)

// mailboxLockClass is the first key of the per-mailbox advisory lock.
const mailboxLockClass = 727002

// TryLockMailbox takes the mailbox's session-level advisory lock if no other
// process holds it. ok is false when another process polls the mailbox. The
// lock lives on one pooled connection until unlock is called (or the
// connection dies, which releases it).
func (s *Store) TryLockMailbox(ctx context.Context, mailboxID int64) (unlock func(), ok bool, err error) {
	conn, err := s.pool.Acquire(ctx)
	if err != nil {
		return nil, false, fmt.Errorf("lock mailbox: %w", err)
	}
	if err := conn.QueryRow(ctx, `SELECT pg_try_advisory_lock($1, $2::int)`, mailboxLockClass, mailboxID).Scan(&ok); err != nil {
		conn.Release()
		return nil, false, fmt.Errorf("lock mailbox: %w", err)
	}
	if !ok {
		conn.Release()
		return nil, false, nil
	}
	return func() {
		_, err := conn.Exec(context.Background(), `SELECT pg_advisory_unlock($1, $2::int)`, mailboxLockClass, mailboxID)
		if err != nil {
			conn.Conn().Close(context.Background()) // closing the session drops the lock
		}
		conn.Release()
	}, true, nil
}
