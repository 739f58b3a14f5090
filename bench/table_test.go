// Package bench measures inboxdesk against the ceiling of what its peers
// allow (a bare IMAP fetch, a bare SMTP client) in the same run, and prints
// one table. Run with `make bench`; it is skipped by `make test`.
package bench

import (
	"fmt"
	"os"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"
)

// row is one line of the benchmark table.
type row struct {
	figure   string
	ours     string
	baseline string
	ratio    string
	target   string
	met      bool
}

var (
	rowsMu sync.Mutex
	rows   []row
)

// scaleRows are the backlog drain's rows, for BENCHMARKS-SCALE.md, and the
// load average around the drain.
var (
	scaleRows []row
	drainLoad [2]string
)

func addScaleRow(r row) {
	rowsMu.Lock()
	defer rowsMu.Unlock()
	scaleRows = append(scaleRows, r)
}

func addRow(r row) {
	rowsMu.Lock()
	defer rowsMu.Unlock()
	rows = append(rows, r)
}

func enabled(t *testing.T) {
	if os.Getenv("INBOXDESK_BENCH") == "" {
		t.Skip("benchmarks run with `make bench` (INBOXDESK_BENCH=1)")
	}
}

// TestMain prints the table after every figure ran and, for a whole run,
// writes BENCHMARKS.md. The same binary, re-executed with childEnv set, is
// the poller child of the memory figure.
func TestMain(m *testing.M) {
	if url := os.Getenv(childEnv); url != "" {
		os.Exit(pollChild(url))
	}
	loadBefore := loadAverage()
	code := m.Run()
	if len(rows) > 0 {
		table := render(loadBefore, loadAverage())
		fmt.Print("\n" + table)
		if os.Getenv("INBOXDESK_BENCH_WRITE") != "" { // a whole run (scripts/bench.sh without BENCH_RUN)
			if err := os.WriteFile("../BENCHMARKS.md", []byte(table), 0o644); err != nil {
				fmt.Fprintln(os.Stderr, err)
			}
		}
	}
	if scalePages != nil || len(scaleRows) > 0 {
		doc := renderScale(scalePages, scaleRows, drainLoad)
		fmt.Print("\n" + doc)
		// Only a run of every million-ticket figure (scripts/bench-scale.sh without BENCH_RUN) rewrites it.
		if os.Getenv("INBOXDESK_BENCH_WRITE") != "" && scalePages != nil && !scalePages.partial && len(scaleRows) > 0 {
			if err := os.WriteFile("../BENCHMARKS-SCALE.md", []byte(doc), 0o644); err != nil {
				fmt.Fprintln(os.Stderr, err)
			}
		}
	}
	os.Exit(code)
}

func render(loadBefore, loadAfter string) string {
	var b strings.Builder
	b.WriteString("# Benchmarks\n\n")
	fmt.Fprintf(&b, "Measured %s on %s/%s, %d CPUs, %s. Reproduce with `make bench`.\n\n",
		time.Now().UTC().Format("2006-01-02"), runtime.GOOS, runtime.GOARCH, runtime.NumCPU(), cpuModel())
	fmt.Fprintf(&b, "Load average (1 min) of the machine before the run %s, after it %s: other work on it "+
		"competes for the same cores, which is why each figure stands beside a baseline measured in the same run.\n\n",
		loadBefore, loadAfter)
	b.WriteString("| figure | inboxdesk | baseline (same run) | ratio | target | met |\n|---|---|---|---|---|---|\n")
	for _, r := range rows {
		writeRow(&b, r)
	}
	// Where the time goes is written by hand, from profiles, beside the table.
	if notes, err := os.ReadFile("notes.md"); err == nil {
		b.WriteString("\n" + string(notes))
	}
	return b.String()
}

func writeRow(b *strings.Builder, r row) {
	met := "yes"
	if !r.met {
		met = "**no**"
	}
	fmt.Fprintf(b, "| %s | %s | %s | %s | %s | %s |\n", r.figure, r.ours, r.baseline, r.ratio, r.target, met)
}

// loadAverage is the machine's 1-minute load average, or "unknown".
func loadAverage() string {
	b, err := os.ReadFile("/proc/loadavg")
	if f := strings.Fields(string(b)); err == nil && len(f) > 0 {
		return f[0]
	}
	return "unknown"
}

func cpuModel() string {
	b, err := os.ReadFile("/proc/cpuinfo")
	if err != nil {
		return "unknown CPU"
	}
	for _, line := range strings.Split(string(b), "\n") {
		if strings.HasPrefix(line, "model name") {
			if _, v, ok := strings.Cut(line, ":"); ok {
				return strings.TrimSpace(v)
			}
		}
	}
	return "unknown CPU"
}

// profile writes a CPU profile of the measured section to
// $INBOXDESK_BENCH_PROFILE/name.prof when that variable names a folder;
// call the returned func at the end of the section.
func profile(t *testing.T, name string) (stop func()) {
	stop, err := childProfile(name)
	if err != nil {
		t.Fatal(err)
	}
	return stop
}
