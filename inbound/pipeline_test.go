package inbound_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"inboxdesk/inbound"
	"inboxdesk/testenv/dovecot"
	"inboxdesk/ticket"
)

// sixLargeMails are six 13 MB mails: with BatchBytes 1 every mail is a
// batch of its own, far more batches than a count-based pipeline expects.
func sixLargeMails() [][]byte {
	body := strings.Repeat(strings.Repeat("x", 76)+"\r\n", 13<<20/78)
	var raws [][]byte
	for i := 0; i < 6; i++ {
		raws = append(raws, []byte(customerMail(fmt.Sprintf("big%d@example.org", i), fmt.Sprintf("big%d@example.org", i),
			fmt.Sprintf("Large %d", i), body)))
	}
	return raws
}

// pollWithin polls once and fails the test if the poll does not return in time.
func pollWithin(t *testing.T, p *inbound.Poller, limit time.Duration) inbound.Stats {
	t.Helper()
	type result struct {
		st  inbound.Stats
		err error
	}
	done := make(chan result, 1)
	go func() {
		st, err := p.Poll(context.Background(), "support")
		done <- result{st, err}
	}()
	select {
	case r := <-done:
		if r.err != nil {
			t.Fatalf("poll: %v", r.err)
		}
		return r.st
	case <-time.After(limit):
		t.Fatalf("poll still running after %s", limit)
		return inbound.Stats{}
	}
}

// slowCommits makes every stored message take a while to commit, so the
// fetching stage runs ahead of the committing one (as with big mail on a
// busy database).
func slowCommits(t *testing.T, pool *pgxpool.Pool) {
	t.Helper()
	_, err := pool.Exec(context.Background(), `
		CREATE FUNCTION test_slow_insert() RETURNS trigger LANGUAGE plpgsql AS
			$$ BEGIN PERFORM pg_sleep(0.3); RETURN NEW; END $$;
		CREATE TRIGGER test_slow_insert BEFORE INSERT ON messages
			FOR EACH ROW EXECUTE FUNCTION test_slow_insert()`)
	if err != nil {
		t.Fatal(err)
	}
}

func TestLargeMailsInByteBoundBatchesFinish(t *testing.T) {
	r := newRig(t)
	slowCommits(t, r.pool)
	for _, raw := range sixLargeMails() {
		r.append(string(raw))
	}
	p := r.poller(inbound.Options{BatchBytes: 1})
	st := pollWithin(t, p, time.Minute)
	if st.Fetched != 6 || st.Outcomes[ticket.OutcomeNewTicket] != 6 {
		t.Fatalf("poll %+v, want six new tickets", st)
	}
	if got := r.count(`SELECT last_uid FROM mailboxes`); got != 6 {
		t.Fatalf("checkpoint %d, want 6", got)
	}
}

func TestDovecotLargeMailsInByteBoundBatchesFinish(t *testing.T) {
	dc := dovecot.Start(t)
	store := dovecotStore(t, dc, ticket.Mailbox{})
	slowCommits(t, store.Pool())
	dc.AppendMany(t, "INBOX", sixLargeMails())
	p := inbound.NewPoller(store, quietLog(), inbound.Options{BatchBytes: 1})
	defer p.Close()
	st := pollWithin(t, p, time.Minute)
	if st.Fetched != 6 || st.Outcomes[ticket.OutcomeNewTicket] != 6 {
		t.Fatalf("poll %+v, want six new tickets", st)
	}
}
