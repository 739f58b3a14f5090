package outbound

import (
	"context"
	"errors"
	"sync"
	"time"

	"inboxdesk/ticket"
)

// deliverBatch delivers the jobs of c and hands each one that went out to
// rec. Each channel's jobs go to their deliverer at once: a Serial one's one
// at a time, in order; any other's from up to Workers goroutines. Jobs never
// attempted (ctx ended, or half the lease has passed) go back to the queue
// before it returns. The error is the queue's.
func (s *Sender) deliverBatch(ctx context.Context, c claim, rec *recorder) error {
	b := &batch{s: s, ctx: ctx, rec: rec, startBy: c.at.Add(s.cfg.Lease / 2)}
	var wg sync.WaitGroup
	for channel, jobs := range byChannel(c.jobs) {
		workers := s.cfg.Workers
		if d, ok := s.cfg.Deliverers[channel].(Serial); ok && d.Serial() {
			workers = 1
		}
		st, staged := s.cfg.Deliverers[channel].(Staged)
		wg.Add(1)
		go func() {
			defer wg.Done()
			if staged && workers == 1 {
				b.runStaged(jobs, st, s.cfg.Workers)
				return
			}
			b.run(jobs, workers)
		}()
	}
	wg.Wait()
	rec.flush()
	b.errs = append(b.errs, s.release(ctx, b.unstarted))
	return errors.Join(b.errs...)
}

// Serial is implemented by a Deliverer whose deliveries cannot overlap, such
// as EmailDeliverer over its Transport's one connection. The sender gives it
// a batch's jobs from one goroutine: several would only queue for the
// connection, and on a busy machine their composing delays the replies the
// connection waits for (alerts/s measured back to back on 2 cores).
type Serial interface {
	Serial() bool
}

// Staged is a Serial Deliverer whose work splits into what may run ahead,
// on other goroutines (composing an alert), and what may not overlap
// (sending it): Stage does the first and returns the second, a Deliverer
// for that one job. The sender stages the next jobs while it sends one, in
// order: on an idle machine composing in parallel was a third faster, and
// the sends still never overlap.
type Staged interface {
	Serial
	Stage(job ticket.AlertJob) Deliverer
}

func byChannel(jobs []ticket.AlertJob) map[string][]ticket.AlertJob {
	out := map[string][]ticket.AlertJob{}
	for _, j := range jobs {
		out[j.Channel] = append(out[j.Channel], j)
	}
	return out
}

// run delivers jobs from workers goroutines; those it could not hand out
// before ctx ended are left unstarted.
func (b *batch) run(jobs []ticket.AlertJob, workers int) {
	work := make(chan ticket.AlertJob)
	var wg sync.WaitGroup
	for range min(workers, len(jobs)) {
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
		case <-b.ctx.Done():
			break hand
		}
	}
	close(work)
	wg.Wait()
	b.mu.Lock()
	b.unstarted = append(b.unstarted, jobs[handed:]...)
	b.mu.Unlock()
}

// runStaged delivers jobs one at a time, in order, while up to workers
// goroutines stage the jobs after it; those it could not start before ctx
// ended are left unstarted (whatever staging did for them is dropped).
func (b *batch) runStaged(jobs []ticket.AlertJob, st Staged, workers int) {
	ready := make([]chan Deliverer, len(jobs))
	for i := range ready {
		ready[i] = make(chan Deliverer, 1)
	}
	next := make(chan int)
	var wg sync.WaitGroup
	for range min(max(workers, 1), len(jobs)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				ready[i] <- st.Stage(jobs[i])
			}
		}()
	}
	stop := make(chan struct{})
	go func() {
		defer close(next)
		for i := range jobs {
			select {
			case next <- i:
			case <-stop:
				return
			}
		}
	}()
	started := 0
send:
	for i, job := range jobs {
		select {
		case d := <-ready[i]:
			b.deliverWith(job, d)
			started++
		case <-b.ctx.Done():
			break send
		}
	}
	close(stop)
	wg.Wait()
	b.mu.Lock()
	b.unstarted = append(b.unstarted, jobs[started:]...)
	b.mu.Unlock()
}

// batch collects the outcome of one claimed batch.
type batch struct {
	s   *Sender
	ctx context.Context
	rec *recorder
	// startBy is when the batch stops starting deliveries: half its lease,
	// so that no delivery (bounded by the transport's timeout) outlasts the
	// lease and meets another sender's attempt at the same alert.
	startBy time.Time

	mu        sync.Mutex
	errs      []error
	unstarted []ticket.AlertJob // claimed, never attempted: handed back at the end
}

func (b *batch) deliver(job ticket.AlertJob) { b.deliverWith(job, nil) }

// deliverWith delivers job with d, or with its channel's deliverer when d
// is nil, unless the batch has stopped starting deliveries.
func (b *batch) deliverWith(job ticket.AlertJob, d Deliverer) {
	if b.ctx.Err() != nil || time.Now().After(b.startBy) {
		b.mu.Lock()
		b.unstarted = append(b.unstarted, job)
		b.mu.Unlock()
		return
	}
	var ok bool
	var err error
	if d != nil {
		ok, err = b.s.deliverWith(b.ctx, job, d)
	} else {
		ok, err = b.s.deliver(b.ctx, job)
	}
	if ok {
		b.rec.add(job.ID)
	}
	b.mu.Lock()
	b.errs = append(b.errs, err)
	b.mu.Unlock()
}

// recorder records delivered alerts as sent from its own goroutine, while
// later alerts are being delivered. It writes a group when it holds
// RecordEvery deliveries or a batch ends, so a full batch costs one write;
// deliveries made during a write wait for the next one. Until its write
// commits, a delivered alert is still "sending" in the queue: a crash then
// re-sends it (under its own Message-ID) once its lease runs out.
type recorder struct {
	s    *Sender
	ctx  context.Context
	in   chan delivered
	done chan struct{}

	mu   sync.Mutex
	sent int
	errs []error
}

// delivered is an alert that went out, or (id 0) the end of a batch.
type delivered struct{ id int64 }

func (s *Sender) newRecorder(ctx context.Context) *recorder {
	r := &recorder{s: s, ctx: ctx, in: make(chan delivered, s.cfg.RecordEvery), done: make(chan struct{})}
	go r.run()
	return r
}

func (r *recorder) add(id int64) { r.in <- delivered{id} }

// flush writes what the recorder holds: the batch has ended.
func (r *recorder) flush() { r.in <- delivered{} }

func (r *recorder) run() {
	defer close(r.done)
	var group []int64
	for d := range r.in {
		if d.id != 0 {
			group = append(group, d.id)
		}
		if len(group) >= r.s.cfg.RecordEvery || (d.id == 0 && len(group) > 0) {
			r.write(group)
			group = nil
		}
	}
	if len(group) > 0 {
		r.write(group)
	}
}

func (r *recorder) write(group []int64) {
	err := r.s.recordSent(r.ctx, group)
	r.mu.Lock()
	defer r.mu.Unlock()
	r.sent += len(group)
	r.errs = append(r.errs, err)
}

// takeErr returns the errors of the writes so far, and forgets them.
func (r *recorder) takeErr() error {
	r.mu.Lock()
	defer r.mu.Unlock()
	err := errors.Join(r.errs...)
	r.errs = nil
	return err
}

// close waits for every delivery handed over to be written and returns how
// many there were, and the errors not yet taken.
func (r *recorder) close() (int, error) {
	close(r.in)
	<-r.done
	return r.sent, r.takeErr()
}
