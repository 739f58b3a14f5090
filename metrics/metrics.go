// Package metrics exposes inboxdesk's Prometheus metrics: mail ingested and
// quarantined, poll duration, lag and backlog per mailbox, alerts by state,
// queue depth and HTTP latency.
package metrics

import (
	"context"
	"net/http"
	"strconv"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

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

// New registers the collectors; pool feeds the database-backed gauges
// (alerts by state, queue depth, mailbox lag), read at scrape time so every
// replica reports the same truth.
func New(pool *pgxpool.Pool) *Metrics {
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
	if pool != nil {
		m.reg.MustRegister(&dbCollector{pool: pool})
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

// dbCollector reads alert states, queue depth and mailbox lag at scrape time.
type dbCollector struct{ pool *pgxpool.Pool }

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
	rows, err := c.pool.Query(ctx, `SELECT state, count(*) FROM alerts GROUP BY state`)
	if err == nil {
		var queued float64
		for rows.Next() {
			var state string
			var n float64
			if rows.Scan(&state, &n) == nil {
				ch <- prometheus.MustNewConstMetric(alertsDesc, prometheus.GaugeValue, n, state)
				if state == "queued" || state == "sending" {
					queued += n
				}
			}
		}
		rows.Close()
		ch <- prometheus.MustNewConstMetric(queueDesc, prometheus.GaugeValue, queued)
	}
	rows, err = c.pool.Query(ctx, `SELECT name, extract(epoch FROM now() - coalesce(last_poll_at, created_at)),
		backlog::float8, coalesce(extract(epoch FROM now() - backlog_oldest_at), 0), backlog_stalled_since IS NOT NULL
		FROM mailboxes`)
	if err == nil {
		for rows.Next() {
			var name string
			var lag, backlog, oldest float64
			var stalled bool
			if rows.Scan(&name, &lag, &backlog, &oldest, &stalled) == nil {
				ch <- prometheus.MustNewConstMetric(lagDesc, prometheus.GaugeValue, lag, name)
				ch <- prometheus.MustNewConstMetric(backlogDesc, prometheus.GaugeValue, backlog, name)
				ch <- prometheus.MustNewConstMetric(oldestDesc, prometheus.GaugeValue, max(oldest, 0), name)
				ch <- prometheus.MustNewConstMetric(stalledDesc, prometheus.GaugeValue, boolGauge(stalled), name)
			}
		}
		rows.Close()
	}
	var q float64
	if c.pool.QueryRow(ctx, `SELECT count(*) FROM quarantine WHERE state = 'held'`).Scan(&q) == nil {
		ch <- prometheus.MustNewConstMetric(quarDesc, prometheus.GaugeValue, q)
	}
	c.collectGrants(ctx, ch)
}

func (c *dbCollector) collectGrants(ctx context.Context, ch chan<- prometheus.Metric) {
	rows, err := c.pool.Query(ctx, `SELECT name, broken FROM oauth_grants`)
	if err != nil {
		return
	}
	defer rows.Close()
	for rows.Next() {
		var name string
		var broken bool
		if rows.Scan(&name, &broken) == nil {
			ch <- prometheus.MustNewConstMetric(grantDesc, prometheus.GaugeValue, boolGauge(broken), name)
		}
	}
}

func boolGauge(b bool) float64 {
	if b {
		return 1
	}
	return 0
}
