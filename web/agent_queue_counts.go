package web

import (
	"context"
	"strconv"
	"sync"
	"time"

	"inboxdesk/ticket"
)

// searchCountsFresh is how long a search's tab counts are reused. Counting
// a common word's matches reads its whole entry in the search index (tens of
// thousands of tickets, 50–250 ms) on every page, every tab switch and every
// live refresh; for that long the tabs show what the first page counted,
// while the list itself is always read anew.
const searchCountsFresh = 30 * time.Second

// maxSearchCounts bounds the searches kept; past it the oldest go first.
const maxSearchCounts = 1000

// searchCounts keeps recent searches' counts by their filters. While one
// request counts a search, the others for it wait for its counts: 64 agents'
// pages missing at once would otherwise each count, and hold every pooled
// connection for seconds.
type searchCounts struct {
	mu       sync.Mutex
	now      func() time.Time
	byKey    map[string]countedSearch
	oldest   []string                 // keys in the order they were stored
	counting map[string]chan struct{} // closed when that search's counts are known
}

type countedSearch struct {
	page *ticket.QueuePage
	at   time.Time
}

func newSearchCounts(now func() time.Time) *searchCounts {
	return &searchCounts{now: now, byKey: map[string]countedSearch{}, counting: map[string]chan struct{}{}}
}

// countsKey is what a search's counts depend on: every filter but the
// status tab, the page and the cursor ("" when there is no search: those
// counts are read live from the database at no cost).
func countsKey(f ticket.QueueFilter) string {
	if f.Search == "" {
		return ""
	}
	agent := int64(0)
	if f.Assignee == "me" {
		agent = f.AgentID
	}
	return f.Assignee + "\x00" + strconv.FormatInt(agent, 10) + "\x00" + strconv.FormatInt(f.MailboxID, 10) + "\x00" + f.Search
}

// claim returns the counts kept for key while fresh. Otherwise it waits
// while another request counts the same search; when none does, it returns
// nil and count true: the caller counts, then calls done.
func (c *searchCounts) claim(ctx context.Context, key string) (kept *ticket.QueuePage, count bool) {
	for {
		c.mu.Lock()
		if e, ok := c.byKey[key]; ok && c.now().Sub(e.at) < searchCountsFresh {
			c.mu.Unlock()
			return e.page, false
		}
		wait, busy := c.counting[key]
		if !busy {
			c.counting[key] = make(chan struct{})
			c.mu.Unlock()
			return nil, true
		}
		c.mu.Unlock()
		select {
		case <-wait:
		case <-ctx.Done():
			return nil, false // counts for itself rather than wait on
		}
	}
}

// done keeps p's counts for key (none when p is nil: counting failed) and
// wakes the requests waiting for them.
func (c *searchCounts) done(key string, p *ticket.QueuePage) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if p != nil {
		c.put(key, p)
	}
	close(c.counting[key])
	delete(c.counting, key)
}

// put keeps p's counts for key; c.mu is held.
func (c *searchCounts) put(key string, p *ticket.QueuePage) {
	if _, ok := c.byKey[key]; !ok {
		c.oldest = append(c.oldest, key)
	}
	c.byKey[key] = countedSearch{page: &ticket.QueuePage{Counts: p.Counts, Capped: p.Capped}, at: c.now()}
	for len(c.oldest) > maxSearchCounts {
		delete(c.byKey, c.oldest[0])
		c.oldest = c.oldest[1:]
	}
}
