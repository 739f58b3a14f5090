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

// The waits before listening again after a failure: doubling from the first
// to the last while failures follow each other, so that a database that is
// down is not hammered, and back to the first once LISTEN works again.
const (
	listenRetryFirst = time.Second
	listenRetryLast  = 30 * time.Second
)

// ListenChanges calls fn with the id of every ticket that changes, in any
// process on the database, until ctx is cancelled; it returns nil then.
//
// A lost or refused connection is no end: lost (which may be nil) is told
// the error and how long ListenChanges waits before it listens again (see
// listenRetryFirst), and once it listens again fn is called with 0, meaning
// "something may have changed while nobody listened".
func (s *Store) ListenChanges(ctx context.Context, fn func(ticketID int64), lost func(err error, retryIn time.Duration)) error {
	wait, relisten := time.Duration(0), func() {}
	for ctx.Err() == nil {
		listened, err := s.listenOnce(ctx, relisten, fn)
		if ctx.Err() != nil {
			return nil
		}
		relisten = func() { fn(0) }
		wait = nextListenRetry(wait, listened)
		if lost != nil {
			lost(err, wait)
		}
		select {
		case <-ctx.Done():
		case <-time.After(wait):
		}
	}
	return nil
}

// nextListenRetry is the wait after one more failure, the last wait having
// been last; listened says whether LISTEN worked since (the failure ended a
// working connection rather than a try).
func nextListenRetry(last time.Duration, listened bool) time.Duration {
	if listened || last <= 0 {
		return listenRetryFirst
	}
	return min(2*last, listenRetryLast)
}

// listenOnce holds one LISTEN connection until it fails, calling listening
// once LISTEN has worked; listened reports whether it had.
func (s *Store) listenOnce(ctx context.Context, listening func(), fn func(int64)) (listened bool, err error) {
	conn, err := s.pool.Acquire(ctx)
	if err != nil {
		return false, fmt.Errorf("listen for ticket changes: %w", err)
	}
	defer conn.Release()
	if _, err := conn.Exec(ctx, "LISTEN "+changesChannel); err != nil {
		return false, fmt.Errorf("listen for ticket changes: %w", err)
	}
	defer conn.Exec(context.WithoutCancel(ctx), "UNLISTEN "+changesChannel)
	listening()
	for {
		n, err := conn.Conn().WaitForNotification(ctx)
		if err != nil {
			return true, fmt.Errorf("wait for ticket changes: %w", err)
		}
		// A payload that is not a ticket id (none of our triggers sends one)
		// is 0: every view looks again.
		id, _ := strconv.ParseInt(n.Payload, 10, 64)
		fn(id)
	}
}
