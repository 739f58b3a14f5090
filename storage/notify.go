package storage

import (
	"context"
	"fmt"
	"strconv"
	"time"
)

// changesChannel is the LISTEN/NOTIFY channel on which every ticket change
// is announced (payload: the ticket id), so every replica's live views
// update. Triggers on events and alerts send it (migration 00003): every
// ticket change records an event, every delivery changes an alert.
const changesChannel = "inboxdesk_ticket_changed"

// ListenChanges calls fn with the id of every ticket that changes, in any
// process on the database, until ctx is cancelled. It reconnects after a lost
// connection (calling fn with 0, meaning "something may have changed").
func (s *Store) ListenChanges(ctx context.Context, fn func(ticketID int64)) error {
	for ctx.Err() == nil {
		err := s.listenOnce(ctx, fn)
		if ctx.Err() != nil {
			return nil
		}
		fn(0)
		select {
		case <-ctx.Done():
		case <-time.After(time.Second):
		}
		_ = err
	}
	return nil
}

func (s *Store) listenOnce(ctx context.Context, fn func(int64)) error {
	conn, err := s.pool.Acquire(ctx)
	if err != nil {
		return err
	}
	defer conn.Release()
	if _, err := conn.Exec(ctx, "LISTEN "+changesChannel); err != nil {
		return fmt.Errorf("listen: %w", err)
	}
	defer conn.Exec(context.WithoutCancel(ctx), "UNLISTEN "+changesChannel)
	for {
		n, err := conn.Conn().WaitForNotification(ctx)
		if err != nil {
			return err
		}
		id, _ := strconv.ParseInt(n.Payload, 10, 64)
		fn(id)
	}
}
