package outbound

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"inboxdesk/delivery"
	"inboxdesk/ticket"
)

// Queue hands out alert jobs and records what became of them. The store
// implements it with leases (FOR UPDATE SKIP LOCKED), so several senders can
// share one queue; a job whose lease runs out is handed out again.
type Queue interface {
	ClaimAlerts(ctx context.Context, limit int, lease time.Duration) ([]ticket.AlertJob, error)
	// MarkAlertsSent records a group of delivered alerts at once.
	MarkAlertsSent(ctx context.Context, ids []int64) error
	RetryAlert(ctx context.Context, id int64, at time.Time, reason string) error
	FailAlert(ctx context.Context, id int64, reason string) error
	// ReleaseAlerts puts claimed alerts that were never attempted back in
	// the queue at once, as if they had not been claimed; one claimed again
	// meanwhile (its lease ran out) is left to its new holder.
	ReleaseAlerts(ctx context.Context, jobs []ticket.AlertJob) error
}

// Deliverer sends one alert over one channel: the contract email and push
// share, declared where neither's library is (delivery.Deliverer).
type Deliverer = delivery.Deliverer

// SenderConfig configures a Sender; zero values take the defaults.
type SenderConfig struct {
	Queue      Queue
	Deliverers map[string]Deliverer // by ticket.AlertJob.Channel, e.g. "email"

	BatchSize    int           // jobs claimed at once; default 20
	Lease        time.Duration // how long a claimed job is ours; default 5m
	PollInterval time.Duration // pause when the queue is empty; default 10s
	RetryBase    time.Duration // first retry delay; default 1m
	RetryMax     time.Duration // longest retry delay; default 6h
	MaxTries     int           // attempts before an alert is failed; default 10
	// RecordEvery: deliveries are recorded as sent in groups of this many (and
	// at the end of each batch). A crash re-sends at most this many alerts, each
	// under its own fixed Message-ID; default 16.
	RecordEvery int
	// Workers compose and deliver alerts of a batch concurrently; default 4.
	Workers int

	Logger *slog.Logger // default slog.Default()
	Now    func() time.Time
}

// Sender delivers alert jobs from a Queue until its context ends.
type Sender struct {
	cfg  SenderConfig
	log  *slog.Logger
	wake chan struct{}
}

// recordTimeout bounds a queue update made after a delivery attempt; it
// runs even while shutting down, so a sent alert is recorded as sent.
const recordTimeout = 10 * time.Second

// NewSender checks c and fills its defaults.
func NewSender(c SenderConfig) (*Sender, error) {
	if c.Queue == nil {
		return nil, errors.New("outbound: sender without a queue")
	}
	if len(c.Deliverers) == 0 {
		return nil, errors.New("outbound: sender without deliverers")
	}
	fillSenderDefaults(&c)
	if c.RetryBase > c.RetryMax {
		return nil, fmt.Errorf("outbound: retry base %v is longer than retry max %v", c.RetryBase, c.RetryMax)
	}
	return &Sender{cfg: c, log: c.Logger, wake: make(chan struct{}, 1)}, nil
}

func fillSenderDefaults(c *SenderConfig) {
	c.BatchSize = orDefault(c.BatchSize, 20)
	c.Lease = orDefault(c.Lease, 5*time.Minute)
	c.PollInterval = orDefault(c.PollInterval, 10*time.Second)
	c.RetryBase = orDefault(c.RetryBase, time.Minute)
	c.RetryMax = orDefault(c.RetryMax, 6*time.Hour)
	c.MaxTries = orDefault(c.MaxTries, 10)
	c.RecordEvery = orDefault(c.RecordEvery, 16)
	c.Workers = orDefault(c.Workers, 4)
	if c.Logger == nil {
		c.Logger = slog.Default()
	}
	if c.Now == nil {
		c.Now = time.Now
	}
}

func orDefault[T int | time.Duration](v, def T) T {
	if v <= 0 {
		return def
	}
	return v
}

// Wake makes a waiting Run poll now (say, after a commit that enqueued alerts).
func (s *Sender) Wake() {
	select {
	case s.wake <- struct{}{}:
	default:
	}
}

// Run delivers alerts until ctx is cancelled: it claims a batch, delivers
// it, and claims again at once when the batch was full, else waits for the
// poll interval or Wake.
func (s *Sender) Run(ctx context.Context) {
	for {
		claimed, _, err := s.runOnce(ctx)
		if ctx.Err() != nil {
			return
		}
		if err != nil {
			s.log.ErrorContext(ctx, "alert queue", slog.Any("err", err))
		}
		if err == nil && claimed == s.cfg.BatchSize {
			continue
		}
		if !s.wait(ctx) {
			return
		}
	}
}

func (s *Sender) wait(ctx context.Context) bool {
	t := time.NewTimer(s.cfg.PollInterval)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return false
	case <-s.wake:
	case <-t.C:
	}
	return true
}

// RunOnce claims one batch and delivers it, returning how many alerts were
// sent. When ctx ends, jobs not yet attempted are put back in the queue at
// once, and so are jobs whose delivery it interrupted (those may have
// reached the server: they go out again under the same Message-ID).
func (s *Sender) RunOnce(ctx context.Context) (sent int, err error) {
	_, sent, err = s.runOnce(ctx)
	return sent, err
}

func (s *Sender) runOnce(ctx context.Context) (claimed, sent int, err error) {
	start := time.Now()
	jobs, err := s.cfg.Queue.ClaimAlerts(ctx, s.cfg.BatchSize, s.cfg.Lease)
	if err != nil {
		return 0, 0, fmt.Errorf("claim alerts: %w", err)
	}
	b := newBatch(ctx, s, start.Add(s.cfg.Lease/2))
	work := make(chan ticket.AlertJob)
	var wg sync.WaitGroup
	// Workers overlap composing one alert with sending another; the
	// Transport serialises the SMTP transactions on its connection.
	for range min(s.cfg.Workers, len(jobs)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for job := range work {
				b.deliver(job)
			}
		}()
	}
	handed := 0
hand:
	for _, job := range jobs {
		select {
		case work <- job:
			handed++
		case <-ctx.Done():
			break hand
		}
	}
	close(work)
	wg.Wait()
	b.unstarted = append(b.unstarted, jobs[handed:]...)
	sent, err = b.finish()
	return len(jobs), sent, err
}

// batch collects the outcome of one claimed batch. Delivered alerts go to a
// recorder goroutine that records them as sent while later alerts are being
// delivered: each write takes every delivery that arrived meanwhile, up to
// RecordEvery, so a crash re-sends at most that many.
type batch struct {
	s         *Sender
	ctx       context.Context
	mu        sync.Mutex
	sent      int
	errs      []error
	unstarted []ticket.AlertJob // claimed, never attempted: handed back by finish
	// startBy is when the batch stops starting deliveries: half its lease,
	// so that no delivery (bounded by the transport's timeout) outlasts the
	// lease and meets another sender's attempt at the same alert.
	startBy time.Time
	ids     chan int64
	done    chan struct{}
}

func newBatch(ctx context.Context, s *Sender, startBy time.Time) *batch {
	b := &batch{s: s, ctx: ctx, startBy: startBy, ids: make(chan int64, s.cfg.BatchSize), done: make(chan struct{})}
	go b.record()
	return b
}

func (b *batch) deliver(job ticket.AlertJob) {
	if b.ctx.Err() != nil || time.Now().After(b.startBy) {
		b.mu.Lock()
		b.unstarted = append(b.unstarted, job)
		b.mu.Unlock()
		return
	}
	ok, err := b.s.deliver(b.ctx, job)
	b.addErr(err)
	if ok {
		b.ids <- job.ID
	}
}

func (b *batch) addErr(err error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.errs = append(b.errs, err)
}

func (b *batch) record() {
	defer close(b.done)
	for id := range b.ids {
		group := []int64{id}
	more:
		for len(group) < b.s.cfg.RecordEvery {
			select {
			case id, ok := <-b.ids:
				if !ok {
					break more
				}
				group = append(group, id)
			default:
				break more
			}
		}
		b.addErr(b.s.recordSent(b.ctx, group))
		b.mu.Lock()
		b.sent += len(group)
		b.mu.Unlock()
	}
}

func (b *batch) finish() (int, error) {
	close(b.ids)
	<-b.done
	b.addErr(b.s.release(b.ctx, b.unstarted))
	return b.sent, errors.Join(b.errs...)
}
