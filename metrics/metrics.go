// Package metrics exposes inboxdesk's Prometheus metrics: mail ingested and
// quarantined, poll duration, lag and backlog per mailbox, alerts by state,
// queue depth and HTTP latency.
package metrics

import (
	"context"
	"log/slog"
	"net/http"
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"inboxdesk/storage"
	"inboxdesk/ticket"
)

// Metrics holds the collectors of one process.
type Metrics struct {
	reg      *prometheus.Registry
	ingested *prometheus.CounterVec
	pollDur  *prometheus.HistogramVec
	pollErr  *prometheus.CounterVec
	lastPoll *prometheus.GaugeVec
	httpDur  *prometheus.HistogramVec
	refresh  *prometheus.CounterVec
	listen   prometheus.Counter
}

// New registers the collectors; db feeds the database-backed gauges
// (alerts by state, queue depth, mailbox lag), read at scrape time so every
// replica reports the same truth, and log is told when it cannot. A nil db
// leaves those gauges out.
func New(db Gauges, log *slog.Logger) *Metrics {
	m := &Metrics{reg: prometheus.NewRegistry()}
	m.ingested = prometheus.NewCounterVec(prometheus.CounterOpts{Name: "inboxdesk_mail_ingested_total",
		Help: "Mails ingested, by mailbox and outcome (new_ticket, threaded, duplicate, quarantined, …)."},
		[]string{"mailbox", "outcome"})
	m.pollDur = prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: "inboxdesk_poll_duration_seconds",
		Help: "Duration of mailbox polls.", Buckets: prometheus.ExponentialBuckets(0.005, 2.5, 12)},
		[]string{"mailbox"})
	m.pollErr = prometheus.NewCounterVec(prometheus.CounterOpts{Name: "inboxdesk_poll_errors_total",
		Help: "Polls that failed."}, []string{"mailbox"})
	m.lastPoll = prometheus.NewGaugeVec(prometheus.GaugeOpts{Name: "inboxdesk_poll_last_success_timestamp_seconds",
		Help: "When this process last polled the mailbox successfully."}, []string{"mailbox"})
	m.httpDur = prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: "inboxdesk_http_request_duration_seconds",
		Help: "HTTP request latency.", Buckets: prometheus.DefBuckets}, []string{"method", "code"})
	m.refresh = prometheus.NewCounterVec(prometheus.CounterOpts{Name: "inboxdesk_oauth_refresh_total",
		Help: "OAuth2 access-token refreshes by grant and result (ok, failed: retried with backoff, refused: the grant needs `inboxdesk oauth renew`)."},
		[]string{"grant", "result"})
	m.listen = prometheus.NewCounter(prometheus.CounterOpts{Name: "inboxdesk_live_listen_errors_total",
		Help: "Lost or refused LISTEN connections of the agent pages' live updates (each retried with backoff)."})
	m.reg.MustRegister(m.ingested, m.pollDur, m.pollErr, m.lastPoll, m.httpDur, m.refresh, m.listen,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	if db != nil {
		m.reg.MustRegister(&dbCollector{db: db, log: log})
	}
	return m
}

// Batch counts a committed batch (inbound.Observer).
func (m *Metrics) Batch(mailbox string, results []ticket.Result) {
	for _, r := range results {
		m.ingested.WithLabelValues(mailbox, string(r.Outcome)).Inc()
	}
}

// Poll records a poll's duration and result (inbound.Observer).
func (m *Metrics) Poll(mailbox string, took, _ time.Duration, err error) {
	m.pollDur.WithLabelValues(mailbox).Observe(took.Seconds())
	if err != nil {
		m.pollErr.WithLabelValues(mailbox).Inc()
		return
	}
	m.lastPoll.WithLabelValues(mailbox).SetToCurrentTime()
}

// OAuthRefresh counts a token refresh (oauth.Observer).
func (m *Metrics) OAuthRefresh(grant string, err error, refused bool) {
	result := "ok"
	switch {
	case refused:
		result = "refused"
	case err != nil:
		result = "failed"
	}
	m.refresh.WithLabelValues(grant, result).Inc()
}

// LiveListenLost counts a lost or refused LISTEN connection (web.NewLive).
func (m *Metrics) LiveListenLost() { m.listen.Inc() }

// Handler serves /metrics.
func (m *Metrics) Handler() http.Handler {
	return promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{})
}

// Middleware measures HTTP latency by method and status code.
func (m *Metrics) Middleware(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		rec := &statusRecorder{ResponseWriter: w, code: http.StatusOK}
		next.ServeHTTP(rec, r)
		m.httpDur.WithLabelValues(r.Method, strconv.Itoa(rec.code)).Observe(time.Since(start).Seconds())
	})
}

type statusRecorder struct {
	http.ResponseWriter
	code int
}

func (r *statusRecorder) WriteHeader(code int) {
	r.code = code
	r.ResponseWriter.WriteHeader(code)
}

// Unwrap lets http.ResponseController reach the underlying writer (SSE flushes).
func (r *statusRecorder) Unwrap() http.ResponseWriter { return r.ResponseWriter }

// Gauges reads what the database-backed gauges show (storage.Store).
type Gauges interface {
	AlertCounts(ctx context.Context) (map[ticket.AlertState]int, error)
	MailboxGauges(ctx context.Context) ([]storage.MailboxGauge, error)
	QuarantineHeld(ctx context.Context) (int, error)
	OAuthGrantsBroken(ctx context.Context) (map[string]bool, error)
}

// dbCollector reads alert states, queue depth and mailbox lag at scrape
// time. A read that fails is logged and its gauges left out of the scrape,
// so that a missing series says the database did not answer.
type dbCollector struct {
	db  Gauges
	log *slog.Logger
}

var (
	alertsDesc = prometheus.NewDesc("inboxdesk_alerts", "Alerts by delivery state.", []string{"state"}, nil)
	queueDesc  = prometheus.NewDesc("inboxdesk_alert_queue_depth", "Alerts due or waiting to be sent.", nil, nil)
	lagDesc    = prometheus.NewDesc("inboxdesk_mailbox_poll_lag_seconds",
		"Seconds since the mailbox was last polled by any replica.", []string{"mailbox"}, nil)
	quarDesc    = prometheus.NewDesc("inboxdesk_quarantined", "Mails held in quarantine.", nil, nil)
	backlogDesc = prometheus.NewDesc("inboxdesk_mailbox_backlog_uids",
		"The server's highest UID minus the committed checkpoint, as the last poll that reached the server left it.",
		[]string{"mailbox"}, nil)
	oldestDesc = prometheus.NewDesc("inboxdesk_mailbox_backlog_oldest_seconds",
		"Age of the oldest mail on the server not ingested yet (0 when none).", []string{"mailbox"}, nil)
	stalledDesc = prometheus.NewDesc("inboxdesk_mailbox_backlog_stalled",
		"1 when the backlog has not shrunk for the configured number of polls.", []string{"mailbox"}, nil)
	grantDesc = prometheus.NewDesc("inboxdesk_oauth_grant_broken",
		"1 while the provider refuses the OAuth2 grant (its mailboxes cannot sign in), else 0.", []string{"grant"}, nil)
)

func (c *dbCollector) Describe(ch chan<- *prometheus.Desc) {
	ch <- alertsDesc
	ch <- queueDesc
	ch <- lagDesc
	ch <- quarDesc
	ch <- backlogDesc
	ch <- oldestDesc
	ch <- stalledDesc
	ch <- grantDesc
}

func (c *dbCollector) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
	defer cancel()
	for _, collect := range []func(context.Context, chan<- prometheus.Metric) error{
		c.collectAlerts, c.collectMailboxes, c.collectQuarantine, c.collectGrants,
	} {
		if err := collect(ctx, ch); err != nil {
			c.log.Error("metrics: read gauges", "err", err)
		}
	}
}

func (c *dbCollector) collectAlerts(ctx context.Context, ch chan<- prometheus.Metric) error {
	counts, err := c.db.AlertCounts(ctx)
	if err != nil {
		return err
	}
	for state, n := range counts {
		ch <- prometheus.MustNewConstMetric(alertsDesc, prometheus.GaugeValue, float64(n), string(state))
	}
	queued := counts[ticket.AlertQueued] + counts[ticket.AlertSending]
	ch <- prometheus.MustNewConstMetric(queueDesc, prometheus.GaugeValue, float64(queued))
	return nil
}

func (c *dbCollector) collectMailboxes(ctx context.Context, ch chan<- prometheus.Metric) error {
	boxes, err := c.db.MailboxGauges(ctx)
	if err != nil {
		return err
	}
	for _, b := range boxes {
		ch <- prometheus.MustNewConstMetric(lagDesc, prometheus.GaugeValue, b.Lag, b.Name)
		ch <- prometheus.MustNewConstMetric(backlogDesc, prometheus.GaugeValue, b.Backlog, b.Name)
		ch <- prometheus.MustNewConstMetric(oldestDesc, prometheus.GaugeValue, b.Oldest, b.Name)
		ch <- prometheus.MustNewConstMetric(stalledDesc, prometheus.GaugeValue, boolGauge(b.Stalled), b.Name)
	}
	return nil
}

func (c *dbCollector) collectQuarantine(ctx context.Context, ch chan<- prometheus.Metric) error {
	n, err := c.db.QuarantineHeld(ctx)
	if err != nil {
		return err
	}
	ch <- prometheus.MustNewConstMetric(quarDesc, prometheus.GaugeValue, float64(n))
	return nil
}

func (c *dbCollector) collectGrants(ctx context.Context, ch chan<- prometheus.Metric) error {
	grants, err := c.db.OAuthGrantsBroken(ctx)
	if err != nil {
		return err
	}
	for name, broken := range grants {
		ch <- prometheus.MustNewConstMetric(grantDesc, prometheus.GaugeValue, boolGauge(broken), name)
	}
	return nil
}

func boolGauge(b bool) float64 {
	if b {
		return 1
	}
	return 0
}
