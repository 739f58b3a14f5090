package storage_test

import (
	"context"
	"net/url"
	"strconv"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"inboxdesk/storage"
	"inboxdesk/testenv/pgtest"
	"inboxdesk/testenv/tcpproxy"
)

// listenLoss is one failure ListenChanges reported.
type listenLoss struct {
	err     error
	retryIn time.Duration
}

// A LISTEN connection that breaks, and a database that then refuses new
// connections, are each reported with a growing wait; once the database is
// back, the listener is too: it says "anything may have changed" (0) and
// then passes on changes again.
func TestListenChangesReportsLossAndRecovers(t *testing.T) {
	direct := pgtest.NewURL(t)
	u, err := url.Parse(direct)
	if err != nil || u.Host == "" {
		t.Fatalf("DATABASE_URL must be a postgres:// URL with a host (%v)", err)
	}
	proxy := tcpproxy.Start(t, u.Host)
	u.Host = proxy.Addr()
	store := storage.New(pgtest.Pool(t, u.String()), storage.DefaultConfig())
	notifier := pgtest.Pool(t, direct)

	ctx, cancel := context.WithCancel(context.Background())
	ids, losses, done := make(chan int64, 1000), make(chan listenLoss, 100), make(chan error, 1)
	go func() {
		done <- store.ListenChanges(ctx, func(id int64) { ids <- id },
			func(err error, retryIn time.Duration) { losses <- listenLoss{err, retryIn} })
	}()
	defer func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("ListenChanges after cancel = %v, want nil", err)
		}
	}()
	notifyUntilHeard(t, ctx, notifier, ids, 41)

	proxy.Down()
	first, second := nextLoss(t, losses), nextLoss(t, losses)
	if first.err == nil || second.err == nil {
		t.Fatalf("losses reported without their error: %+v, %+v", first, second)
	}
	if first.retryIn <= 0 || second.retryIn <= first.retryIn {
		t.Errorf("waits %v then %v: want a wait that grows while the database refuses", first.retryIn, second.retryIn)
	}

	proxy.Up()
	heardZero(t, ids)
	notifyUntilHeard(t, ctx, notifier, ids, 42)
}

// nextLoss waits for ListenChanges's next reported failure.
func nextLoss(t *testing.T, losses <-chan listenLoss) listenLoss {
	t.Helper()
	select {
	case l := <-losses:
		return l
	case <-time.After(time.Minute):
		t.Fatal("no lost connection reported")
		return listenLoss{}
	}
}

// notifyUntilHeard announces a change of ticket id until the listener
// passes it on (the first NOTIFY may come before LISTEN has run).
func notifyUntilHeard(t *testing.T, ctx context.Context, notifier *pgxpool.Pool, ids <-chan int64, id int64) {
	t.Helper()
	deadline := time.After(time.Minute)
	for {
		if _, err := notifier.Exec(ctx, "SELECT pg_notify('inboxdesk_ticket_changed', $1)", strconv.FormatInt(id, 10)); err != nil {
			t.Fatal(err)
		}
		select {
		case got := <-ids:
			if got == id {
				return
			}
		case <-time.After(100 * time.Millisecond):
		case <-deadline:
			t.Fatalf("change of ticket %d never heard", id)
		}
	}
}

// heardZero waits for the listener's "anything may have changed" (0).
func heardZero(t *testing.T, ids <-chan int64) {
	t.Helper()
	deadline := time.After(time.Minute)
	for {
		select {
		case id := <-ids:
			if id == 0 {
				return
			}
		case <-deadline:
			t.Fatal("no 0 (anything may have changed) after listening again")
		}
	}
}
