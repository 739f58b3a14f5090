package inbound

import (
	"context"
	"errors"
	"log/slog"
	"sync"
	"time"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"

	"inboxdesk/storage"
	"inboxdesk/ticket"
)

// IdleOptions tunes the IMAP IDLE watchers; zero fields take defaults.
type IdleOptions struct {
	Off        bool          // no IDLE: the cron schedule alone polls
	LockRetry  time.Duration // how often a replica not watching a mailbox tries to take over (30 s)
	BackoffMin time.Duration // first wait before reconnecting a lost IDLE connection (1 s)
	BackoffMax time.Duration // longest wait (1 min)
}

func (o IdleOptions) withDefaults() IdleOptions {
	if o.LockRetry <= 0 {
		o.LockRetry = 30 * time.Second
	}
	if o.BackoffMin <= 0 {
		o.BackoffMin = time.Second
	}
	if o.BackoffMax <= 0 {
		o.BackoffMax = time.Minute
	}
	return o
}

// errNoIdle means the server does not offer IDLE: the cron schedule polls.
var errNoIdle = errors.New("the server does not offer IDLE")

// idlers keeps one IDLE watcher per mailbox (RFC 2177). The process holding
// a mailbox's idle lock keeps a connection idling on its folder; new mail
// (EXISTS) starts a poll at once. A lost connection is re-opened with
// backoff and followed by a poll, so mail that came meanwhile is not left
// for the cron schedule, which stays as the fallback.
type idlers struct {
	poller *Poller
	store  *storage.Store
	log    *slog.Logger
	opts   IdleOptions

	mu      sync.Mutex
	running map[string]*watcher
	wg      sync.WaitGroup
}

type watcher struct {
	url    string
	cancel context.CancelFunc
}

func newIdlers(p *Poller, store *storage.Store, log *slog.Logger, opts IdleOptions) *idlers {
	return &idlers{poller: p, store: store, log: log, opts: opts.withDefaults(), running: map[string]*watcher{}}
}

// sync starts a watcher for each mailbox without one (or whose URL
// changed) and stops those of mailboxes that are gone.
func (w *idlers) sync(ctx context.Context, boxes []ticket.Mailbox) {
	if w.opts.Off {
		return
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	seen := map[string]bool{}
	for _, mb := range boxes {
		seen[mb.Name] = true
		if cur, ok := w.running[mb.Name]; ok && cur.url == mb.URL {
			continue
		} else if ok {
			cur.cancel()
		}
		wctx, cancel := context.WithCancel(ctx)
		w.running[mb.Name] = &watcher{url: mb.URL, cancel: cancel}
		w.wg.Add(1)
		go func() { defer w.wg.Done(); w.watch(wctx, mb) }()
	}
	for name, cur := range w.running {
		if !seen[name] {
			cur.cancel()
			delete(w.running, name)
		}
	}
}

// wait returns once every watcher stopped (their context ended).
func (w *idlers) wait() { w.wg.Wait() }

// watch idles on mb while this process holds its idle lock, taking the lock
// over when its holder goes away.
func (w *idlers) watch(ctx context.Context, mb ticket.Mailbox) {
	backoff := w.opts.BackoffMin
	for ctx.Err() == nil {
		unlock, ok, err := w.store.TryLockMailboxIdle(ctx, mb.ID)
		if err != nil || !ok {
			sleep(ctx, w.opts.LockRetry) // another replica watches it (or the database is away)
			continue
		}
		start := time.Now()
		err = w.idle(ctx, mb)
		unlock()
		switch {
		case ctx.Err() != nil:
			return
		case errors.Is(err, errNoIdle):
			w.log.Info("IMAP IDLE not offered: the schedule alone polls", "mailbox", mb.Name)
			return
		}
		if time.Since(start) > w.opts.BackoffMax {
			backoff = w.opts.BackoffMin // it had worked for a while: this is a new outage
		}
		w.log.Warn("IMAP IDLE connection lost, reconnecting", "mailbox", mb.Name, "in", backoff, "err", err)
		sleep(ctx, backoff)
		backoff = min(2*backoff, w.opts.BackoffMax)
	}
}

// idle opens a connection on the folder, polls once (for what came while
// nobody watched), then polls on every change the server announces, until
// the connection is lost or ctx ends.
func (w *idlers) idle(ctx context.Context, mb ticket.Mailbox) error {
	t, err := ParseURL(mb.URL)
	if err != nil {
		return err
	}
	t.Tokens = w.poller.opts.Tokens
	changed := make(chan struct{}, 1)
	h := &imapclient.UnilateralDataHandler{Mailbox: func(d *imapclient.UnilateralDataMailbox) {
		if d.NumMessages != nil {
			select {
			case changed <- struct{}{}:
			default: // a poll is already due
			}
		}
	}}
	s, err := dialWith(ctx, t, w.poller.opts.CommandTimeout, h)
	if err != nil {
		return err
	}
	defer s.close()
	if !s.c.Caps().Has(imap.CapIdle) && !s.c.Caps().Has(imap.CapIMAP4rev2) {
		return errNoIdle
	}
	var cmd *imapclient.IdleCommand
	if err := s.watch(func() (err error) { cmd, err = s.c.Idle(); return err }); err != nil {
		return err
	}
	w.pollNow(ctx, mb.Name)
	for {
		select {
		case <-ctx.Done():
			return errors.Join(s.watch(cmd.Close), ctx.Err())
		case <-s.c.Closed():
			return errors.New("connection closed")
		case <-changed:
			w.pollNow(ctx, mb.Name)
		}
	}
}

// pollNow polls the mailbox, waiting its turn when a scheduled poll holds
// the lock: that poll may have looked before the new mail came.
func (w *idlers) pollNow(ctx context.Context, name string) {
	for ctx.Err() == nil {
		st, err := w.poller.Poll(ctx, name)
		if err != nil {
			w.log.Error("poll on new mail failed", "mailbox", name, "err", err)
			return
		}
		if !st.Skipped {
			if st.Fetched > 0 {
				w.log.Info("polled", "mailbox", name, "fetched", st.Fetched, "outcomes", st.Outcomes, "on", "new mail (IDLE)")
			}
			return
		}
		sleep(ctx, 100*time.Millisecond)
	}
}

// sleep waits d or until ctx ends.
func sleep(ctx context.Context, d time.Duration) {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
	case <-t.C:
	}
}
