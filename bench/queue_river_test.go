package bench

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver/riverpgxv5"
	"github.com/riverqueue/river/rivermigrate"

	"inboxdesk/devmail"
	"inboxdesk/outbound"
	"inboxdesk/storage"
	"inboxdesk/testenv/pgtest"
	"inboxdesk/ticket"
)

// The alert queue is the project's own table, not River (DESIGN named
// both). These figures compare the two on what the queue does all day: an
// alert enqueued inside the transaction of the change it reports, and
// alerts delivered to SMTP by the same deliverer at the same concurrency.

// riverAlert is an alert as a River job: the whole job travels in its args.
type riverAlert struct {
	Job ticket.AlertJob `json:"job"`
}

func (riverAlert) Kind() string { return "alert" }

type riverAlertWorker struct {
	river.WorkerDefaults[riverAlert]
	deliver outbound.Deliverer
}

func (w *riverAlertWorker) Work(ctx context.Context, j *river.Job[riverAlert]) error {
	return w.deliver.Deliver(ctx, j.Args.Job)
}

// riverClient migrates River's own tables into the benchmark's database
// (never the product's) and returns a client whose workers deliver with d.
func riverClient(t *testing.T, pool *pgxpool.Pool, d outbound.Deliverer, workers int) *river.Client[pgx.Tx] {
	ctx := context.Background()
	m, err := rivermigrate.New(riverpgxv5.New(pool), nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := m.Migrate(ctx, rivermigrate.DirectionUp, nil); err != nil {
		t.Fatal(err)
	}
	ws := river.NewWorkers()
	river.AddWorker(ws, &riverAlertWorker{deliver: d})
	c, err := river.NewClient(riverpgxv5.New(pool), &river.Config{
		Queues:            map[string]river.QueueConfig{river.QueueDefault: {MaxWorkers: workers}},
		Workers:           ws,
		FetchCooldown:     time.Millisecond,
		FetchPollInterval: 5 * time.Millisecond,
		Logger:            quiet(),
	})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// TestQueueOwnAgainstRiver measures enqueue cost and delivery throughput of
// the project's alert table against River on the same database and sink.
func TestQueueOwnAgainstRiver(t *testing.T) {
	enabled(t)
	const n = 3000
	ctx := context.Background()
	pool := pgtest.New(t)
	cfg := storage.DefaultConfig()
	cfg.CoalesceWindow, cfg.AlertsPerHour = 0, 0
	store := storage.New(pool, cfg)
	queueAlerts(t, store, n)
	sink, err := devmail.StartSMTP(ctx, "127.0.0.1:0", devmail.SMTPOptions{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer sink.Close()
	comp, tr := composerAndTransport(t, sink)
	email := outbound.EmailDeliverer{Composer: comp, Mailer: tr}
	const workers = 4 // the sender's default
	rc := riverClient(t, pool, email, workers)

	ownEnq, riverEnq := enqueueCosts(t, pool, rc)
	addRow(row{figure: "alert enqueued in the change's transaction (own table vs River InsertTx, one connection)",
		ours: fmt.Sprintf("%.0f µs", ownEnq.Seconds()*1e6), baseline: fmt.Sprintf("%.0f µs River", riverEnq.Seconds()*1e6),
		ratio: fmt.Sprintf("%.2f×", ownEnq.Seconds()/riverEnq.Seconds()), target: "≤ River", met: ownEnq <= riverEnq})

	own := deliverAll(t, store, email, n, "queue-own")
	jobs := pendingJobs(t, store, n)
	riv := riverDelivery(t, pool, rc, jobs)
	addRow(row{figure: fmt.Sprintf("alerts delivered to a local SMTP sink, %d workers (own sender vs River)", workers),
		ours: fmt.Sprintf("%.0f alerts/s", own), baseline: fmt.Sprintf("%.0f alerts/s River", riv),
		ratio: fmt.Sprintf("%.2f×", own/riv), target: "≥ River", met: own >= riv})
}

// enqueueCosts returns the mean time of a transaction that inserts one
// alert row the way the product does, and of one that inserts one River job.
func enqueueCosts(t *testing.T, pool *pgxpool.Pool, rc *river.Client[pgx.Tx]) (own, riv time.Duration) {
	ctx := context.Background()
	const k = 500
	var ticketID int64
	if err := pool.QueryRow(ctx, `SELECT min(id) FROM tickets`).Scan(&ticketID); err != nil {
		t.Fatal(err)
	}
	job := ticket.AlertJob{TicketNumber: 10001, Recipient: ticket.Address{Email: "c@example.org"}, Channel: "email",
		Reason: ticket.ReasonReplied}
	timeTx := func(fn func(tx pgx.Tx, i int) error) time.Duration {
		start := time.Now()
		for i := 0; i < k; i++ {
			if err := pgx.BeginFunc(ctx, pool, func(tx pgx.Tx) error { return fn(tx, i) }); err != nil {
				t.Fatal(err)
			}
		}
		return time.Since(start) / k
	}
	for round := 0; round < 2; round++ { // the first round warms both up
		own = timeTx(func(tx pgx.Tx, i int) error {
			_, err := tx.Exec(ctx, `INSERT INTO alerts (ticket_id, recipient, channel, reason, language, message_id, send_after)
				VALUES ($1, $2, 'email', 'replied', 'en', $3, now())`, ticketID, job.Recipient.Email,
				fmt.Sprintf("enq%d.%d@example.com", round, i))
			return err
		})
		riv = timeTx(func(tx pgx.Tx, i int) error {
			j := job
			j.MessageID = fmt.Sprintf("riv%d.%d@example.com", round, i)
			_, err := rc.InsertTx(ctx, tx, riverAlert{Job: j}, &river.InsertOpts{ScheduledAt: time.Now()})
			return err
		})
	}
	// Leave neither queue holding these rows for the delivery figures.
	if _, err := pool.Exec(ctx, `DELETE FROM alerts WHERE message_id LIKE 'enq%'`); err != nil {
		t.Fatal(err)
	}
	if _, err := pool.Exec(ctx, `DELETE FROM river_job`); err != nil {
		t.Fatal(err)
	}
	return own, riv
}

// pendingJobs returns the jobs of the alerts just sent, to send them again
// through River: the same recipients, subjects and Message-IDs.
func pendingJobs(t *testing.T, store *storage.Store, n int) []ticket.AlertJob {
	ctx := context.Background()
	if _, err := store.Pool().Exec(ctx, `UPDATE alerts SET state = 'queued', lease_until = NULL`); err != nil {
		t.Fatal(err)
	}
	jobs, err := store.ClaimAlerts(ctx, n, time.Minute)
	if err != nil || len(jobs) != n {
		t.Fatalf("claimed %d of %d: %v", len(jobs), n, err)
	}
	return jobs
}

// riverDelivery inserts jobs into River at once and times its workers
// delivering all of them.
func riverDelivery(t *testing.T, pool *pgxpool.Pool, rc *river.Client[pgx.Tx], jobs []ticket.AlertJob) float64 {
	ctx := context.Background()
	params := make([]river.InsertManyParams, len(jobs))
	for i, j := range jobs {
		params[i] = river.InsertManyParams{Args: riverAlert{Job: j}}
	}
	if _, err := rc.InsertMany(ctx, params); err != nil {
		t.Fatal(err)
	}
	done, cancel := rc.Subscribe(river.EventKindJobCompleted, river.EventKindJobFailed)
	defer cancel()
	start := time.Now()
	if err := rc.Start(ctx); err != nil {
		t.Fatal(err)
	}
	defer func() { _ = rc.Stop(context.Background()) }()
	for got := 0; got < len(jobs); got++ {
		select {
		case e := <-done:
			if e.Kind != river.EventKindJobCompleted {
				t.Fatalf("river job %d: %s", e.Job.ID, e.Kind)
			}
		case <-time.After(time.Minute):
			t.Fatalf("river delivered %d of %d in a minute", got, len(jobs))
		}
	}
	return float64(len(jobs)) / time.Since(start).Seconds()
}
