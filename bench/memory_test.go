package bench

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5/pgxpool"

	"inboxdesk/inbound"
	"inboxdesk/storage"
	"inboxdesk/testenv/dovecot"
	"inboxdesk/testenv/pgtest"
	"inboxdesk/ticket"
)

// childEnv, when set to a database URL, makes the test binary a poller child
// (see TestMain) that polls mailbox "big" once and prints its peak RSS.
const childEnv = "INBOXDESK_BENCH_POLL_CHILD"

// TestPeakMemoryOfLargeMessage ingests one 50 MB message in a fresh process
// (this test binary, re-executed) and reads that process's peak RSS (VmHWM)
// from the kernel, so nothing the benchmark itself holds is counted.
func TestPeakMemoryOfLargeMessage(t *testing.T) {
	enabled(t)
	dc := dovecot.Start(t)
	rng := rand.New(rand.NewPCG(5, 6))
	raw := corpusMail(rng, 1, 20_000, 36_500_000) // base64 with line breaks makes it about 50 MB
	size := int64(len(raw))
	dc.AppendMany(t, "INBOX", [][]byte{raw})
	raw = nil
	url := pgtest.NewURL(t)
	pool, err := pgxpool.New(context.Background(), url)
	if err != nil {
		t.Fatal(err)
	}
	defer pool.Close()
	store := storage.New(pool, storage.DefaultConfig())
	if _, err := store.AddMailbox(context.Background(), ticket.Mailbox{Name: "big", URL: dc.URL("INBOX")}); err != nil {
		t.Fatal(err)
	}
	peak := childPeakRSS(t, url)
	var n int
	if err := pool.QueryRow(context.Background(), `SELECT count(*) FROM attachments WHERE size = 36500000`).Scan(&n); err != nil || n != 1 {
		t.Fatalf("large attachment stored %d times (%v)", n, err)
	}
	ratio := float64(peak) / float64(size)
	addRow(row{figure: "peak RSS (VmHWM) of a fresh poller process ingesting one message", ours: mb(peak),
		baseline: mb(size) + " message", ratio: fmt.Sprintf("%.2f×", ratio), target: "≤ 2×", met: ratio <= 2})
}

// childPeakRSS runs the poller child on the database at url and returns its VmHWM in bytes.
func childPeakRSS(t *testing.T, url string) int64 {
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(self, "-test.run=^$")
	cmd.Env = append(os.Environ(), childEnv+"="+url)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("poller child: %v\n%s", err, stderr.Bytes())
	}
	v, ok := strings.CutPrefix(strings.TrimSpace(string(out)), "peak_rss_bytes ")
	n, perr := strconv.ParseInt(v, 10, 64)
	if !ok || perr != nil {
		t.Fatalf("poller child printed %q", out)
	}
	return n
}

// pollChild polls mailbox "big" once and prints its own peak RSS.
func pollChild(url string) int {
	ctx := context.Background()
	pool, err := pgxpool.New(ctx, url)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 2
	}
	defer pool.Close()
	p := inbound.NewPoller(storage.New(pool, storage.DefaultConfig()), quiet(), inbound.DefaultOptions())
	defer p.Close()
	st, err := p.Poll(ctx, "big")
	if err != nil || st.Fetched != 1 || st.Outcomes[ticket.OutcomeNewTicket] != 1 {
		fmt.Fprintf(os.Stderr, "poll: %+v %v\n", st, err)
		return 1
	}
	peak, err := vmHWM()
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	fmt.Printf("peak_rss_bytes %d\n", peak)
	return 0
}

// vmHWM reads this process's peak resident set size from /proc/self/status.
func vmHWM() (int64, error) {
	f, err := os.Open("/proc/self/status")
	if err != nil {
		return 0, err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), "VmHWM:"); ok {
			kb, err := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 10, 64)
			return kb * 1024, err
		}
	}
	return 0, fmt.Errorf("no VmHWM in /proc/self/status")
}

func mb(n int64) string { return fmt.Sprintf("%.1f MB", float64(n)/1e6) }
