package bench

import (
	"context"
	"fmt"
	"math/rand/v2"
	neturl "net/url"
	"os"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"inboxdesk/storage"
	"inboxdesk/testenv/dovecot"
	"inboxdesk/testenv/pgtest"
	"inboxdesk/ticket"
)

const (
	// drainMails is the mailbox import: mail waiting in the folder at the first poll.
	drainMails = 100_000
	// drainSmall is the backlog whose drain's peak RSS the import's stands beside.
	drainSmall = 1_000
	// drainClients load the ticket page, idle and during the drain.
	drainClients = 4
)

// TestScaleBacklogDrain puts 100,000 mails into a Dovecot folder (straight
// into its Maildir) and lets a fresh poller process (this test binary,
// re-executed, polling until a poll finds nothing new) drain them into
// tickets while it serves the web view from the same pool, as serve does; a
// customer's 50-message ticket page is loaded from it by a few keep-alive
// clients. It reports the time to drain beside a bare go-imap fetch of the
// same folder, the process's peak RSS beside the same process draining 1,000
// mails (memory must not grow with the backlog), the page's p99 during the
// drain beside the same page served idle by this process, and when the first
// tickets became visible (each batch commits on its own).
func TestScaleBacklogDrain(t *testing.T) {
	enabled(t)
	if os.Getenv("INBOXDESK_SCALE_URL") == "" {
		t.Skip("the backlog drain runs with `make bench-scale` (INBOXDESK_SCALE_URL)")
	}
	ctx := context.Background()
	drainLoad[0] = loadAverage()
	defer func() { drainLoad[1] = loadAverage() }()
	dc := dovecot.Start(t)
	loading := time.Now()
	importBytes := loadBacklog(t, dc, "Import", 0, drainMails)
	loadBacklog(t, dc, "Small", drainMails, drainSmall)
	t.Logf("%d + %d mails (%.0f MB) in Dovecot in %s", drainMails, drainSmall, float64(importBytes)/1e6, secs(time.Since(loading)))
	bare := bareFetch(t, dc, "Import", drainMails, 200, importBytes)
	t.Logf("bare fetch: %s", secs(bare))

	url := pgtest.NewURL(t)
	pool := pgtest.Pool(t, url)
	store := storage.New(pool, storage.DefaultConfig())
	for _, name := range []string{"Import", "Small"} {
		if _, err := store.AddMailbox(ctx, ticket.Mailbox{Name: name, URL: dc.URL(name)}); err != nil {
			t.Fatal(err)
		}
	}
	page, cookie := ticketPage(t, store, 50)
	idle := load(t, page, cookie, drainClients, time.Second, 5*time.Second)
	t.Logf("idle page: p50 %s, p99 %s", ms(idle.p50), ms(idle.p99))
	small := startChild(t, url, "Small", drainSmall, true).wait(t)
	t.Logf("%d mails drained, peak RSS %s", drainSmall, mb(small.peak))

	start := time.Now()
	child := startChild(t, url, "Import", drainMails, true)
	samples := sampleCheckpoint(t, pool, "Import", child)
	path, err := neturl.Parse(page)
	if err != nil {
		t.Fatal(err)
	}
	// The page from the draining process itself, which shares its pool with the poller as serve does.
	during := load(t, child.webBase(t)+path.Path, cookie, drainClients, 2*time.Second, 20*time.Second)
	t.Logf("page during the drain: p50 %s, p99 %s", ms(during.p50), ms(during.p99))
	if !child.running() {
		t.Fatal("the drain ended before the page's measurement did: the figure would not be taken during it")
	}
	big := child.wait(t)
	took := time.Since(start)
	first, gap := samples()
	t.Logf("drained in %s, peak RSS %s, first commit after %s, longest still %s", secs(took), mb(big.peak), secs(first), secs(gap))

	rate, bareRate := float64(drainMails)/took.Seconds(), float64(drainMails)/bare.Seconds()
	addScaleRow(row{figure: fmt.Sprintf("backlog drain: %d mails waiting at the first poll (%.0f MB), to tickets",
		drainMails, float64(importBytes)/1e6),
		ours:     fmt.Sprintf("%.1f s (%.0f mails/s, %d polls)", took.Seconds(), rate, big.polls),
		baseline: fmt.Sprintf("%.1f s (%.0f mails/s) bare go-imap fetch, discarded", bare.Seconds(), bareRate),
		ratio:    fmt.Sprintf("%.0f%%", 100*rate/bareRate), target: "≥ 2,000 mails/s", met: rate >= 2000})
	ratio := float64(big.peak) / float64(small.peak)
	addScaleRow(row{figure: "backlog drain: peak RSS (VmHWM) of the poller process",
		ours: mb(big.peak), baseline: fmt.Sprintf("%s draining %d mails", mb(small.peak), drainSmall),
		ratio: fmt.Sprintf("%.2f×", ratio), target: "≤ 1.5× (memory does not grow with the backlog)", met: ratio <= 1.5})
	addScaleRow(row{figure: fmt.Sprintf("backlog drain: customer ticket page (50 messages), %d keep-alive clients, "+
		"during the drain (20 s after 2 s)", drainClients),
		ours:     fmt.Sprintf("%.0f req/s, p50 %s, p99 %s", during.rate, ms(during.p50), ms(during.p99)),
		baseline: fmt.Sprintf("%.0f req/s, p50 %s, p99 %s idle", idle.rate, ms(idle.p50), ms(idle.p99)),
		ratio:    fmt.Sprintf("p99 %.1f×", float64(during.p99)/float64(idle.p99)),
		target:   "p99 < " + ms(scaleTarget), met: during.p99 < scaleTarget})
	addScaleRow(row{figure: "backlog drain: first tickets visible, and the longest the checkpoint stood still",
		ours: fmt.Sprintf("%s after the start; %s", secs(first), secs(gap)), baseline: "(sampled every 250 ms)",
		ratio: "", target: "< 5 s; < 5 s", met: first < 5*time.Second && gap < 5*time.Second})
}

// loadBacklog writes n mails (numbered from first) into folder, 10,000 at a
// time so the benchmark never holds the whole import, and returns their bytes.
// They are smaller than the ingest figure's: a few KB of text, one in a
// hundred with a 100 KB attachment.
func loadBacklog(t *testing.T, dc *dovecot.Server, folder string, first, n int) int64 {
	rng := rand.New(rand.NewPCG(9, uint64(first)))
	var total int64
	for done := 0; done < n; {
		chunk := make([][]byte, min(10_000, n-done))
		for j := range chunk {
			i := first + done + j
			attach := 0
			if i%100 == 0 {
				attach = 100_000
			}
			chunk[j] = corpusMail(rng, i, 1_000+rng.IntN(4_000), attach)
			total += int64(len(chunk[j]))
		}
		dc.AppendMany(t, folder, chunk)
		done += len(chunk)
	}
	return total
}

// sampleCheckpoint reads the mailbox's committed checkpoint every 250 ms
// until the child exits; the returned func waits for that and says when the
// checkpoint first moved and the longest it then stood still before the end.
func sampleCheckpoint(t *testing.T, pool *pgxpool.Pool, mailbox string, child *pollerChild) func() (first, gap time.Duration) {
	start := time.Now()
	var first, gap time.Duration
	var wg sync.WaitGroup
	errs := make(chan error, 1)
	wg.Go(func() {
		var last int64
		moved := start
		for child.running() {
			var uid int64
			if err := pool.QueryRow(context.Background(), `SELECT last_uid FROM mailboxes WHERE name = $1`,
				mailbox).Scan(&uid); err != nil {
				errs <- err
				return
			}
			now := time.Now()
			if uid != last {
				if last == 0 {
					first = now.Sub(start)
				} else {
					gap = max(gap, now.Sub(moved))
				}
				last, moved = uid, now
			}
			time.Sleep(250 * time.Millisecond)
		}
	})
	return func() (time.Duration, time.Duration) {
		wg.Wait()
		close(errs)
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
		return first, gap
	}
}
