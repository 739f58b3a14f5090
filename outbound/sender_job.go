package outbound

import (
	"context"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"time"

	"inboxdesk/delivery"
	"inboxdesk/ticket"
)

// deliver sends one job and records the outcome in the queue: sent, retry
// later, or failed. It reports whether the alert went out; the error is
// the queue's, never the delivery's (that one is recorded, not returned).
func (s *Sender) deliver(ctx context.Context, job ticket.AlertJob) (bool, error) {
	d, ok := s.cfg.Deliverers[job.Channel]
	if !ok {
		// Visibly failed rather than silently reclaimed forever; a later push
		// channel is one more entry in SenderConfig.Deliverers.
		s.jobLog(job).ErrorContext(ctx, "alert failed: no deliverer for its channel")
		return false, s.record(ctx, job, func(ctx context.Context) error {
			return s.cfg.Queue.FailAlert(ctx, job.ID, fmt.Sprintf("no deliverer for channel %q", job.Channel))
		})
	}
	return s.deliverWith(ctx, job, d)
}

func (s *Sender) jobLog(job ticket.AlertJob) *slog.Logger {
	return s.log.With(slog.Int64("alert", job.ID), slog.Int64("ticket", job.TicketNumber),
		slog.String("reason", string(job.Reason)), slog.String("channel", job.Channel), slog.Int("tries", job.Tries))
}

// deliverWith is deliver with the job's deliverer chosen (or staged) already.
func (s *Sender) deliverWith(ctx context.Context, job ticket.AlertJob, d Deliverer) (bool, error) {
	log := s.jobLog(job)
	err := d.Deliver(ctx, job)
	switch {
	case err == nil:
		log.InfoContext(ctx, "alert sent")
		return true, nil // recorded with its group by recordSent
	case ctx.Err() != nil:
		// Interrupted by shutdown: queued again at once rather than left to
		// its lease. If the server had already taken the message, it goes
		// out again under the same Message-ID, fixed at enqueue time (promise 7).
		log.WarnContext(ctx, "alert interrupted", slog.Any("err", err))
		return false, s.record(ctx, job, func(ctx context.Context) error {
			return s.cfg.Queue.RetryAlert(ctx, job.ID, s.cfg.Now(), "interrupted by shutdown")
		})
	case delivery.IsPermanent(err) || job.Tries >= s.cfg.MaxTries:
		reason := failReason(job, err, delivery.IsPermanent(err))
		log.ErrorContext(ctx, "alert failed", slog.Any("err", err))
		return false, s.record(ctx, job, func(ctx context.Context) error { return s.cfg.Queue.FailAlert(ctx, job.ID, reason) })
	default:
		at := s.cfg.Now().Add(delivery.RetryDelay(err, s.backoff(job.Tries), s.cfg.RetryMax))
		log.WarnContext(ctx, "alert retry", slog.Any("err", err), slog.Time("at", at))
		return false, s.record(ctx, job, func(ctx context.Context) error {
			return s.cfg.Queue.RetryAlert(ctx, job.ID, at, delivery.Answer(err))
		})
	}
}

func failReason(job ticket.AlertJob, err error, permanent bool) string {
	if permanent {
		return delivery.Answer(err)
	}
	return fmt.Sprintf("gave up after %d tries: %s", job.Tries, delivery.Answer(err))
}

// release hands claimed alerts that were never attempted back to the
// queue, surviving cancellation like record.
func (s *Sender) release(ctx context.Context, jobs []ticket.AlertJob) error {
	if len(jobs) == 0 {
		return nil
	}
	if err := outlast(ctx, func(ctx context.Context) error { return s.cfg.Queue.ReleaseAlerts(ctx, jobs) }); err != nil {
		return fmt.Errorf("hand back %d unsent alerts: %w", len(jobs), err)
	}
	s.log.InfoContext(ctx, "alerts handed back to the queue", slog.Int("alerts", len(jobs)))
	return nil
}

// recordSent records delivered alerts as sent, surviving cancellation like record.
func (s *Sender) recordSent(ctx context.Context, ids []int64) error {
	if len(ids) == 0 {
		return nil
	}
	if err := outlast(ctx, func(ctx context.Context) error { return s.cfg.Queue.MarkAlertsSent(ctx, ids) }); err != nil {
		return fmt.Errorf("record %d sent alerts: %w", len(ids), err)
	}
	return nil
}

// record runs a queue update of job that survives a shutdown (outlast).
func (s *Sender) record(ctx context.Context, job ticket.AlertJob, update func(context.Context) error) error {
	if err := outlast(ctx, update); err != nil {
		return fmt.Errorf("record alert %d: %w", job.ID, err)
	}
	return nil
}

// outlast runs a queue update on a context that outlives ctx's cancellation
// (but not its values), so an outcome is not lost to a shutdown.
func outlast(ctx context.Context, update func(context.Context) error) error {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), recordTimeout)
	defer cancel()
	return update(ctx)
}

// backoff is the delay before the next attempt after tries attempts:
// RetryBase doubled per earlier attempt, capped at RetryMax, then a random
// point in its upper half so that alerts failed together do not retry together.
func (s *Sender) backoff(tries int) time.Duration {
	d := s.cfg.RetryBase
	for i := 1; i < tries && d < s.cfg.RetryMax; i++ {
		d *= 2
	}
	d = min(d, s.cfg.RetryMax)
	return d/2 + rand.N(d/2+1)
}
