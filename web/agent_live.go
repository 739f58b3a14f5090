package web

import (
	"context"
	"log/slog"
	"sync"
	"time"

	"inboxdesk/storage"
)

// maxLiveStreams caps the event streams one process holds open; past it a
// browser is told to try later (its page still works, reloads show changes).
const maxLiveStreams = 5000

// Live fans ticket changes out to the agent pages' event streams. One Live
// per process is fed by a single LISTEN connection (storage.Store.ListenChanges), so
// a change made on any replica reaches every agent's browser.
//
// Wiring: make it with NewLive, pass it in Deps.Live, and run Run in its own
// goroutine for as long as the server serves:
//
//	live := web.NewLive(tickets, logger, metrics.LiveListenLost)
//	go live.Run(ctx)
//	h, err := web.New(cfg, web.Deps{..., Live: live})
//
// Cancelling ctx (before or with http.Server.Shutdown) ends every open event
// stream, so shutdown does not wait for them.
type Live struct {
	store *storage.Store
	log   *slog.Logger
	lost  func()        // counts a lost or refused LISTEN connection
	done  chan struct{} // closed when Run returns: streams end

	mu   sync.Mutex
	subs map[*liveSub]struct{}
	over bool
}

// liveSub is one open event stream: what it watches and a one-slot signal
// that coalesces any number of changes until the stream writes them.
type liveSub struct {
	ticketID int64 // 0 = every ticket (the queue)
	changed  chan struct{}
}

// NewLive returns a hub for store's changes; nil log discards logs, and
// lost (nil: not counted) is called on every lost or refused database
// connection, for a metric.
func NewLive(store *storage.Store, log *slog.Logger, lost func()) *Live {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	if lost == nil {
		lost = func() {}
	}
	return &Live{store: store, log: log, lost: lost, done: make(chan struct{}), subs: map[*liveSub]struct{}{}}
}

// Run listens for ticket changes until ctx is cancelled, then ends every
// stream. It reconnects by itself after a lost database connection, logging
// and counting each failure; it returns nil once ctx is done. Call it once.
func (l *Live) Run(ctx context.Context) error {
	defer l.stop()
	l.log.Info("web: live updates listening")
	return l.store.ListenChanges(ctx, l.publish, l.listenLost)
}

// listenLost reports a lost or refused LISTEN connection. Pages keep
// working meanwhile; they only stop updating by themselves until it is back.
func (l *Live) listenLost(err error, retryIn time.Duration) {
	l.lost()
	l.log.Warn("web: live updates lost the database; listening again soon", "err", err, "retry_in", retryIn)
}

func (l *Live) stop() {
	l.mu.Lock()
	defer l.mu.Unlock()
	if !l.over {
		l.over = true
		close(l.done)
	}
}

// publish signals the streams watching ticketID, and the queue streams; 0
// (after a reconnect: anything may have changed) signals every stream.
func (l *Live) publish(ticketID int64) {
	l.mu.Lock()
	defer l.mu.Unlock()
	for sub := range l.subs {
		if ticketID == 0 || sub.ticketID == 0 || sub.ticketID == ticketID {
			select {
			case sub.changed <- struct{}{}:
			default: // a signal is already pending
			}
		}
	}
}

// subscribe opens a stream's subscription; false when the hub has stopped
// or is full.
func (l *Live) subscribe(ticketID int64) (*liveSub, bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.over || len(l.subs) >= maxLiveStreams {
		return nil, false
	}
	sub := &liveSub{ticketID: ticketID, changed: make(chan struct{}, 1)}
	l.subs[sub] = struct{}{}
	return sub, true
}

func (l *Live) unsubscribe(sub *liveSub) {
	l.mu.Lock()
	defer l.mu.Unlock()
	delete(l.subs, sub)
}
