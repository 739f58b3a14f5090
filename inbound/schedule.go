package inbound

import (
	"context"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"time"

	"github.com/robfig/cron/v3"

	"inboxdesk/storage"
)

// Scheduler polls every mailbox on its own cron schedule. It re-reads the
// mailbox list every minute, so mailboxes added or removed with the CLI are
// picked up without a restart. A poll still running when its next turn comes
// is not started twice.
type Scheduler struct {
	poller  *Poller
	store   *storage.Store
	log     *slog.Logger
	reload  time.Duration
	running sync.WaitGroup
	idle    *idlers
}

// NewScheduler returns a scheduler for every mailbox in store. Where the
// server offers IDLE, new mail is also polled the moment it arrives (see
// idlers); idle may be omitted for the defaults.
func NewScheduler(p *Poller, store *storage.Store, log *slog.Logger, idle ...IdleOptions) *Scheduler {
	var io IdleOptions
	if len(idle) > 0 {
		io = idle[0]
	}
	return &Scheduler{poller: p, store: store, log: log, reload: time.Minute, idle: newIdlers(p, store, log, io)}
}

type entry struct {
	id   cron.EntryID
	spec string
}

// Run schedules polls until ctx is cancelled, then waits for running polls to
// finish their current batch.
func (s *Scheduler) Run(ctx context.Context) error {
	c := cron.New(cron.WithChain(cron.Recover(cronLogger{s.log})))
	c.Start()
	entries := map[string]entry{}
	t := time.NewTicker(s.reload)
	defer t.Stop()
	for {
		s.sync(ctx, c, entries)
		select {
		case <-ctx.Done():
			<-c.Stop().Done()
			s.idle.wait()
			s.running.Wait()
			return nil
		case <-t.C:
		}
	}
}

// sync makes the cron entries match the mailboxes in the database.
func (s *Scheduler) sync(ctx context.Context, c *cron.Cron, entries map[string]entry) {
	boxes, err := s.store.Mailboxes(ctx)
	if err != nil {
		s.log.Error("list mailboxes", "err", err)
		return
	}
	s.idle.sync(ctx, boxes)
	seen := map[string]bool{}
	for _, mb := range boxes {
		seen[mb.Name] = true
		if e, ok := entries[mb.Name]; ok && e.spec == mb.Schedule {
			continue
		} else if ok {
			c.Remove(e.id)
		}
		id, err := c.AddJob(mb.Schedule, s.job(ctx, mb.Name))
		if err != nil {
			s.log.Error("bad mailbox schedule", "mailbox", mb.Name, "schedule", mb.Schedule, "err", err)
			continue
		}
		entries[mb.Name] = entry{id: id, spec: mb.Schedule}
		s.log.Info("mailbox scheduled", "mailbox", mb.Name, "schedule", mb.Schedule)
	}
	for name, e := range entries {
		if !seen[name] {
			c.Remove(e.id)
			delete(entries, name)
		}
	}
}

func (s *Scheduler) job(ctx context.Context, name string) cron.Job {
	return cron.NewChain(cron.SkipIfStillRunning(cronLogger{s.log})).Then(cron.FuncJob(func() {
		if ctx.Err() != nil {
			return
		}
		s.running.Add(1)
		defer s.running.Done()
		st, err := s.poller.Poll(ctx, name)
		if err != nil {
			s.log.Error("poll failed", "mailbox", name, "err", err)
			return
		}
		if st.Fetched > 0 {
			s.log.Info("polled", "mailbox", name, "fetched", st.Fetched, "outcomes", st.Outcomes)
		}
	}))
}

// ValidSchedule reports whether spec is a cron schedule the scheduler accepts.
// "@every" takes a positive whole number of seconds or more: cron would run a
// shorter, zero or negative interval every second, hammering the mail server.
func ValidSchedule(spec string) error {
	if _, err := cron.ParseStandard(spec); err != nil {
		return err
	}
	if every, ok := strings.CutPrefix(strings.TrimSpace(spec), "@every "); ok {
		d, err := time.ParseDuration(strings.TrimSpace(every))
		if err != nil || d < time.Second {
			return fmt.Errorf("%q: an @every interval must be at least 1s", spec)
		}
	}
	return nil
}

// cronLogger adapts slog to cron's logger.
type cronLogger struct{ log *slog.Logger }

func (l cronLogger) Info(msg string, kv ...any) { l.log.Debug("cron: "+msg, kv...) }
func (l cronLogger) Error(err error, msg string, kv ...any) {
	l.log.Error("cron: "+msg, append(kv, "err", err)...)
}
