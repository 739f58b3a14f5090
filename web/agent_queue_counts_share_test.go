package web

import (
	"context"
	"sync"
	"testing"
	"time"

	"inboxdesk/ticket"
)

// TestSearchCountedOnceWhileOthersWait: of many requests for the same search
// at once, one counts and the others get its counts when it is done.
func TestSearchCountedOnceWhileOthersWait(t *testing.T) {
	c := newSearchCounts(time.Now)
	key := countsKey(ticket.QueueFilter{Search: "printer"})
	first, count := c.claim(context.Background(), key)
	if first != nil || !count {
		t.Fatalf("the first request got %v, count %v; want to count", first, count)
	}
	var wg sync.WaitGroup
	got := make(chan *ticket.QueuePage, 20)
	for range 20 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			p, count := c.claim(context.Background(), key)
			if count {
				t.Error("a second request was told to count")
			}
			got <- p
		}()
	}
	time.Sleep(10 * time.Millisecond) // let them wait; the test holds either way
	c.done(key, &ticket.QueuePage{Counts: map[ticket.Status]int{ticket.StatusOpen: 7}})
	wg.Wait()
	close(got)
	for p := range got {
		if p == nil || p.Counts[ticket.StatusOpen] != 7 {
			t.Errorf("a waiting request got %+v, want the counted page", p)
		}
	}
}
