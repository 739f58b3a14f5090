package bench

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime/pprof"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"inboxdesk/inbound"
	"inboxdesk/storage"
	"inboxdesk/testenv/dovecot"
	"inboxdesk/testenv/pgtest"
	"inboxdesk/ticket"
)

// childEnv, when set to a database URL, makes the test binary a poller child
// (see TestMain) that drains one mailbox and prints its peak RSS; the
// mailbox and the number of new tickets it must open come in childMailboxEnv
// and childExpectEnv. With childWebEnv (a file name) it also serves the web
// view from the same pool while it drains, as serve does, and writes the
// address it listens on into that file.
const (
	childEnv        = "INBOXDESK_BENCH_POLL_CHILD"
	childMailboxEnv = "INBOXDESK_BENCH_POLL_MAILBOX"
	childExpectEnv  = "INBOXDESK_BENCH_POLL_EXPECT"
	childWebEnv     = "INBOXDESK_BENCH_POLL_WEB"
)

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
	peak := startChild(t, url, "big", 1, false).wait(t).peak
	var n int
	if err := pool.QueryRow(context.Background(), `SELECT count(*) FROM attachments WHERE size = 36500000`).Scan(&n); err != nil || n != 1 {
		t.Fatalf("large attachment stored %d times (%v)", n, err)
	}
	ratio := float64(peak) / float64(size)
	addRow(row{figure: "peak RSS (VmHWM) of a fresh poller process ingesting one message", ours: mb(peak),
		baseline: mb(size) + " message", ratio: fmt.Sprintf("%.2f×", ratio), target: "≤ 2×", met: ratio <= 2})
}

// pollerChild is a running poller child process.
type pollerChild struct {
	cmd    *exec.Cmd
	stdout bytes.Buffer
	stderr bytes.Buffer
	exited chan struct{} // closed once the process has exited; err is then set
	err    error
	web    string // the file the child writes its web address into ("" without web)
}

// childResult is what a poller child reports: its peak RSS in bytes and
// how many polls it took to drain the mailbox.
type childResult struct {
	peak  int64
	polls int
}

// startChild runs the poller child on the database at url, draining the
// named mailbox, which must open expect new tickets; withWeb makes it serve
// the web view too (see webBase).
func startChild(t *testing.T, url, mailbox string, expect int, withWeb bool) *pollerChild {
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	c := &pollerChild{exited: make(chan struct{})}
	c.cmd = exec.Command(self, "-test.run=^$")
	c.cmd.Env = append(os.Environ(), childEnv+"="+url, childMailboxEnv+"="+mailbox,
		childExpectEnv+"="+strconv.Itoa(expect))
	if withWeb {
		c.web = filepath.Join(t.TempDir(), "web-addr")
		c.cmd.Env = append(c.cmd.Env, childWebEnv+"="+c.web)
	}
	c.cmd.Stdout, c.cmd.Stderr = &c.stdout, &c.stderr
	if err := c.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() {
		c.err = c.cmd.Wait()
		close(c.exited)
	}()
	return c
}

// webBase waits until the child serves its web view and returns its base URL.
func (c *pollerChild) webBase(t *testing.T) string {
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) && c.running() {
		if addr, err := os.ReadFile(c.web); err == nil {
			return "http://" + string(addr)
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Fatalf("the poller child serves no web view: %s", c.stderr.Bytes())
	return ""
}

// running says whether the child has not exited yet.
func (c *pollerChild) running() bool {
	select {
	case <-c.exited:
		return false
	default:
		return true
	}
}

func (c *pollerChild) wait(t *testing.T) childResult {
	<-c.exited
	if c.err != nil {
		t.Fatalf("poller child: %v\n%s", c.err, c.stderr.Bytes())
	}
	var r childResult
	if _, err := fmt.Sscanf(c.stdout.String(), "peak_rss_bytes %d polls %d", &r.peak, &r.polls); err != nil {
		t.Fatalf("poller child printed %q: %v", c.stdout.String(), err)
	}
	return r
}

// pollChild polls the mailbox named in childMailboxEnv until a poll finds
// nothing new (a poll that runs out of time leaves the rest to the next, as
// the scheduler's would), checks that it opened the expected number of
// tickets, and prints its own peak RSS and the number of polls.
func pollChild(url string) int {
	ctx := context.Background()
	pool, err := pgxpool.New(ctx, url)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 2
	}
	defer pool.Close()
	cfg := storage.DefaultConfig()
	cfg.OwnAddresses = []string{"support@example.com"} // the address the benchmarks' mail writes to
	store := storage.New(pool, cfg)
	if file := os.Getenv(childWebEnv); file != "" {
		if err := serveChildWeb(store, file); err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 1
		}
	}
	p := inbound.NewPoller(store, quiet(), inbound.DefaultOptions())
	defer p.Close()
	name, expect := os.Getenv(childMailboxEnv), os.Getenv(childExpectEnv)
	stop, err := childProfile("poll-" + name)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer stop()
	opened, polls := 0, 0
	for {
		st, err := p.Poll(ctx, name)
		polls++
		if err != nil && !errors.Is(err, inbound.ErrPollTimeout) {
			fmt.Fprintf(os.Stderr, "poll: %+v %v\n", st, err)
			return 1
		}
		opened += st.Outcomes[ticket.OutcomeNewTicket]
		if err == nil && st.Fetched == 0 {
			break
		}
	}
	if strconv.Itoa(opened) != expect {
		fmt.Fprintf(os.Stderr, "opened %d tickets, want %s\n", opened, expect)
		return 1
	}
	peak, err := vmHWM()
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	fmt.Printf("peak_rss_bytes %d polls %d\n", peak, polls)
	return 0
}

// serveChildWeb serves the web view on store from a loopback port until the
// process ends, and writes the port's address into file (whole, by rename).
func serveChildWeb(store *storage.Store, file string) error {
	h, _, err := newWebHandler(store, nil)
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 5 * time.Second}
	go func() { _ = srv.Serve(ln) }()
	if err := os.WriteFile(file+".tmp", []byte(ln.Addr().String()), 0o600); err != nil {
		return err
	}
	return os.Rename(file+".tmp", file)
}

// childProfile starts a CPU profile into $INBOXDESK_BENCH_PROFILE/name.prof
// when that variable names a folder (profile, for the poller child too,
// which has no test to fail).
func childProfile(name string) (stop func(), err error) {
	dir := os.Getenv("INBOXDESK_BENCH_PROFILE")
	if dir == "" {
		return func() {}, nil
	}
	f, err := os.Create(filepath.Join(dir, name+".prof"))
	if err != nil {
		return nil, err
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		f.Close()
		return nil, err
	}
	return func() {
		pprof.StopCPUProfile()
		f.Close()
	}, nil
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
