package web_test

import (
	"bufio"
	"context"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"inboxdesk/storage"
	"inboxdesk/testenv/pgtest"
	"inboxdesk/testenv/syncbuf"
	"inboxdesk/ticket"
	"inboxdesk/web"
)

// liveEnv is an env whose web view has a running Live hub.
func liveEnv(t *testing.T) *env {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	e := newEnv(t, func(_ *web.Config, d *web.Deps) {
		d.Live = web.NewLive(d.Tickets, nil, nil)
		go func() {
			defer close(done)
			_ = d.Live.Run(ctx)
		}()
	})
	t.Cleanup(func() {
		cancel()
		<-done
	})
	return e
}

// stream is an open /agent/events connection, its events read in the background.
type stream struct {
	resp   *http.Response
	events chan string // "change:DATA" per event, "connected" first
}

func (b *browser) stream(path string) *stream {
	b.t.Helper()
	req, _ := http.NewRequest(http.MethodGet, b.e.srv.URL+path, nil)
	resp, err := b.c.Do(req)
	if err != nil {
		b.t.Fatal(err)
	}
	if resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Type") != "text/event-stream" {
		b.t.Fatalf("%s: %d %s", path, resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	s := &stream{resp: resp, events: make(chan string, 100)}
	b.t.Cleanup(func() { resp.Body.Close() })
	go s.read()
	return s
}

func (s *stream) read() {
	sc := bufio.NewScanner(s.resp.Body)
	event := ""
	for sc.Scan() {
		line := sc.Text()
		switch {
		case line == ": connected":
			s.events <- "connected"
		case strings.HasPrefix(line, "event: "):
			event = strings.TrimPrefix(line, "event: ")
		case strings.HasPrefix(line, "data: "):
			s.events <- event + ":" + strings.TrimPrefix(line, "data: ")
		}
	}
	close(s.events)
}

// next returns the next event, or "" after wait.
func (s *stream) next(wait time.Duration) string {
	select {
	case ev := <-s.events:
		return ev
	case <-time.After(wait):
		return ""
	}
}

// TestLiveStreamSendsChanges: with a real Live hub on the test database, a
// ticket page's stream gets a "change" event when another connection changes
// that ticket, and none for another ticket; the queue's stream gets both.
func TestLiveStreamSendsChanges(t *testing.T) {
	e := liveEnv(t)
	watched := e.mailIn(mail("ana@example.org", "Watched", "a", ""))
	other := e.mailIn(mail("bob@example.org", "Other", "b", ""))
	b, _ := e.agentBrowser("zoe@support.example")
	agent := e.agent("yan@support.example")
	note := func(n int64) {
		if _, err := e.tickets.Act(e.ctx, agent, ticket.ActNote, ticket.Post{TicketID: e.ticketByNumber(n).ID, Text: "x"}); err != nil {
			t.Fatal(err)
		}
	}
	queue := b.stream("/agent/events")
	if ev := queue.next(5 * time.Second); ev != "connected" {
		t.Fatalf("queue stream starts with %q", ev)
	}
	// The hub LISTENs in its own goroutine: wait until a change gets through.
	for i := 0; ; i++ {
		note(other)
		if ev := queue.next(500 * time.Millisecond); ev == "change:0" {
			break
		} else if i == 20 {
			t.Fatal("the queue stream never got a change")
		}
	}
	page := b.stream(fmt.Sprintf("/agent/events?ticket=%d", watched))
	if ev := page.next(5 * time.Second); ev != "connected" {
		t.Fatalf("ticket stream starts with %q", ev)
	}
	for queue.next(300*time.Millisecond) != "" { // drain the warm-up's leftovers
	}
	note(other)
	if ev := page.next(time.Second); ev != "" {
		t.Errorf("the ticket stream got %q for another ticket", ev)
	}
	if ev := queue.next(5 * time.Second); ev != "change:0" {
		t.Errorf("the queue stream got %q, want change:0", ev)
	}
	note(watched)
	if ev, want := page.next(5*time.Second), fmt.Sprintf("change:%d", e.ticketByNumber(watched).ID); ev != want {
		t.Errorf("the ticket stream got %q, want %q", ev, want)
	}
}

// TestLiveOffAndFragments: without a hub the stream says 204 (EventSource
// then stops); the fragments the script fetches are bare parts, not pages.
func TestLiveOffAndFragments(t *testing.T) {
	e := newEnv(t, nil)
	n := e.mailIn(mail("ana@example.org", "Fragment", "body text", ""))
	b, _ := e.agentBrowser("zoe@support.example")
	if resp := b.noFollow(http.MethodGet, "/agent/events"); resp.StatusCode != http.StatusNoContent {
		t.Errorf("events without a hub: %d, want 204", resp.StatusCode)
	}
	for path, id := range map[string]string{
		"/agent?fragment=queue": "queue-live", fmt.Sprintf("/agent/tickets/%d?fragment=thread", n): "ticket-live",
	} {
		p := b.get(path)
		p.want(http.StatusOK, "Fragment")
		if p.byID(id) == nil || strings.Contains(p.body, "<html") || strings.Contains(p.body, "act-form") {
			t.Errorf("%s is not the bare #%s part\n%s", path, id, p.body)
		}
	}
	full := b.get(fmt.Sprintf("/agent/tickets/%d", n))
	if root := full.byID("ticket-live"); root == nil || attr(root, "data-version") != full.input("version") {
		t.Error("the ticket page's live part does not carry the form's version")
	}
	if !strings.Contains(full.body, `src="/static/live.js?v=`) || b.get("/static/live.js").status != http.StatusOK {
		t.Error("live.js is not served")
	}
}

// A hub whose database cannot be reached says so in the log and counts
// each failed try, and keeps trying until it is stopped.
func TestLiveLogsAndCountsLostListening(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close() // nothing answers there now
	pool := pgtest.Pool(t, "postgres://nobody@"+addr+"/none?connect_timeout=5")
	var logs syncbuf.Buffer
	lost := make(chan struct{}, 10)
	live := web.NewLive(storage.New(pool, storage.DefaultConfig()), slog.New(slog.NewTextHandler(&logs, nil)),
		func() { lost <- struct{}{} })
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- live.Run(ctx) }()
	select {
	case <-lost:
	case <-time.After(time.Minute):
		t.Fatal("a refused connection was not counted")
	}
	cancel()
	if err := <-done; err != nil {
		t.Errorf("Run after cancel = %v", err)
	}
	if out := logs.String(); !strings.Contains(out, "level=WARN") || !strings.Contains(out, "live updates lost the database") ||
		!strings.Contains(out, "retry_in=1s") || !strings.Contains(out, addr) {
		t.Errorf("log lacks the warning, its wait or its error:\n%s", out)
	}
}
