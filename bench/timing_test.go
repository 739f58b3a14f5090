package bench

import (
	"context"
	"sync/atomic"
	"time"

	"inboxdesk/storage"
	"inboxdesk/ticket"
)

type timedQueue struct {
	*storage.Store
	claim, mark atomic.Int64
}

func (q *timedQueue) ClaimAlerts(ctx context.Context, limit int, lease time.Duration) ([]ticket.AlertJob, error) {
	t := time.Now()
	defer func() { q.claim.Add(int64(time.Since(t))) }()
	return q.Store.ClaimAlerts(ctx, limit, lease)
}
func (q *timedQueue) MarkAlertsSent(ctx context.Context, ids []int64) error {
	t := time.Now()
	defer func() { q.mark.Add(int64(time.Since(t))) }()
	return q.Store.MarkAlertsSent(ctx, ids)
}
