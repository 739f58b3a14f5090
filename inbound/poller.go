package inbound

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"inboxdesk/inbound/mailparse"
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
}

// Observer receives what polls do, for metrics and progress.
type Observer interface {
	Batch(mailbox string, results []ticket.Result)
	Poll(mailbox string, took time.Duration, lag time.Duration, err error)
}

// DefaultOptions returns the poller's defaults.
func DefaultOptions() Options {
	return Options{Limits: mailparse.DefaultLimits(), BatchMessages: 200, BatchBytes: 32 << 20}
}

// Poller fetches new mail of each mailbox and ingests it exactly once.
type Poller struct {
	store    *ticket.Store
	log      *slog.Logger
	opts     Options
	sessions *sessionCache
}

// NewPoller returns a poller over store.
func NewPoller(store *ticket.Store, log *slog.Logger, opts Options) *Poller {
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
	return &Poller{store: store, log: log, opts: opts, sessions: newSessionCache()}
}

// Close logs out of every IMAP session kept open between polls.
func (p *Poller) Close() { p.sessions.closeAll() }

// Stats counts what one poll of a mailbox did.
type Stats struct {
	Skipped  bool // another process holds the mailbox's lock
	Fetched  int
	Outcomes map[ticket.Outcome]int
}

// ErrUIDValidityChanged means the folder was recreated while we polled it;
// the next poll starts over with the new UIDVALIDITY.
var ErrUIDValidityChanged = errors.New("UIDVALIDITY changed during the poll")

// Poll runs one cycle for the named mailbox: fetch every mail after the
// checkpoint in bounded batches, each committed with its checkpoint in one
// transaction. Only one process polls a mailbox at a time (advisory lock);
// the checkpoint's compare-and-set keeps it correct even without the lock.
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
	start := time.Now()
	defer func() { p.observePoll(name, start, err) }()
	if mb, err = p.store.MailboxByName(ctx, name); err != nil { // checkpoint as of holding the lock
		return st, err
	}
	if err = p.pollLocked(ctx, mb, &st); err != nil {
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
	p.sessions.sync(ctx, mb.ID) // a kept session's STATUS shows only what it has seen
	s, uv, next, err := p.openSession(ctx, mb.ID, target)
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
	if next != 0 && next-1 <= cp.LastUID {
		return p.store.RecordPollOK(ctx, mb.ID)
	}
	selUV, pending, err := s.newUIDs(target.Folder, cp.LastUID)
	if err != nil {
		return err
	}
	if selUV != uv {
		return ErrUIDValidityChanged
	}
	return p.ingestAll(ctx, s, mb, cp, pending, st)
}

// fetched is one batch fetched and parsed, ready to commit.
type fetched struct {
	batch []sizedUID
	mails []ticket.Mail
	err   error
}

// ingestAll fetches and parses the next batch while the previous one
// commits, so the IMAP server, the parser and PostgreSQL work at once.
// Server-side bookkeeping of committed batches runs on the fetching side
// between fetches (one IMAP command at a time).
func (p *Poller) ingestAll(ctx context.Context, s *session, mb *ticket.Mailbox, cp ticket.Checkpoint,
	pending []sizedUID, st *Stats) error {
	prog := newProgress(p.log, mb.Name, len(pending), p.opts.ProgressEvery)
	ready := make(chan fetched, 1)
	committed := make(chan []sizedUID, len(pending)/max(p.opts.BatchMessages, 1)+2)
	stop := make(chan struct{})
	fetcherDone := make(chan struct{})
	go func() {
		defer close(fetcherDone)
		defer close(ready)
		p.fetchAhead(ctx, s, mb, pending, ready, committed, stop)
	}()
	err := p.commitAll(ctx, mb, cp, ready, committed, st, prog)
	close(stop)
	<-fetcherDone
	close(committed)
	for batch := range committed {
		p.bookkeep(s, mb, batch)
	}
	if err == nil {
		prog.finish()
	}
	return err
}

func (p *Poller) fetchAhead(ctx context.Context, s *session, mb *ticket.Mailbox, pending []sizedUID,
	ready chan<- fetched, committed <-chan []sizedUID, stop <-chan struct{}) {
	for len(pending) > 0 && ctx.Err() == nil {
		p.bookkeepReady(s, mb, committed)
		var f fetched
		f.batch, pending = p.nextBatch(pending)
		f.mails, f.err = p.fetchBatch(s, f.batch)
		select {
		case ready <- f:
		case <-stop:
			return
		}
		if f.err != nil {
			return
		}
	}
}

func (p *Poller) commitAll(ctx context.Context, mb *ticket.Mailbox, cp ticket.Checkpoint, ready <-chan fetched,
	committed chan<- []sizedUID, st *Stats, prog *progress) error {
	for f := range ready {
		if f.err != nil {
			return f.err
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		// A started commit finishes even when we are told to stop: nothing is half-done.
		results, err := p.store.IngestBatch(context.WithoutCancel(ctx), cp, f.mails)
		if err != nil {
			return err
		}
		cp.LastUID = f.batch[len(f.batch)-1].uid
		p.count(mb.Name, results, st)
		committed <- f.batch
		prog.add(len(f.batch))
	}
	return nil // a fetch stopped by ctx leaves the rest for the next poll
}

// bookkeepReady applies the bookkeeping of every batch committed so far.
func (p *Poller) bookkeepReady(s *session, mb *ticket.Mailbox, committed <-chan []sizedUID) {
	for {
		select {
		case batch := <-committed:
			p.bookkeep(s, mb, batch)
		default:
			return
		}
	}
}

// openSession returns a session on the mailbox (kept from the last poll
// when it still answers, else a new login) with the folder's STATUS.
func (p *Poller) openSession(ctx context.Context, mailboxID int64, t Target) (*session, uint32, uint32, error) {
	s, reused, err := p.sessions.take(ctx, mailboxID, t)
	if err != nil {
		return nil, 0, 0, err
	}
	uv, next, err := s.boundStatus(ctx)
	if err != nil && reused {
		s.close() // the server restarted or dropped the idle connection
		if s, err = dial(ctx, t); err != nil {
			return nil, 0, 0, err
		}
		uv, next, err = s.boundStatus(ctx)
	}
	if err != nil {
		s.close()
		return nil, 0, 0, err
	}
	return s, uv, next, nil
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
