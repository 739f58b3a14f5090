package web

import (
	"context"
	"html/template"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"inboxdesk/ticket"
)

// queuePerPage is how many tickets one queue page lists.
const queuePerPage = 50

// maxQueuePage bounds the page number a URL may ask for, so that the
// page's offset in the database cannot overflow.
const maxQueuePage = 1 << 20

// queueStatuses are the queue's tabs, in order; "all" is every status.
var queueStatuses = []string{"open", "pending", "resolved", "closed", "all"}

// queueQuery is the queue's filters as its URL carries them.
type queueQuery struct {
	Status   string // one of queueStatuses; "open" when absent
	Assignee string // "all" (absent), "me", "unassigned"
	Mailbox  int64  // 0 = every mailbox
	Search   string // a number, an address, or words
	Page     int    // from 1
	// After is where the Next link left off: the last ticket of the page
	// before (its activity time and id), so a deep page reads its 50 tickets
	// from the index instead of skipping all the earlier ones. The page
	// number stays for the pager and for links without it.
	After *ticket.Summary
	Sort  string // "" (newest activity first) or "waiting" (longest-waiting customer first)
}

type queueTab struct {
	Status  string
	Count   int
	AtLeast bool // a search stopped counting: Count is a lower bound
	URL     string
	Current bool
}

type mailboxOption struct {
	ID   int64
	Name string
}

type queueData struct {
	Query     queueQuery
	Tabs      []queueTab
	Tickets   []ticket.Summary
	Rows      template.HTML // the Tickets' table rows (queueRows)
	Total     int
	Page      int
	Pages     int  // 0 when More
	More      bool // a search matched more tickets than it counts (ticket.SearchCountCap)
	PrevURL   string
	NextURL   string
	Mailboxes []mailboxOption
	Stalled   []stalledMailbox
	// SignIn lists the mailboxes whose OAuth2 grant the provider refused:
	// they are not polled until the grant is renewed.
	SignIn []signInBanner
}

type signInBanner struct {
	Mailbox, Grant, Reason string
}

// stalledMailbox is a mailbox whose backlog on the mail server has not
// shrunk for several polls: mail is waiting that no ticket shows yet.
type stalledMailbox struct {
	Name    string
	UIDs    int64
	Waiting string // how long its oldest mail has waited ("" when unknown)
}

// agentQueueShow lists tickets for agents: a tab per status with its count,
// filters for assignee and mailbox, a search box, newest activity first,
// paged. ?fragment=queue renders only the part the live page swaps in.
func (s *Server) agentQueueShow(w http.ResponseWriter, r *http.Request) {
	q := parseQueueQuery(r.URL.Query())
	f := q.filter(sessionFrom(r).AgentID)
	res, err := s.queuePage(r.Context(), f)
	if err != nil {
		s.serverError(w, r, "queue", err)
		return
	}
	boxes, err := s.deps.Tickets.Mailboxes(r.Context())
	if err != nil {
		s.serverError(w, r, "mailboxes", err)
		return
	}
	d := queueData{Query: q, Tickets: res.Tickets, Rows: s.queueRows(s.views.catalogs[s.language(r, "")], res.Tickets),
		Total: res.Total, Page: q.Page, More: res.Capped,
		Pages: max(1, (res.Total+queuePerPage-1)/queuePerPage), Tabs: s.queueTabs(q, res.Counts, res.Capped)}
	if d.More {
		d.Pages = 0
	}
	for _, b := range boxes {
		d.Mailboxes = append(d.Mailboxes, mailboxOption{ID: b.ID, Name: b.Name})
		if !b.Backlog.StalledSince.IsZero() {
			d.Stalled = append(d.Stalled, stalledMailbox{Name: b.Name, UIDs: b.Backlog.UIDs, Waiting: waited(b.Backlog.OldestAt)})
		}
		if b.GrantBroken != "" {
			d.SignIn = append(d.SignIn, signInBanner{Mailbox: b.Name, Grant: b.Grant, Reason: b.GrantBroken})
		}
	}
	if q.Page > 1 {
		d.PrevURL = s.queueURL(q, func(q *queueQuery) { q.Page-- })
	}
	if q.Page < d.Pages || d.More && len(res.Tickets) == queuePerPage {
		d.NextURL = s.queueURL(q, func(q *queueQuery) { q.Page++; q.After = nextCursor(q, res.Tickets) })
	}
	part := "layout"
	if r.URL.Query().Get("fragment") == "queue" {
		part = "live"
	}
	s.renderPart(w, r, http.StatusOK, "agent_queue", part, &page{Data: d}, "")
}

// queuePage lists the queue under f, a search's counts reused or shared
// with the requests counting them meanwhile (searchCounts).
func (s *Server) queuePage(ctx context.Context, f ticket.QueueFilter) (res *ticket.QueuePage, err error) {
	key := countsKey(f)
	if key == "" {
		return s.deps.Tickets.Queue(ctx, f)
	}
	var count bool
	if f.Counted, count = s.searchCounts.claim(ctx, key); !count {
		return s.deps.Tickets.Queue(ctx, f)
	}
	defer func() { s.searchCounts.done(key, res) }() // also when Queue panics: no one waits forever
	return s.deps.Tickets.Queue(ctx, f)
}

func parseQueueQuery(v url.Values) queueQuery {
	q := queueQuery{Status: v.Get("status"), Assignee: v.Get("assignee"), Search: strings.TrimSpace(v.Get("q"))}
	if !slices.Contains(queueStatuses, q.Status) {
		q.Status = "open"
	}
	if q.Assignee != "me" && q.Assignee != "unassigned" {
		q.Assignee = "all"
	}
	q.Mailbox, _ = strconv.ParseInt(v.Get("mailbox"), 10, 64)
	if v.Get("sort") == "waiting" {
		q.Sort = "waiting"
	}
	q.Page, _ = strconv.Atoi(v.Get("page"))
	q.Page = min(max(q.Page, 1), maxQueuePage)
	if q.Page > 1 {
		q.After = parseCursor(v.Get("after"))
	}
	return q
}

// nextCursor is the position the page after tickets starts from, or nil
// when the order has no cursor (longest waiting first) or the page is empty.
func nextCursor(q *queueQuery, tickets []ticket.Summary) *ticket.Summary {
	if q.Sort != "" || len(tickets) == 0 {
		return nil
	}
	last := tickets[len(tickets)-1]
	return &ticket.Summary{ID: last.ID, UpdatedAt: last.UpdatedAt}
}

// parseCursor reads an "after" parameter (activity time in microseconds
// since 1970, a dot, the ticket's id); nil when absent or malformed, and
// the page number decides then.
func parseCursor(v string) *ticket.Summary {
	micros, id, ok := strings.Cut(v, ".")
	if !ok {
		return nil
	}
	us, err1 := strconv.ParseInt(micros, 10, 64)
	n, err2 := strconv.ParseInt(id, 10, 64)
	if err1 != nil || err2 != nil {
		return nil
	}
	return &ticket.Summary{ID: n, UpdatedAt: time.UnixMicro(us)}
}

func (q queueQuery) filter(agentID int64) ticket.QueueFilter {
	f := ticket.QueueFilter{Status: ticket.Status(q.Status), Assignee: q.Assignee, AgentID: agentID,
		MailboxID: q.Mailbox, Search: q.Search, Page: q.Page, PerPage: queuePerPage, ByWaiting: q.Sort == "waiting"}
	if q.Sort == "" {
		f.After = q.After
	}
	if q.Status == "all" {
		f.Status = ""
	}
	if q.Assignee == "all" {
		f.Assignee = ""
	}
	return f
}

// queueURL is the queue's address with q's filters changed by change
// (defaults left out). The cursor is kept only when change sets it: any
// other change of the filters or page starts from the page number.
func (s *Server) queueURL(q queueQuery, change func(*queueQuery)) string {
	q.After = nil
	change(&q)
	v := url.Values{}
	if q.Status != "open" {
		v.Set("status", q.Status)
	}
	if q.Assignee != "all" {
		v.Set("assignee", q.Assignee)
	}
	if q.Mailbox != 0 {
		v.Set("mailbox", idStr(q.Mailbox))
	}
	if q.Search != "" {
		v.Set("q", q.Search)
	}
	if q.Sort != "" {
		v.Set("sort", q.Sort)
	}
	if q.Page > 1 {
		v.Set("page", strconv.Itoa(q.Page))
	}
	if q.After != nil {
		v.Set("after", strconv.FormatInt(q.After.UpdatedAt.UnixMicro(), 10)+"."+idStr(q.After.ID))
	}
	if len(v) == 0 {
		return s.path("/agent")
	}
	return s.path("/agent?" + v.Encode())
}

// queueTabs gives each status its count under the other filters (lower
// bounds when capped, "all" then the cap); a new tab starts at page 1.
func (s *Server) queueTabs(q queueQuery, counts map[ticket.Status]int, capped bool) []queueTab {
	tabs := make([]queueTab, 0, len(queueStatuses))
	all := 0
	for _, n := range counts {
		all += n
	}
	for _, st := range queueStatuses {
		n := counts[ticket.Status(st)]
		if st == "all" {
			n = all
			if capped {
				n = ticket.SearchCountCap
			}
		}
		tabs = append(tabs, queueTab{Status: st, Count: n, AtLeast: capped, Current: st == q.Status,
			URL: s.queueURL(q, func(q *queueQuery) { q.Status, q.Page = st, 1 })})
	}
	return tabs
}

// waited says how long ago since was, in seconds under a minute and in
// minutes above ("" for the zero time).
func waited(since time.Time) string {
	if since.IsZero() {
		return ""
	}
	d := time.Since(since)
	if d < time.Minute {
		return d.Round(time.Second).String()
	}
	return strings.TrimSuffix(d.Round(time.Minute).String(), "0s")
}
