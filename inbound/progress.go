package inbound

import (
	"log/slog"
	"time"
)

// progress logs how a long poll (the first poll of a big mailbox) is going:
// messages done, rate and remaining, at most every few seconds.
type progress struct {
	log       *slog.Logger
	mailbox   string
	total     int
	every     time.Duration
	done      int
	start     time.Time
	lastPrint time.Time
}

const defaultProgressEvery = 5 * time.Second

func newProgress(log *slog.Logger, mailbox string, total int, every time.Duration) *progress {
	if every <= 0 {
		every = defaultProgressEvery
	}
	now := time.Now()
	return &progress{log: log, mailbox: mailbox, total: total, every: every, start: now, lastPrint: now}
}

func (p *progress) add(n int) {
	p.done += n
	if time.Since(p.lastPrint) < p.every {
		return
	}
	p.lastPrint = time.Now()
	p.log.Info("ingesting", "mailbox", p.mailbox, "done", p.done, "remaining", p.total-p.done,
		"per_second", int(p.rate()))
}

func (p *progress) rate() float64 {
	s := time.Since(p.start).Seconds()
	if s <= 0 {
		return 0
	}
	return float64(p.done) / s
}

func (p *progress) finish() {
	if p.total == 0 {
		return
	}
	p.log.Info("poll done", "mailbox", p.mailbox, "messages", p.done, "per_second", int(p.rate()),
		"took", time.Since(p.start).Round(time.Millisecond))
}
