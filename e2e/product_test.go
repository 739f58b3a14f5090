package e2e

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"inboxdesk/testenv/pgtest"
	"inboxdesk/testenv/syncbuf"
)

// The demo's seeded accounts and addresses (cmd/inboxdesk/demo.go).
const (
	supportAddr   = "support@example.com"
	agentEmail    = "agent@example.com"
	agentPassword = "demo-password"
	seededSender  = "dana@example.org"
	seededSubject = "I was charged twice for order 4471"
)

// product is one running `inboxdesk demo`: web view, poller, sender and the
// embedded IMAP and SMTP servers, on a database of its own.
type product struct {
	BaseURL  string // as in the links inboxdesk mails: http://localhost:PORT
	SMTPAddr string // takes mail for support@example.com
	store    *store
	ports    []string // web, IMAP, SMTP
	cmd      *exec.Cmd
	log      *syncbuf.Buffer
	exited   chan struct{}
	exitErr  error
	stopOnce sync.Once
}

// store is what a demo keeps between runs: its database and data folder.
type store struct {
	admin, db, dataDir string
	runs               int
}

// startProduct starts `inboxdesk demo` on a new database and free ports,
// waits until /readyz answers 200, and stops it at the end of the test with
// SIGINT, failing the test unless it exits with status 0.
func startProduct(t *testing.T) *product {
	t.Helper()
	st := &store{admin: pgtest.AdminURL(), db: "inboxdesk_e2e_" + randomHex(6), dataDir: t.TempDir()}
	checkDatabase(t, st.admin)
	t.Cleanup(func() { dropDatabase(st.admin, st.db) })
	return st.start(t, nil)
}

// Restart stops the demo with SIGINT and starts it again on the same
// database, data folder and ports (without --reset), as a person running
// `make demo` again would.
func (p *product) Restart(t *testing.T) *product {
	t.Helper()
	p.Stop(t)
	return p.store.start(t, p.ports)
}

// start launches the demo on ports, or on free ones when ports is nil.
func (st *store) start(t *testing.T, ports []string) *product {
	t.Helper()
	st.runs++
	logName := fmt.Sprintf("inboxdesk-%d.log", st.runs)
	for attempt := 1; ; attempt++ {
		try := ports
		if try == nil {
			try = freePorts(t, 3)
		}
		p, err := st.launch(t, try)
		if err == nil {
			t.Cleanup(func() {
				p.Stop(t)
				saveLog(t, logName, p.log.Bytes())
			})
			return p
		}
		p.kill()
		saveLog(t, logName, p.log.Bytes())
		// A port found free can be taken by another test before the demo binds it.
		if attempt == 3 || ports != nil || !strings.Contains(string(p.log.Bytes()), "address already in use") {
			t.Fatal(err)
		}
	}
}

// launch starts the demo and waits until /readyz answers 200.
func (st *store) launch(t *testing.T, ports []string) (*product, error) {
	t.Helper()
	p := &product{
		ports:    ports,
		BaseURL:  "http://localhost:" + ports[0],
		SMTPAddr: "127.0.0.1:" + ports[2],
		store:    st,
		log:      &syncbuf.Buffer{},
		exited:   make(chan struct{}),
	}
	args := []string{"demo", "--database-url", st.admin, "--db-name", st.db,
		"--data-dir", st.dataDir, "--listen", "127.0.0.1:" + ports[0],
		"--imap", "127.0.0.1:" + ports[1], "--smtp", p.SMTPAddr}
	if st.runs == 1 {
		args = append(args, "--reset") // the first run makes the database; a restart keeps it
	}
	p.cmd = exec.Command(binary, args...)
	p.cmd.Stdout, p.cmd.Stderr = p.log, p.log
	if err := p.cmd.Start(); err != nil {
		t.Fatalf("start inboxdesk demo: %v", err)
	}
	go func() { p.exitErr = p.cmd.Wait(); close(p.exited) }()
	return p, p.waitReady(60 * time.Second)
}

// waitReady waits until GET /readyz answers 200.
func (p *product) waitReady(limit time.Duration) error {
	deadline := time.Now().Add(limit)
	for time.Now().Before(deadline) {
		select {
		case <-p.exited:
			return fmt.Errorf("inboxdesk demo exited before it was ready (%v):\n%s", p.exitErr, p.log.Tail(40))
		default:
		}
		resp, err := http.Get(p.BaseURL + "/readyz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
		}
		time.Sleep(100 * time.Millisecond)
	}
	return fmt.Errorf("inboxdesk demo: /readyz not 200 within %v:\n%s", limit, p.log.Tail(40))
}

// waitOutput waits until the demo's output holds every string of want (it
// arrives through a pipe, a little after the demo wrote it) and returns the
// first one still missing after limit, or "".
func (p *product) waitOutput(want []string, limit time.Duration) string {
	deadline := time.Now().Add(limit)
	for {
		missing := ""
		for _, w := range want {
			if !bytes.Contains(p.log.Bytes(), []byte(w)) {
				missing = w
				break
			}
		}
		if missing == "" || time.Now().After(deadline) {
			return missing
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// kill ends a demo that never became ready.
func (p *product) kill() {
	select {
	case <-p.exited:
	default:
		_ = p.cmd.Process.Kill()
		<-p.exited
	}
}

// Stop sends SIGINT, as Ctrl-C does, and fails the test unless the demo
// exits with status 0 within 20 seconds. Later calls do nothing.
func (p *product) Stop(t *testing.T) {
	t.Helper()
	p.stopOnce.Do(func() {
		select {
		case <-p.exited:
			t.Errorf("inboxdesk demo stopped on its own before the test ended (%v):\n%s", p.exitErr, p.log.Tail(40))
			return
		default:
		}
		start := time.Now()
		_ = p.cmd.Process.Signal(os.Interrupt)
		select {
		case <-p.exited:
		case <-time.After(20 * time.Second):
			_ = p.cmd.Process.Kill()
			<-p.exited
			t.Errorf("inboxdesk demo did not exit within 20s of SIGINT:\n%s", p.log.Tail(40))
			return
		}
		if p.exitErr != nil {
			t.Errorf("inboxdesk demo exited with %v after SIGINT (want status 0):\n%s", p.exitErr, p.log.Tail(40))
			return
		}
		t.Logf("inboxdesk demo exited with status 0 %v after SIGINT", time.Since(start).Round(time.Millisecond))
	})
}

// checkDatabase fails the test (or skips it with INBOXDESK_SKIP_DB=1) when
// the PostgreSQL server for test databases is unreachable.
func checkDatabase(t *testing.T, admin string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	conn, err := pgx.Connect(ctx, admin)
	if err != nil {
		if os.Getenv("INBOXDESK_SKIP_DB") != "" {
			t.Skipf("e2e: no PostgreSQL: %v", err)
		}
		t.Fatalf("e2e: no PostgreSQL at INBOXDESK_TEST_DATABASE_URL/DATABASE_URL (run scripts/pg.sh): %v", err)
	}
	_ = conn.Close(ctx)
}

func dropDatabase(admin, name string) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	conn, err := pgx.Connect(ctx, admin)
	if err != nil {
		return
	}
	defer conn.Close(ctx)
	_, _ = conn.Exec(ctx, "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)")
}

// freePorts returns n distinct loopback ports that were free a moment ago.
func freePorts(t *testing.T, n int) []string {
	t.Helper()
	var ports []string
	for range n {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatalf("free port: %v", err)
		}
		defer l.Close()
		_, port, _ := net.SplitHostPort(l.Addr().String())
		ports = append(ports, port)
	}
	return ports
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// outputDir is test-output/e2e/TEST at the repository root, made on first use.
func outputDir(t *testing.T) string {
	t.Helper()
	dir := filepath.Join("..", "test-output", "e2e", strings.ReplaceAll(t.Name(), "/", "_"))
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatalf("output dir: %v", err)
	}
	return dir
}

func saveLog(t *testing.T, name string, b []byte) {
	if err := os.WriteFile(filepath.Join(outputDir(t), name), b, 0o644); err != nil {
		t.Logf("save %s: %v", name, err)
	}
}
