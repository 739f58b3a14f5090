package outbound

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"net/mail"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"inboxdesk/ticket"
)

// fakeQueue is an in-memory Queue: claiming a job leases it and counts a try.
type fakeQueue struct {
	mu      sync.Mutex
	jobs    []*fakeJob
	retries []fakeRetry
	claims  int       // claims that leased at least one job
	marks   [][]int64 // the groups MarkAlertsSent was given
}

type fakeJob struct {
	job    ticket.AlertJob
	state  ticket.AlertState
	reason string
}

type fakeRetry struct {
	id     int64
	at     time.Time
	reason string
}

func (q *fakeQueue) add(jobs ...ticket.AlertJob) {
	q.mu.Lock()
	defer q.mu.Unlock()
	for _, j := range jobs {
		q.jobs = append(q.jobs, &fakeJob{job: j, state: ticket.AlertQueued})
	}
}

func (q *fakeQueue) ClaimAlerts(_ context.Context, limit int, _ time.Duration) ([]ticket.AlertJob, error) {
	q.mu.Lock()
	defer q.mu.Unlock()
	var out []ticket.AlertJob
	for _, j := range q.jobs {
		if j.state == ticket.AlertQueued && len(out) < limit {
			j.state = ticket.AlertSending
			j.job.Tries++
			out = append(out, j.job)
		}
	}
	if len(out) > 0 {
		q.claims++
	}
	return out, nil
}

func (q *fakeQueue) set(id int64, state ticket.AlertState, reason string) error {
	q.mu.Lock()
	defer q.mu.Unlock()
	for _, j := range q.jobs {
		if j.job.ID == id {
			if j.state != ticket.AlertSending {
				return fmt.Errorf("alert %d is %s, not sending", id, j.state)
			}
			j.state, j.reason = state, reason
			return nil
		}
	}
	return fmt.Errorf("no alert %d", id)
}

func (q *fakeQueue) MarkAlertsSent(_ context.Context, ids []int64) error {
	q.mu.Lock()
	q.marks = append(q.marks, ids)
	q.mu.Unlock()
	for _, id := range ids {
		if err := q.set(id, ticket.AlertSent, ""); err != nil {
			return err
		}
	}
	return nil
}

func (q *fakeQueue) RetryAlert(_ context.Context, id int64, at time.Time, reason string) error {
	q.mu.Lock()
	q.retries = append(q.retries, fakeRetry{id, at, reason})
	q.mu.Unlock()
	return q.set(id, ticket.AlertQueued, reason)
}

func (q *fakeQueue) ReleaseAlerts(_ context.Context, jobs []ticket.AlertJob) error {
	q.mu.Lock()
	defer q.mu.Unlock()
	for _, r := range jobs {
		for _, j := range q.jobs {
			if j.job.ID == r.ID && j.job.Tries == r.Tries && j.state == ticket.AlertSending {
				j.state = ticket.AlertQueued
				j.job.Tries--
			}
		}
	}
	return nil
}

func (q *fakeQueue) FailAlert(_ context.Context, id int64, reason string) error {
	return q.set(id, ticket.AlertFailed, reason)
}

func (q *fakeQueue) state(id int64) (ticket.AlertState, string) {
	q.mu.Lock()
	defer q.mu.Unlock()
	for _, j := range q.jobs {
		if j.job.ID == id {
			return j.state, j.reason
		}
	}
	return "", ""
}

func jobN(id int64) ticket.AlertJob {
	j := testJob()
	j.ID, j.Tries = id, 0
	j.MessageID = fmt.Sprintf("alert-%d@help.example.com", id)
	return j
}

// senderFixture wires a Sender to a fake queue and a sink.
type senderFixture struct {
	queue  *fakeQueue
	sink   *sink
	sender *Sender
	logs   *bytes.Buffer
}

func newSenderFixture(t testing.TB, adjust func(*SenderConfig)) *senderFixture {
	t.Helper()
	f := &senderFixture{queue: &fakeQueue{}, sink: newSink(t), logs: &bytes.Buffer{}}
	tr := newTestTransport(t, smtpURL(f.sink, "?starttls=none"), TransportOptions{})
	cfg := SenderConfig{
		Queue:      f.queue,
		Deliverers: map[string]Deliverer{"email": EmailDeliverer{Composer: testComposer(t), Mailer: tr}},
		RetryBase:  time.Minute,
		RetryMax:   time.Hour,
		MaxTries:   5,
		Logger:     slog.New(slog.NewTextHandler(f.logs, nil)),
		Now:        func() time.Time { return composeNow },
	}
	if adjust != nil {
		adjust(&cfg)
	}
	var err error
	if f.sender, err = NewSender(cfg); err != nil {
		t.Fatal(err)
	}
	return f
}

func (f *senderFixture) runOnce(t testing.TB) int {
	t.Helper()
	sent, err := f.sender.RunOnce(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return sent
}

func TestSenderRetriesTemporaryFailures(t *testing.T) {
	f := newSenderFixture(t, nil)
	f.queue.add(jobN(1))
	f.sink.failNext("rcpt", errTempBusy, 2)
	var sent []int
	for range 4 {
		sent = append(sent, f.runOnce(t))
	}
	if fmt.Sprint(sent) != "[0 0 1 0]" {
		t.Errorf("sent per run %v, want [0 0 1 0]", sent)
	}
	if state, _ := f.queue.state(1); state != ticket.AlertSent {
		t.Errorf("state %s, want sent", state)
	}
	if n := len(f.sink.messages()); n != 1 {
		t.Errorf("%d deliveries, want 1", n)
	}
	want := []struct{ lo, hi time.Duration }{{30 * time.Second, time.Minute}, {time.Minute, 2 * time.Minute}}
	if len(f.queue.retries) != 2 {
		t.Fatalf("retries %+v, want 2", f.queue.retries)
	}
	for i, r := range f.queue.retries {
		d := r.at.Sub(composeNow)
		if r.reason != "451 4.3.0 try again later" || d < want[i].lo || d > want[i].hi {
			t.Errorf("retry %d: in %v with %q, want %v..%v with the server's answer", i+1, d, r.reason, want[i].lo, want[i].hi)
		}
	}
}

func TestSenderFailsPermanentRefusal(t *testing.T) {
	f := newSenderFixture(t, nil)
	f.queue.add(jobN(1))
	f.sink.failNext("rcpt", errNoSuchUser, 1)
	if sent := f.runOnce(t); sent != 0 {
		t.Fatalf("sent %d", sent)
	}
	if state, reason := f.queue.state(1); state != ticket.AlertFailed || reason != "550 5.1.1 no such user" {
		t.Errorf("state %s %q, want failed with the server's answer", state, reason)
	}
	if len(f.queue.retries) != 0 || len(f.sink.messages()) != 0 {
		t.Errorf("retried %d, delivered %d; want neither", len(f.queue.retries), len(f.sink.messages()))
	}
}

func TestSenderGivesUpAfterMaxTries(t *testing.T) {
	f := newSenderFixture(t, func(c *SenderConfig) { c.MaxTries = 3 })
	f.queue.add(jobN(1))
	f.sink.failNext("rcpt", errTempBusy, 10)
	for range 5 {
		f.runOnce(t)
	}
	state, reason := f.queue.state(1)
	if state != ticket.AlertFailed || reason != "gave up after 3 tries: 451 4.3.0 try again later" {
		t.Errorf("state %s %q", state, reason)
	}
	if len(f.queue.retries) != 2 {
		t.Errorf("%d retries, want 2", len(f.queue.retries))
	}
}

func TestSenderBatchOverOneConnection(t *testing.T) {
	f := newSenderFixture(t, nil)
	for id := range int64(12) {
		f.queue.add(jobN(id + 1))
	}
	if sent := f.runOnce(t); sent != 12 {
		t.Fatalf("sent %d, want 12", sent)
	}
	msgs := f.sink.messages()
	seen := map[string]bool{}
	for _, m := range msgs {
		msg, err := mail.ReadMessage(bytes.NewReader(m.Data))
		if err != nil {
			t.Fatal(err)
		}
		seen[msg.Header.Get("Message-Id")] = true
		if m.From != "no-reply@example.com" || len(m.To) != 1 || m.To[0] != "Alice@Example.org" {
			t.Errorf("envelope %s → %v", m.From, m.To)
		}
	}
	if len(msgs) != 12 || len(seen) != 12 || !seen["<alert-12@help.example.com>"] {
		t.Errorf("%d messages with %d distinct Message-IDs, want 12 each", len(msgs), len(seen))
	}
	if c := f.sink.connections(); c != 1 {
		t.Errorf("%d connections, want 1", c)
	}
}

type fakeDeliverer struct {
	mu   sync.Mutex
	jobs []int64
	err  error
}

func (d *fakeDeliverer) Deliver(_ context.Context, job ticket.AlertJob) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.jobs = append(d.jobs, job.ID)
	return d.err
}

func TestSenderChannels(t *testing.T) {
	push := &fakeDeliverer{}
	f := newSenderFixture(t, nil)
	withPush := newSenderFixture(t, func(c *SenderConfig) { c.Deliverers["push"] = push })
	for _, fx := range []*senderFixture{f, withPush} {
		j := jobN(1)
		j.Channel = "push"
		fx.queue.add(j, jobN(2))
		fx.runOnce(t)
	}
	if state, reason := f.queue.state(1); state != ticket.AlertFailed || reason != `no deliverer for channel "push"` {
		t.Errorf("push job without a push deliverer: %s %q", state, reason)
	}
	if state, _ := withPush.queue.state(1); state != ticket.AlertSent || len(push.jobs) != 1 {
		t.Errorf("push job with a push deliverer: %s, pushed %v", state, push.jobs)
	}
	if len(f.sink.messages()) != 1 || len(withPush.sink.messages()) != 1 {
		t.Error("the email job was not sent by email")
	}
}

// On shutdown, claimed jobs go back to the queue at once: the one whose
// delivery was interrupted for a retry now, those never attempted with
// their claim's try taken back.
func TestSenderShutdownHandsBackClaimedJobs(t *testing.T) {
	f := newSenderFixture(t, func(c *SenderConfig) { c.Workers = 1 })
	f.sink.stall = make(chan struct{})
	defer close(f.sink.stall)
	f.queue.add(jobN(1), jobN(2), jobN(3))
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	sent, err := f.sender.RunOnce(ctx)
	if sent != 0 || err != nil {
		t.Fatalf("RunOnce = %d, %v", sent, err)
	}
	f.queue.mu.Lock()
	defer f.queue.mu.Unlock()
	for _, j := range f.queue.jobs {
		wantTries, wantReason := 0, ""
		if j.job.ID == 1 {
			wantTries, wantReason = 1, "interrupted by shutdown"
		}
		if j.state != ticket.AlertQueued || j.job.Tries != wantTries || j.reason != wantReason {
			t.Errorf("alert %d: %s, %d tries, %q; want queued, %d tries, %q",
				j.job.ID, j.state, j.job.Tries, j.reason, wantTries, wantReason)
		}
	}
	if len(f.queue.retries) != 1 || !f.queue.retries[0].at.Equal(composeNow) {
		t.Errorf("retries %+v, want the interrupted alert due at once", f.queue.retries)
	}
}

// A batch starts no delivery past half its lease: the alerts left are
// handed back rather than sent when another sender may hold them.
func TestSenderStartsNoDeliveryLateInItsLease(t *testing.T) {
	f := newSenderFixture(t, func(c *SenderConfig) { c.Workers, c.Lease = 1, 200*time.Millisecond })
	f.sink.stall = make(chan struct{})
	go func() { time.Sleep(250 * time.Millisecond); close(f.sink.stall) }()
	f.queue.add(jobN(1), jobN(2), jobN(3))
	sent, err := f.sender.RunOnce(context.Background())
	if sent != 1 || err != nil {
		t.Fatalf("RunOnce = %d, %v; want the first alert sent", sent, err)
	}
	for id := int64(2); id <= 3; id++ {
		if state, _ := f.queue.state(id); state != ticket.AlertQueued {
			t.Errorf("alert %d is %s, want handed back (queued)", id, state)
		}
	}
}

func TestSenderRunWakesAndStops(t *testing.T) {
	f := newSenderFixture(t, func(c *SenderConfig) { c.PollInterval = time.Hour })
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { f.sender.Run(ctx); close(done) }()
	time.Sleep(20 * time.Millisecond) // Run has polled the empty queue and waits
	f.queue.add(jobN(1))
	f.sender.Wake()
	deadline := time.Now().Add(5 * time.Second)
	for state, _ := f.queue.state(1); state != ticket.AlertSent; state, _ = f.queue.state(1) {
		if time.Now().After(deadline) {
			t.Fatalf("not sent after Wake (state %s)", state)
		}
		time.Sleep(5 * time.Millisecond)
	}
	cancel()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("Run did not return after cancel")
	}
}

func TestSenderLogsNoLink(t *testing.T) {
	f := newSenderFixture(t, nil)
	f.queue.add(jobN(1), jobN(2))
	f.sink.failNext("rcpt", errTempBusy, 1)
	f.runOnce(t)
	logs := f.logs.String()
	if !strings.Contains(logs, "alert sent") || !strings.Contains(logs, "alert retry") {
		t.Fatalf("logs lack the outcomes:\n%s", logs)
	}
	for _, secret := range []string{"/t/12345", "k1.", "?k=", "Alice@Example.org", "alice@example.org"} {
		if strings.Contains(logs, secret) {
			t.Errorf("logs contain %q:\n%s", secret, logs)
		}
	}
}

func TestBackoff(t *testing.T) {
	s, err := NewSender(SenderConfig{Queue: &fakeQueue{}, Deliverers: map[string]Deliverer{"email": &fakeDeliverer{}},
		RetryBase: time.Minute, RetryMax: time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		tries  int
		lo, hi time.Duration
	}{
		{0, 30 * time.Second, time.Minute},
		{1, 30 * time.Second, time.Minute},
		{2, time.Minute, 2 * time.Minute},
		{4, 4 * time.Minute, 8 * time.Minute},
		{7, 30 * time.Minute, time.Hour},
		{1000, 30 * time.Minute, time.Hour},
	}
	for _, tt := range tests {
		for range 50 {
			if d := s.backoff(tt.tries); d < tt.lo || d > tt.hi {
				t.Fatalf("backoff(%d) = %v, want %v..%v", tt.tries, d, tt.lo, tt.hi)
			}
		}
	}
}

func TestNewSenderChecksConfig(t *testing.T) {
	d := map[string]Deliverer{"email": &fakeDeliverer{}}
	bad := []SenderConfig{
		{Deliverers: d},
		{Queue: &fakeQueue{}},
		{Queue: &fakeQueue{}, Deliverers: d, RetryBase: time.Hour, RetryMax: time.Minute},
	}
	for i, c := range bad {
		if _, err := NewSender(c); err == nil {
			t.Errorf("config %d: no error", i)
		}
	}
}

type waitError time.Duration

func (e waitError) Error() string             { return "429 Too Many Requests" }
func (e waitError) RetryAfter() time.Duration { return time.Duration(e) }

func TestSenderHonoursRetryAfter(t *testing.T) {
	for _, c := range []struct {
		wait   time.Duration
		lo, hi time.Duration
	}{
		{2 * time.Second, 30 * time.Second, time.Minute}, // shorter than the backoff: the backoff
		{20 * time.Minute, 20 * time.Minute, 20 * time.Minute},
		{48 * time.Hour, time.Hour, time.Hour}, // capped at RetryMax
	} {
		d := &fakeDeliverer{err: fmt.Errorf("push: %w", waitError(c.wait))}
		f := newSenderFixture(t, func(cfg *SenderConfig) { cfg.Deliverers["email"] = d })
		f.queue.add(jobN(1))
		f.runOnce(t)
		if len(f.queue.retries) != 1 {
			t.Fatalf("retries %+v", f.queue.retries)
		}
		if got := f.queue.retries[0].at.Sub(composeNow); got < c.lo || got > c.hi {
			t.Errorf("Retry-After %v: retry in %v, want %v..%v", c.wait, got, c.lo, c.hi)
		}
	}
}

// runUntil runs the sender as serve does until done reports true, then
// stops it; it fails the test when done stays false for ten seconds.
func (f *senderFixture) runUntil(t *testing.T, what string, done func() bool) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	stopped := make(chan struct{})
	go func() { f.sender.Run(ctx); close(stopped) }()
	defer func() { cancel(); <-stopped }()
	f.waitFor(t, what, done)
}

func (f *senderFixture) waitFor(t *testing.T, what string, done func() bool) {
	t.Helper()
	for deadline := time.Now().Add(10 * time.Second); !done(); time.Sleep(5 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("%s: not after ten seconds", what)
		}
	}
}

// settled reports whether every job of the queue is sent or failed.
func (q *fakeQueue) settled() bool {
	q.mu.Lock()
	defer q.mu.Unlock()
	for _, j := range q.jobs {
		if j.state != ticket.AlertSent && j.state != ticket.AlertFailed {
			return false
		}
	}
	return true
}

// Over several batches on one connection, a recipient the server refuses
// for now is retried and one it refuses for good fails, while every other
// alert of their batches is recorded as sent: one write per batch, each
// delivered alert in exactly one.
func TestSenderRunRecordsBatchesAroundRefusedRecipients(t *testing.T) {
	f := newSenderFixture(t, func(c *SenderConfig) { c.BatchSize, c.PollInterval = 5, time.Hour })
	for id := range int64(12) {
		j := jobN(id + 1)
		j.Recipient.Email = fmt.Sprintf("c%d@example.org", id+1)
		f.queue.add(j)
	}
	f.sink.refuseNext("c4@example.org", errTempBusy, 1)
	f.sink.refuseNext("c9@example.org", errNoSuchUser, 1)
	f.runUntil(t, "every alert sent or failed", f.queue.settled)

	for _, j := range f.queue.jobs {
		want, tries := ticket.AlertSent, 1
		switch j.job.ID {
		case 4:
			tries = 2
		case 9:
			want = ticket.AlertFailed
		}
		if j.state != want || j.job.Tries != tries {
			t.Errorf("alert %d: %s after %d tries, want %s after %d", j.job.ID, j.state, j.job.Tries, want, tries)
		}
	}
	if len(f.queue.retries) != 1 || f.queue.retries[0].id != 4 || f.queue.retries[0].reason != "451 4.3.0 try again later" {
		t.Errorf("retries %+v, want alert 4 once with the server's answer", f.queue.retries)
	}
	if _, reason := f.queue.state(9); reason != "550 5.1.1 no such user" {
		t.Errorf("alert 9 failed with %q, want the server's answer", reason)
	}
	marked := map[int64]int{}
	for _, g := range f.queue.marks {
		for _, id := range g {
			marked[id]++
		}
	}
	if len(marked) != 11 || marked[9] != 0 || len(f.queue.marks) > f.queue.claims {
		t.Errorf("%d sent-marks %v for %d claimed batches; want each of the 11 sent alerts once, at most one write a batch",
			len(f.queue.marks), f.queue.marks, f.queue.claims)
	}
	if n, c := len(f.sink.messages()), f.sink.connections(); n != 11 || c != 1 {
		t.Errorf("%d messages over %d connections, want 11 over 1", n, c)
	}
}

// Run leases the next batch while the current one is still being delivered,
// so the database round trip of a claim does not hold up the SMTP connection.
func TestSenderRunClaimsTheNextBatchWhileDelivering(t *testing.T) {
	f := newSenderFixture(t, func(c *SenderConfig) { c.BatchSize, c.PollInterval = 2, time.Hour })
	for id := range int64(4) {
		f.queue.add(jobN(id + 1))
	}
	stall := make(chan struct{})
	f.sink.stall = stall
	unstall := sync.OnceFunc(func() { close(stall) })
	defer unstall()
	claims := func() int {
		f.queue.mu.Lock()
		defer f.queue.mu.Unlock()
		return f.queue.claims
	}
	f.runUntil(t, "all four alerts sent", func() bool {
		if claims() >= 2 {
			unstall() // the first delivery waited for the second claim
		}
		return f.queue.settled()
	})
	if n := len(f.sink.messages()); n != 4 {
		t.Errorf("%d messages, want 4", n)
	}
}

// serialDeliverer records how many of its deliveries ever overlapped.
type serialDeliverer struct {
	mu            sync.Mutex
	running, most int
}

func (d *serialDeliverer) Serial() bool { return true }

func (d *serialDeliverer) Deliver(context.Context, ticket.AlertJob) error {
	d.mu.Lock()
	d.running++
	d.most = max(d.most, d.running)
	d.mu.Unlock()
	time.Sleep(2 * time.Millisecond) // long enough for another worker to start
	d.mu.Lock()
	d.running--
	d.mu.Unlock()
	return nil
}

// A Serial deliverer gets one job at a time even with several workers.
func TestSenderSerialDelivererGetsOneJobAtATime(t *testing.T) {
	d := &serialDeliverer{}
	f := newSenderFixture(t, func(c *SenderConfig) { c.Workers, c.Deliverers["email"] = 4, d })
	for id := range int64(8) {
		f.queue.add(jobN(id + 1))
	}
	if sent := f.runOnce(t); sent != 8 || d.most != 1 {
		t.Errorf("sent %d with up to %d deliveries at once, want 8 one at a time", sent, d.most)
	}
}

// stagedDeliverer records the order of its sends, how many ever overlapped,
// and whether jobs were staged ahead of the send in progress.
type stagedDeliverer struct {
	serialDeliverer
	sent        []int64
	staged      int
	stagedAhead bool
}

func (d *stagedDeliverer) Stage(job ticket.AlertJob) Deliverer {
	d.mu.Lock()
	d.staged++
	d.mu.Unlock()
	return stagedSend{d}
}

type stagedSend struct{ d *stagedDeliverer }

func (s stagedSend) Deliver(ctx context.Context, job ticket.AlertJob) error {
	s.d.mu.Lock()
	s.d.sent = append(s.d.sent, job.ID)
	s.d.mu.Unlock()
	err := s.d.serialDeliverer.Deliver(ctx, job)
	s.d.mu.Lock()
	// Staged one after another with their sends, no more would be staged
	// than sent by the end of a send.
	s.d.stagedAhead = s.d.stagedAhead || s.d.staged > len(s.d.sent)
	s.d.mu.Unlock()
	return err
}

// A Staged deliverer sends one job at a time, in the batch's order, while
// the jobs after it are staged (composed) on other goroutines.
func TestSenderStagesAheadAndSendsInOrder(t *testing.T) {
	d := &stagedDeliverer{}
	f := newSenderFixture(t, func(c *SenderConfig) { c.Workers, c.Deliverers["email"] = 4, d })
	for id := range int64(8) {
		f.queue.add(jobN(id + 1))
	}
	if sent := f.runOnce(t); sent != 8 || d.most != 1 {
		t.Errorf("sent %d with up to %d sends at once, want 8 one at a time", sent, d.most)
	}
	if !slices.IsSorted(d.sent) || len(d.sent) != 8 {
		t.Errorf("sent in the order %v, want the batch's", d.sent)
	}
	if !d.stagedAhead {
		t.Error("no job was staged ahead of the send in progress")
	}
}
