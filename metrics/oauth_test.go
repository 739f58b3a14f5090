package metrics_test

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net/http/httptest"
	"strings"
	"testing"

	"inboxdesk/metrics"
	"inboxdesk/storage"
	"inboxdesk/testenv/pgtest"
)

// TestOAuthMetrics: refused refreshes are counted apart from outages, and
// every replica reports a broken grant from the database.
func TestOAuthMetrics(t *testing.T) {
	pool := pgtest.New(t)
	if _, err := pool.Exec(context.Background(), `INSERT INTO oauth_grants (name, provider, client_id, device_url,
		token_url, refresh_token, broken, last_error) VALUES ('m365', 'custom', 'c', 'http://x/d', 'http://x/t', 'r', true,
		'invalid_grant'), ('google', 'custom', 'c', 'http://x/d', 'http://x/t', 'r', false, '')`); err != nil {
		t.Fatal(err)
	}
	var logs strings.Builder
	m := metrics.New(storage.New(pool, storage.DefaultConfig()), slog.New(slog.NewTextHandler(&logs, nil)))
	m.OAuthRefresh("m365", nil, false)
	m.OAuthRefresh("m365", errors.New("invalid_grant"), true)
	m.OAuthRefresh("m365", errors.New("503"), false)
	rec := httptest.NewRecorder()
	m.Handler().ServeHTTP(rec, httptest.NewRequest("GET", "/metrics", nil))
	body, _ := io.ReadAll(rec.Body)
	for _, want := range []string{
		`inboxdesk_oauth_grant_broken{grant="m365"} 1`,
		`inboxdesk_oauth_grant_broken{grant="google"} 0`,
		`inboxdesk_oauth_refresh_total{grant="m365",result="ok"} 1`,
		`inboxdesk_oauth_refresh_total{grant="m365",result="refused"} 1`,
		`inboxdesk_oauth_refresh_total{grant="m365",result="failed"} 1`,
	} {
		if !strings.Contains(string(body), want) {
			t.Errorf("metrics lack %s", want)
		}
	}
	if logs.Len() > 0 {
		t.Errorf("a scrape of a healthy database logged %s", logs.String())
	}
}

// TestGaugeReadErrorsAreLogged: a scrape the database cannot answer says so
// in the log and leaves the database gauges out, rather than showing stale
// or zero values.
func TestGaugeReadErrorsAreLogged(t *testing.T) {
	pool := pgtest.New(t)
	store := storage.New(pool, storage.DefaultConfig())
	var logs strings.Builder
	m := metrics.New(store, slog.New(slog.NewTextHandler(&logs, nil)))
	pool.Close()
	rec := httptest.NewRecorder()
	m.Handler().ServeHTTP(rec, httptest.NewRequest("GET", "/metrics", nil))
	body, _ := io.ReadAll(rec.Body)
	if strings.Contains(string(body), "inboxdesk_alert_queue_depth") || strings.Contains(string(body), "inboxdesk_quarantined ") {
		t.Error("database gauges shown although the database did not answer")
	}
	if n := strings.Count(logs.String(), "metrics: read gauges"); n != 4 {
		t.Errorf("%d logged gauge read errors, want 4 (alerts, mailboxes, quarantine, grants):\n%s", n, logs.String())
	}
}
