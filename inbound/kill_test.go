package inbound_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"inboxdesk/inbound"
	"inboxdesk/storage"
	"inboxdesk/testenv/pgtest"
)

// TestMain doubles as the poller child process of the kill test.
func TestMain(m *testing.M) {
	if url := os.Getenv("INBOXDESK_TEST_CHILD_DB"); url != "" {
		os.Exit(childPoll(url))
	}
	os.Exit(m.Run())
}

// childPoll polls the "support" mailbox in small batches until nothing is left.
func childPoll(url string) int {
	ctx := context.Background()
	pool, err := pgxpool.New(ctx, url)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 2
	}
	p := inbound.NewPoller(storage.New(pool, testStoreConfig()), quietLog(), inbound.Options{BatchMessages: 3})
	for {
		st, err := p.Poll(ctx, "support")
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 1
		}
		if st.Fetched == 0 && !st.Skipped {
			return 0
		}
	}
}

// killedPoller names the killed children's database sessions.
const killedPoller = "killed-poller"

func TestSIGKILLMidBatchIngestsEveryMailExactlyOnce(t *testing.T) {
	if testing.Short() {
		t.Skip("spawns processes")
	}
	r := newRig(t)
	const rounds, perRound = 20, 100
	const n = rounds * perRound
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	kills := 0
	for i := 0; i < rounds; i++ {
		// More mail arrives each round, so every kill lands while there is work.
		for j := i * perRound; j < (i+1)*perRound; j++ {
			r.append(customerMail(fmt.Sprintf("k%d@example.org", j%17), fmt.Sprintf("kill%d@example.org", j),
				fmt.Sprintf("Kill %d", j), "body"))
		}
		cmd := exec.Command(self)
		cmd.Env = append(os.Environ(), "INBOXDESK_TEST_CHILD_DB="+pgtest.Named(r.pool.Config().ConnString(), killedPoller))
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		time.Sleep(time.Duration(20+rand.IntN(200)) * time.Millisecond)
		_ = cmd.Process.Signal(syscall.SIGKILL)
		_ = cmd.Wait()
		kills++
	}
	// What a killed child had sent still runs on the server after its death
	// (a batch commits, moving the checkpoint): the last poll waits for it.
	if err := pgtest.WaitGone(context.Background(), r.pool, killedPoller); err != nil {
		t.Fatal(err)
	}
	before := r.count(`SELECT last_uid FROM mailboxes`)
	// A killed child's advisory lock lasts until PostgreSQL notices its
	// connection is gone: a poll skipped for it is tried again.
	p := r.poller(inbound.Options{})
	deadline := time.Now().Add(10 * time.Second)
	for st := r.poll(p); st.Skipped && time.Now().Before(deadline); st = r.poll(p) {
		time.Sleep(20 * time.Millisecond)
	}
	if got := r.count(`SELECT count(*) FROM messages`); got != n {
		t.Fatalf("after %d kills: %d messages, want %d", kills, got, n)
	}
	if got := r.count(`SELECT count(DISTINCT message_id) FROM messages`); got != n {
		t.Fatalf("distinct message ids %d, want %d", got, n)
	}
	if got := r.count(`SELECT count(*) FROM alerts`); got != n {
		t.Fatalf("alerts %d, want one per new ticket (%d)", got, n)
	}
	t.Logf("killed the poller %d times while it ingested %d mails (%d done by the killed children)", kills, n, before)
}
