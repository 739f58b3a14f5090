package web

import (
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

// searchCounts keeps recent searches' counts by their filters.
type searchCounts struct {
	mu     sync.Mutex
	now    func() time.Time
	byKey  map[string]countedSearch
	oldest []string // keys in the order they were stored
}

type countedSearch struct {
	page *ticket.QueuePage
	at   time.Time
}

func newSearchCounts(now func() time.Time) *searchCounts {
	return &searchCounts{now: now, byKey: map[string]countedSearch{}}
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

// get returns the counts kept for key while fresh, or nil.
func (c *searchCounts) get(key string) *ticket.QueuePage {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.byKey[key]
	if !ok || c.now().Sub(e.at) >= searchCountsFresh {
		return nil
	}
	return e.page
}

func (c *searchCounts) put(key string, p *ticket.QueuePage) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if _, ok := c.byKey[key]; !ok {
		c.oldest = append(c.oldest, key)
	}
	c.byKey[key] = countedSearch{page: &ticket.QueuePage{Counts: p.Counts, Capped: p.Capped}, at: c.now()}
	for len(c.oldest) > maxSearchCounts {
		delete(c.byKey, c.oldest[0])
		c.oldest = c.oldest[1:]
	}
}
