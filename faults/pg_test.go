package faults_test

import (
	"net/url"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"inboxdesk/inbound"
	"inboxdesk/storage"
	"inboxdesk/testenv/pgtest"
	"inboxdesk/testenv/tcpproxy"
)

func pgtestURL(t *testing.T) string { return pgtest.NewURL(t) }

// viaProxy returns a fresh test database's URL with its host replaced by a
// proxy to the server, and the proxy.
func viaProxy(t *testing.T) (direct, proxied string, _ *tcpproxy.Proxy) {
	direct = pgtest.NewURL(t)
	u, err := url.Parse(direct)
	if err != nil || u.Host == "" {
		t.Fatalf("the fault tests need DATABASE_URL as a postgres:// URL with a host (%v)", err)
	}
	proxy := tcpproxy.Start(t, u.Host)
	u.Host = proxy.Addr()
	return direct, u.String(), proxy
}

// TestFaultPostgresCutMidBatch cuts every connection to PostgreSQL (and
// refuses new ones for a while) once mid-ingest and once while alerts go
// out, all through a TCP proxy, as a server restart or a network fault
// would. Every mail ends on one ticket and every alert arrives.
func TestFaultPostgresCutMidBatch(t *testing.T) {
	enabled(t)
	const n = 1000
	dbURL, proxied, proxy := viaProxy(t)
	r := newRig(t, dbURL)
	// The app goes through the proxy; the test checks the database directly.
	app, err := pgxpool.New(r.ctx, proxied)
	if err != nil {
		t.Fatal(err)
	}
	defer app.Close()
	r.store = storage.New(app, storeConfig())
	r.dc.AppendMany(t, "INBOX", supportMails("pg", 0, n))
	cut := func() {
		proxy.Down()
		time.Sleep(300 * time.Millisecond)
		proxy.Up()
	}
	fault := newOnBatch(3, cut)
	p := inbound.NewPoller(r.store, quiet(), inbound.Options{BatchMessages: 50, Observe: fault})
	defer p.Close()
	st, pollErr := p.Poll(r.ctx, "support")
	if pollErr == nil && st.Fetched == n {
		t.Fatal("the cut did not interrupt the poll")
	}
	failed := r.pollUntilDone(p)
	fault.wait(t)
	sender, err := newSender(r.store, r.smtp.Addr(), r.keyStr, time.Second)
	if err != nil {
		t.Fatal(err)
	}
	cutAt := make(chan int, 1)
	go func() {
		for len(r.smtp.Messages()) < n/4 {
			time.Sleep(time.Millisecond)
		}
		cutAt <- len(r.smtp.Messages())
		cut()
	}()
	r.sendUntilDone(sender)
	sentBeforeCut := <-cutAt
	if all := r.count(`SELECT count(*) FROM alerts`); sentBeforeCut >= all {
		t.Errorf("the second cut came after all %d alerts were sent", all)
	}
	r.checkMail("pg", n)
	resent := r.checkAlerts()
	t.Logf("first poll ingested %d of %d before the cut (%v); %d polls failed; second cut after %d alerts; %d re-sent under their own Message-ID",
		st.Fetched, n, pollErr, failed, sentBeforeCut, resent)
}
