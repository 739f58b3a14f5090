package bench

import (
	"bufio"
	"context"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"inboxdesk/auth"
	"inboxdesk/link"
	"inboxdesk/storage"
	"inboxdesk/testenv/pgtest"
	"inboxdesk/ticket"
	"inboxdesk/web"
)

// fanoutTarget is the p99 within which a change must reach every open page.
const fanoutTarget = 50 * time.Millisecond

// TestLiveFanout opens 200 agent pages' event streams (half on the queue,
// half on the ticket) against the real handler and Live hub, then makes
// changes to the ticket one at a time (an internal note, through the store
// as the agent's form does) and measures, from the call, when the last of
// the 200 streams has the change (so the change's own transaction counts). Beside it, in the same run, the same
// changes seen by one bare listener on the database (the store's
// ListenChanges callback): what PostgreSQL's NOTIFY allows, no HTTP.
func TestLiveFanout(t *testing.T) {
	enabled(t)
	const pages, changes = 200, 200
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	pool := pgtest.New(t)
	store := storage.New(pool, storage.DefaultConfig())
	number := fiftyMessageTicket(t, store, 1)
	tk, err := store.TicketByNumber(ctx, number)
	if err != nil {
		t.Fatal(err)
	}
	live := web.NewLive(store, nil, nil)
	liveDone := make(chan struct{})
	go func() { defer close(liveDone); _ = live.Run(ctx) }()
	defer func() { cancel(); <-liveDone }()
	h, authStore := webHandler(t, store, live)
	agent, err := authStore.CreateAgent(ctx, "agent@example.com", "Agent", "")
	if err != nil {
		t.Fatal(err)
	}
	sess, err := authStore.CreateSession(ctx, auth.RoleAgent, agent.ID)
	if err != nil {
		t.Fatal(err)
	}
	srv := serve(t, h)
	cookie := &http.Cookie{Name: "inboxdesk_session", Value: sess.ID}
	streams := make([]*eventStream, pages)
	for i := range streams {
		path := "/agent/events"
		if i%2 == 1 {
			path += fmt.Sprintf("?ticket=%d", number)
		}
		streams[i] = openStream(ctx, t, srv+path, cookie)
	}
	bare := make(chan time.Time, 16)
	go func() {
		_ = store.ListenChanges(ctx, func(id int64) {
			if id == tk.ID {
				select {
				case bare <- time.Now():
				default:
				}
			}
		}, nil)
	}()
	time.Sleep(200 * time.Millisecond) // the bare listener has run LISTEN

	stop := profile(t, "fanout")
	var all, direct, added []time.Duration
	for i := range changes {
		start := time.Now()
		if _, err := store.Act(ctx, agent.ID, ticket.ActNote, ticket.Post{TicketID: tk.ID,
			Text: fmt.Sprintf("note %d", i)}); err != nil {
			t.Fatal(err)
		}
		db := firstAfter(t, bare, start)
		last := db
		for _, s := range streams {
			last = later(last, firstAfter(t, s.changes, start))
		}
		direct, all, added = append(direct, db.Sub(start)), append(all, last.Sub(start)), append(added, last.Sub(db))
		settle(bare, streams)
	}
	stop()
	p50, p99 := percentile(all, 50), percentile(all, 99)
	addRow(row{figure: fmt.Sprintf("a ticket change reaching all %d open agent pages' event streams (half queue, half the ticket; %d changes, one at a time)",
		pages, changes),
		ours:     fmt.Sprintf("p50 %s, p99 %s", ms(p50), ms(p99)),
		baseline: fmt.Sprintf("p50 %s, p99 %s to one bare LISTEN on the database", ms(percentile(direct, 50)), ms(percentile(direct, 99))),
		ratio:    fmt.Sprintf("the fan-out adds p50 %s, p99 %s", ms(percentile(added, 50)), ms(percentile(added, 99))),
		target:   "p99 < " + ms(fanoutTarget), met: p99 < fanoutTarget})
}

// eventStream is one open /agent/events connection: the time each change
// event arrived is sent on changes.
type eventStream struct {
	changes chan time.Time
}

// openStream opens u as an agent's page does and returns once it is
// subscribed (the stream's ": connected" comment follows the subscription).
func openStream(ctx context.Context, t *testing.T, u string, c *http.Cookie) *eventStream {
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	req.AddCookie(c)
	resp, err := streamClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: %d", u, resp.StatusCode)
	}
	s := &eventStream{changes: make(chan time.Time, 16)}
	connected := make(chan struct{})
	var once sync.Once
	go func() {
		defer resp.Body.Close()
		sc := bufio.NewScanner(resp.Body)
		for sc.Scan() {
			switch line := sc.Text(); {
			case line == ": connected":
				once.Do(func() { close(connected) })
			case strings.HasPrefix(line, "event: change"):
				select {
				case s.changes <- time.Now():
				default: // the measurement reads on; a full buffer only means settle has not run
				}
			}
		}
	}()
	select {
	case <-connected:
	case <-time.After(10 * time.Second):
		t.Fatalf("GET %s: not connected", u)
	}
	return s
}

// streamClient holds one connection per stream, as browsers' tabs do.
var streamClient = &http.Client{Transport: &http.Transport{DisableCompression: true, MaxIdleConnsPerHost: -1}}

// firstAfter is when the first signal on ch at or after start arrived;
// it fails the test when none comes within 10 s.
func firstAfter(t *testing.T, ch <-chan time.Time, start time.Time) time.Time {
	deadline := time.After(10 * time.Second)
	for {
		select {
		case at := <-ch:
			if !at.Before(start) {
				return at
			}
		case <-deadline:
			t.Fatal("a change did not arrive within 10 s")
		}
	}
}

// settle lets the notifications of one change (several events may be
// written) all arrive, then drops them, so the next change is timed alone.
func settle(bare chan time.Time, streams []*eventStream) {
	time.Sleep(30 * time.Millisecond)
	drain(bare)
	for _, s := range streams {
		drain(s.changes)
	}
}

func drain(ch chan time.Time) {
	for {
		select {
		case <-ch:
		default:
			return
		}
	}
}

func later(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}

// webHandler is the product's web handler on store (live may be nil) and
// the auth store it signs visitors in with.
func webHandler(t *testing.T, store *storage.Store, live *web.Live) (http.Handler, *auth.Store) {
	h, authStore, err := newWebHandler(store, live)
	if err != nil {
		t.Fatal(err)
	}
	return h, authStore
}

// newWebHandler is webHandler for the poller child, which has no test to fail.
func newWebHandler(store *storage.Store, live *web.Live) (http.Handler, *auth.Store, error) {
	authStore := auth.NewStore(storage.NewSignIn(store.Pool()), auth.Config{CodeKey: []byte(strings.Repeat("c", 32))})
	keys, _ := link.ParseKeys(link.GenerateKey())
	base, _ := link.ParseBaseURL("http://127.0.0.1")
	h, err := web.New(web.Config{BaseURL: base, Keys: keys},
		web.Deps{Tickets: store, Auth: authStore, Codes: noCodes{}, Live: live})
	return h, authStore, err
}
