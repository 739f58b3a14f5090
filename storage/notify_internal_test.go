package storage

import (
	"testing"
	"time"
)

// The wait before listening again doubles while failures follow each other,
// stops growing at listenRetryLast, and starts over after a connection
// that listened.
func TestNextListenRetry(t *testing.T) {
	for _, c := range []struct {
		last     time.Duration
		listened bool
		want     time.Duration
	}{
		{0, false, listenRetryFirst},
		{0, true, listenRetryFirst},
		{listenRetryFirst, false, 2 * listenRetryFirst},
		{4 * time.Second, false, 8 * time.Second},
		{20 * time.Second, false, listenRetryLast},
		{listenRetryLast, false, listenRetryLast},
		{listenRetryLast, true, listenRetryFirst},
	} {
		if got := nextListenRetry(c.last, c.listened); got != c.want {
			t.Errorf("nextListenRetry(%v, %v) = %v, want %v", c.last, c.listened, got, c.want)
		}
	}
}
