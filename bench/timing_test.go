package bench

import (
	"context"
	"sync"
	"sync/atomic"
	"time"

	"inboxdesk/storage"
	"inboxdesk/ticket"
)

// timedQueue adds up the time spent claiming and marking and counts the
// calls, and closes done once want alerts are marked sent.
type timedQueue struct {
	*storage.Store
	claim, mark atomic.Int64
	want        int64
	marked      atomic.Int64
	done        chan struct{}
	once        sync.Once
	claims      atomic.Int64
	marks       atomic.Int64
}

func newTimedQueue(store *storage.Store, want int) *timedQueue {
	return &timedQueue{Store: store, want: int64(want), done: make(chan struct{})}
}

func (q *timedQueue) ClaimAlerts(ctx context.Context, limit int, lease time.Duration) ([]ticket.AlertJob, error) {
	t := time.Now()
	defer func() { q.claim.Add(int64(time.Since(t))) }()
	q.claims.Add(1)
	return q.Store.ClaimAlerts(ctx, limit, lease)
}

func (q *timedQueue) MarkAlertsSent(ctx context.Context, ids []int64) error {
	t := time.Now()
	defer func() { q.mark.Add(int64(time.Since(t))) }()
	err := q.Store.MarkAlertsSent(ctx, ids)
	q.marks.Add(1)
	if err == nil && q.marked.Add(int64(len(ids))) >= q.want {
		q.once.Do(func() { close(q.done) })
	}
	return err
}
