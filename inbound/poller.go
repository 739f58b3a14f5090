package inbound

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"golang.org/x/sync/errgroup"

	"inboxdesk/inbound/mailparse"
	"inboxdesk/storage"
	"inboxdesk/ticket"
)

// Options tunes a Poller.
type Options struct {
	Limits        mailparse.Limits
	BatchMessages int   // most mails per fetch and per transaction
	BatchBytes    int64 // most raw bytes per fetch and per transaction
	// Observe, when set, is told about every committed batch and every poll (for metrics).
	Observe Observer
	// ProgressEvery is how often a long poll (the first of a big mailbox)
	// logs how far it is; zero means every 5 seconds.
	ProgressEvery time.Duration
	// Tokens gives access tokens to mailboxes that sign in with OAuth2 (?oauth=NAME).
	Tokens TokenSource
	// TrustedAuthservID names the mail server whose Authentication-Results
	// judge senders (mailparse.SenderAuthFailure); "" checks nothing.
	TrustedAuthservID string
	// CommandTimeout is how long an IMAP command (or connecting) may wait
	// with the server sending nothing before the connection is dropped.
	CommandTimeout time.Duration
	// PollTimeout bounds one whole poll; what it committed stays, the rest
	// is left for the next poll. It also bounds how long a poll holds the
	// mailbox's lock.
	PollTimeout time.Duration
	// StalledAfter is how many polls in a row may leave a backlog no
	// smaller than before until the mailbox is logged and shown as stalled.
	StalledAfter int
}

// Observer receives what polls do, for metrics and progress.
type Observer interface {
	Batch(mailbox string, results []ticket.Result)
	Poll(mailbox string, took time.Duration, lag time.Duration, err error)
}

// DefaultOptions returns the poller's defaults.
func DefaultOptions() Options {
	return Options{Limits: mailparse.DefaultLimits(), BatchMessages: 200, BatchBytes: 32 << 20,
		CommandTimeout: time.Minute, PollTimeout: 10 * time.Minute, StalledAfter: 5}
}

// Poller fetches new mail of each mailbox and ingests it exactly once.
type Poller struct {
	store    *storage.Store
	log      *slog.Logger
	opts     Options
	sessions *sessionCache
}

// NewPoller returns a poller over store.
func NewPoller(store *storage.Store, log *slog.Logger, opts Options) *Poller {
	d := DefaultOptions()
	if opts.BatchMessages <= 0 {
		opts.BatchMessages = d.BatchMessages
	}
	if opts.BatchBytes <= 0 {
		opts.BatchBytes = d.BatchBytes
	}
	if opts.Limits == (mailparse.Limits{}) {
		opts.Limits = d.Limits
	}
	if opts.CommandTimeout <= 0 {
		opts.CommandTimeout = d.CommandTimeout
	}
	if opts.PollTimeout <= 0 {
		opts.PollTimeout = d.PollTimeout
	}
	if opts.StalledAfter <= 0 {
		opts.StalledAfter = d.StalledAfter
	}
	return &Poller{store: store, log: log, opts: opts, sessions: newSessionCache()}
}

// Close logs out of every IMAP session kept open between polls.
func (p *Poller) Close() { p.sessions.closeAll() }

// Stats counts what one poll of a mailbox did.
type Stats struct {
	Skipped  bool // another process holds the mailbox's lock
	Fetched  int
	Outcomes map[ticket.Outcome]int
	// Backlog is what the poll left on the server above the checkpoint
	// (zero when it did not reach the server).
	Backlog ticket.Backlog
	lastUID uint32 // checkpoint as committed so far
}

// ErrUIDValidityChanged means the folder was recreated while we polled it;
// the next poll starts over with the new UIDVALIDITY.
var ErrUIDValidityChanged = errors.New("UIDVALIDITY changed during the poll")

// ErrPollTimeout means a poll ran out of Options.PollTimeout; what it
// committed stays, the next poll goes on from there.
var ErrPollTimeout = errors.New("poll ran out of time")

// Poll runs one cycle for the named mailbox: fetch every mail after the
// checkpoint in bounded batches, each committed with its checkpoint in one
// transaction. Only one process polls a mailbox at a time (advisory lock);
// the checkpoint's compare-and-set keeps it correct even without the lock.
// A poll gives up after Options.PollTimeout, or when the server is quiet
// for Options.CommandTimeout, and then releases the lock. Anything that
// learns of new mail (a schedule, IDLE) may call Poll at any time.
func (p *Poller) Poll(ctx context.Context, name string) (st Stats, err error) {
	st.Outcomes = map[ticket.Outcome]int{}
	mb, err := p.store.MailboxByName(ctx, name)
	if err != nil {
		return st, fmt.Errorf("poll %s: %w", name, err)
	}
	unlock, ok, err := p.store.TryLockMailbox(ctx, mb.ID)
	if err != nil || !ok {
		st.Skipped = true
		return st, err
	}
	defer unlock()
	ctx, cancel := context.WithTimeout(ctx, p.opts.PollTimeout)
	defer cancel()
	start := time.Now()
	defer func() { p.observePoll(name, start, err) }()
	if mb, err = p.store.MailboxByName(ctx, name); err != nil { // checkpoint as of holding the lock
		return st, err
	}
	if err = p.pollLocked(ctx, mb, &st); err != nil {
		if errors.Is(ctx.Err(), context.DeadlineExceeded) {
			err = fmt.Errorf("%w (%s): %w", ErrPollTimeout, p.opts.PollTimeout, err)
		}
		_ = p.store.RecordPollError(context.WithoutCancel(ctx), mb.ID, err.Error())
		return st, fmt.Errorf("poll %s: %w", name, err)
	}
	return st, nil
}

func (p *Poller) observePoll(name string, start time.Time, err error) {
	if p.opts.Observe != nil {
		p.opts.Observe.Poll(name, time.Since(start), 0, err)
	}
}

func (p *Poller) pollLocked(ctx context.Context, mb *ticket.Mailbox, st *Stats) (err error) {
	target, err := ParseURL(mb.URL)
	if err != nil {
		return err
	}
	target.Tokens = p.opts.Tokens
	s, uv, highest, err := p.openSession(ctx, mb.ID, target)
	if err != nil {
		return err
	}
	release := s.bind(ctx)
	defer func() {
		release()
		if err != nil {
			s.close() // its state after a failure is unknown: start afresh next time
			return
		}
		p.sessions.put(mb.ID, s)
	}()
	cp := mb.Checkpoint
	if uv != cp.UIDValidity {
		if cp.UIDValidity != 0 {
			p.log.Warn("UIDVALIDITY changed: re-scanning, known mail is skipped by Message-ID and content",
				"mailbox", mb.Name, "old", cp.UIDValidity, "new", uv)
		}
		if err := p.store.ResetCheckpoint(ctx, cp, uv); err != nil {
			return err
		}
		cp = ticket.Checkpoint{MailboxID: mb.ID, UIDValidity: uv}
	}
	return p.ingestNew(ctx, s, mb, cp, uv, highest, st)
}

// ingestNew ingests the mail above the checkpoint, up to the highest UID
// the server reported, and notes the backlog the poll leaves.
func (p *Poller) ingestNew(ctx context.Context, s *session, mb *ticket.Mailbox, cp ticket.Checkpoint,
	uv, highest uint32, st *Stats) error {
	if highest <= cp.LastUID {
		p.noteBacklog(ctx, mb, st, 0, time.Time{})
		return p.store.RecordPollOK(ctx, mb.ID)
	}
	selUV, pending, err := s.newUIDs(cp.LastUID, highest)
	if err != nil {
		return err
	}
	if selUV != uv {
		return ErrUIDValidityChanged
	}
	st.lastUID = cp.LastUID
	err = p.ingestAll(ctx, s, mb, cp, pending, st)
	uids, oldest := backlogOf(highest, pending, st.lastUID)
	p.noteBacklog(ctx, mb, st, uids, oldest)
	return err
}

// fetched is one batch fetched and parsed, ready to commit.
type fetched struct {
	batch []sizedUID
	mails []ticket.Mail
}

// ingestAll fetches and parses the next batch while the previous one
// commits, so the IMAP server, the parser and PostgreSQL work at once. The
// two stages hand batches over unbuffered channels and every send also waits
// on the context, so neither stage can block the other whatever the batch
// sizes. Server-side bookkeeping of committed batches runs on the fetching
// side (one IMAP command at a time).
func (p *Poller) ingestAll(ctx context.Context, s *session, mb *ticket.Mailbox, cp ticket.Checkpoint,
	pending []sizedUID, st *Stats) error {
	prog := newProgress(p.log, mb.Name, len(pending), p.opts.ProgressEvery)
	ready := make(chan fetched)
	committed := make(chan []sizedUID)
	g, gctx := errgroup.WithContext(ctx)
	g.Go(func() error {
		err := p.fetchAll(gctx, s, mb, pending, ready, committed)
		close(ready)
		for batch := range committed { // until the committer is done
			p.bookkeep(s, mb, batch)
		}
		return err
	})
	g.Go(func() error {
		defer close(committed)
		return p.commitAll(gctx, mb, cp, ready, committed, st, prog)
	})
	if err := g.Wait(); err != nil {
		return err
	}
	if err := ctx.Err(); err != nil {
		return err // stopped early: the rest is left for the next poll
	}
	prog.finish()
	return nil
}

// fetchAll fetches pending batch by batch and hands each to the committer,
// applying the bookkeeping of committed batches while it waits.
func (p *Poller) fetchAll(ctx context.Context, s *session, mb *ticket.Mailbox, pending []sizedUID,
	ready chan<- fetched, committed <-chan []sizedUID) error {
	for len(pending) > 0 {
		var f fetched
		var err error
		f.batch, pending = p.nextBatch(pending)
		if f.mails, err = p.fetchBatch(s, f.batch); err != nil {
			return err
		}
		for sent := false; !sent; {
			select {
			case ready <- f:
				sent = true
			case batch := <-committed:
				p.bookkeep(s, mb, batch)
			case <-ctx.Done():
				return nil // the poll's own error (if any) is reported by its caller
			}
		}
	}
	return nil
}

func (p *Poller) commitAll(ctx context.Context, mb *ticket.Mailbox, cp ticket.Checkpoint, ready <-chan fetched,
	committed chan<- []sizedUID, st *Stats, prog *progress) error {
	for f := range ready {
		if ctx.Err() != nil {
			return nil
		}
		// A started commit finishes even when we are told to stop: nothing is half-done.
		results, err := p.store.IngestBatch(context.WithoutCancel(ctx), cp, f.mails)
		if err != nil {
			return err
		}
		cp.LastUID = f.batch[len(f.batch)-1].uid
		st.lastUID = cp.LastUID
		p.count(mb.Name, results, st)
		prog.add(len(f.batch))
		select {
		case committed <- f.batch:
		case <-ctx.Done():
		}
	}
	return nil
}

// openSession returns a session on the mailbox (kept from the last poll
// when it still answers, else a new login) with the folder's UIDVALIDITY and
// highest UID. A kept session that fails is replaced by a new login at once,
// unless it timed out: a server that does not answer gets no second wait in
// this poll.
func (p *Poller) openSession(ctx context.Context, mailboxID int64, t Target) (*session, uint32, uint32, error) {
	s, reused, err := p.sessions.take(ctx, mailboxID, t, p.opts.CommandTimeout)
	if err != nil {
		return nil, 0, 0, err
	}
	uv, highest, err := s.boundCheck(ctx)
	if err != nil && reused && !errors.Is(err, ErrServerTimeout) && ctx.Err() == nil {
		s.close() // the server restarted or dropped the idle connection
		if s, err = dial(ctx, t, p.opts.CommandTimeout); err != nil {
			return nil, 0, 0, err
		}
		uv, highest, err = s.boundCheck(ctx)
	}
	if err != nil {
		s.close()
		return nil, 0, 0, err
	}
	return s, uv, highest, nil
}

// nextBatch takes mails off pending up to the count and byte bounds (at least one).
func (p *Poller) nextBatch(pending []sizedUID) (batch, rest []sizedUID) {
	var bytes int64
	n := 0
	for n < len(pending) && n < p.opts.BatchMessages {
		if n > 0 && bytes+p.fetchSize(pending[n]) > p.opts.BatchBytes {
			break
		}
		bytes += p.fetchSize(pending[n])
		n++
	}
	return pending[:n], pending[n:]
}

func (p *Poller) fetchSize(m sizedUID) int64 {
	if m.size > p.opts.Limits.MaxSize {
		return 0 // only its header is fetched
	}
	return m.size
}

func (p *Poller) count(name string, results []ticket.Result, st *Stats) {
	st.Fetched += len(results)
	for _, r := range results {
		st.Outcomes[r.Outcome]++
		if r.Outcome == ticket.OutcomeQuarantined {
			p.log.Warn("mail quarantined", "mailbox", name, "uid", r.UID, "reason", r.Reason)
		}
	}
	if p.opts.Observe != nil {
		p.opts.Observe.Batch(name, results)
	}
}

func (p *Poller) bookkeep(s *session, mb *ticket.Mailbox, batch []sizedUID) {
	if !mb.MarkSeen && mb.ProcessedFolder == "" {
		return
	}
	uids := make([]uint32, len(batch))
	for i, m := range batch {
		uids[i] = m.uid
	}
	if err := s.afterCommit(uids, mb.MarkSeen, mb.ProcessedFolder); err != nil {
		p.log.Warn("after-commit bookkeeping failed (mail is safely ingested)", "mailbox", mb.Name, "err", err)
	}
}
