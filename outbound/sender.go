package outbound

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
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
	// RecordEvery: deliveries are recorded as sent in groups of this many,
	// and at the end of each batch; default BatchSize, one write per batch.
	// A delivery is re-sent (under its own fixed Message-ID) if the process
	// dies before its group is recorded: at most 2×RecordEvery+Workers alerts
	// (the group being written, the one filling meanwhile, and one per worker).
	RecordEvery int
	// Workers deliver alerts of a batch concurrently, per channel, unless the
	// channel's Deliverer is Serial; default 4.
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
	c.RecordEvery = orDefault(c.RecordEvery, c.BatchSize)
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

// Run delivers alerts until ctx is cancelled. Three stages overlap so that
// neither database round trip stalls the SMTP connection: a claimer leases
// the next batch while the current one is delivered, and a recorder marks
// deliveries sent in groups while later ones go out. After a batch that was
// not full (the queue is drained) the claimer waits for the poll interval
// or Wake.
func (s *Sender) Run(ctx context.Context) {
	rec := s.newRecorder(ctx)
	batches := make(chan claim)
	go s.claimAhead(ctx, batches)
	for c := range batches {
		s.logQueueErr(ctx, errors.Join(s.deliverBatch(ctx, c, rec), rec.takeErr()))
	}
	_, err := rec.close()
	s.logQueueErr(ctx, err)
}

func (s *Sender) logQueueErr(ctx context.Context, err error) {
	if err != nil {
		s.log.ErrorContext(ctx, "alert queue", slog.Any("err", err))
	}
}

// claim is one leased batch and the time its lease began.
type claim struct {
	jobs []ticket.AlertJob
	at   time.Time
}

func (s *Sender) claim(ctx context.Context) (claim, error) {
	at := time.Now()
	jobs, err := s.cfg.Queue.ClaimAlerts(ctx, s.cfg.BatchSize, s.cfg.Lease)
	if err != nil {
		return claim{}, fmt.Errorf("claim alerts: %w", err)
	}
	return claim{jobs: jobs, at: at}, nil
}

// claimAhead claims batches for Run until ctx ends, then closes out. The
// batch it holds while Run is busy is the next one, claimed during the
// current one's delivery; so at most two batches are leased at a time. A
// batch it could not hand over before ctx ended goes back to the queue.
func (s *Sender) claimAhead(ctx context.Context, out chan<- claim) {
	defer close(out)
	for {
		c, err := s.claim(ctx)
		if ctx.Err() != nil {
			s.logQueueErr(ctx, s.release(ctx, c.jobs))
			return
		}
		s.logQueueErr(ctx, err)
		if len(c.jobs) > 0 {
			select {
			case out <- c:
			case <-ctx.Done():
				s.logQueueErr(ctx, s.release(ctx, c.jobs))
				return
			}
		}
		if len(c.jobs) < s.cfg.BatchSize && !s.wait(ctx) {
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
// sent once their sent-marks are written. When ctx ends, jobs not yet attempted are put
// back in the queue at once, and so are jobs whose delivery it interrupted
// (those may have reached the server: they go out again under the same
// Message-ID).
func (s *Sender) RunOnce(ctx context.Context) (sent int, err error) {
	c, err := s.claim(ctx)
	if err != nil {
		return 0, err
	}
	rec := s.newRecorder(ctx)
	err = s.deliverBatch(ctx, c, rec)
	sent, recErr := rec.close()
	return sent, errors.Join(err, recErr)
}
