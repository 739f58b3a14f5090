package outbound

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"inboxdesk/ticket"
)

// Queue hands out alert jobs and records what became of them. The store
// implements it with leases (FOR UPDATE SKIP LOCKED), so several senders can
// share one queue; a job whose lease runs out is handed out again.
type Queue interface {
	ClaimAlerts(ctx context.Context, limit int, lease time.Duration) ([]ticket.AlertJob, error)
	MarkAlertSent(ctx context.Context, id int64) error
	RetryAlert(ctx context.Context, id int64, at time.Time, reason string) error
	FailAlert(ctx context.Context, id int64, reason string) error
}

// Deliverer sends one alert over one channel. An error for which
// IsPermanent is true fails the alert; any other is retried.
type Deliverer interface {
	Deliver(ctx context.Context, job ticket.AlertJob) error
}

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
// sent. Jobs left undelivered because ctx ended stay leased and are handed
// out again when the lease runs out.
func (s *Sender) RunOnce(ctx context.Context) (sent int, err error) {
	_, sent, err = s.runOnce(ctx)
	return sent, err
}

func (s *Sender) runOnce(ctx context.Context) (claimed, sent int, err error) {
	jobs, err := s.cfg.Queue.ClaimAlerts(ctx, s.cfg.BatchSize, s.cfg.Lease)
	if err != nil {
		return 0, 0, fmt.Errorf("claim alerts: %w", err)
	}
	var errs []error
	for _, job := range jobs {
		if ctx.Err() != nil {
			break
		}
		ok, err := s.deliver(ctx, job)
		if ok {
			sent++
		}
		errs = append(errs, err)
	}
	return len(jobs), sent, errors.Join(errs...)
}
