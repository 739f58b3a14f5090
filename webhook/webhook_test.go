package webhook_test

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"inboxdesk/storage"
	"inboxdesk/testenv/pgtest"
	"inboxdesk/ticket"
	"inboxdesk/webhook"
)

// received is one request a test receiver got.
type received struct {
	id, ts, sig string
	body        []byte
}

// receiver is an HTTP endpoint answering with the statuses of answers in
// turn (the last one from then on); a status 0 hangs until the request ends.
type receiver struct {
	mu      sync.Mutex
	answers []int
	got     []received
	srv     *httptest.Server
}

func newReceiver(t *testing.T, answers ...int) *receiver {
	rc := &receiver{answers: answers}
	rc.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		rc.mu.Lock()
		rc.got = append(rc.got, received{r.Header.Get("webhook-id"), r.Header.Get("webhook-timestamp"),
			r.Header.Get("webhook-signature"), body})
		status := rc.answers[min(len(rc.got), len(rc.answers))-1]
		rc.mu.Unlock()
		if status == 0 {
			<-r.Context().Done()
			return
		}
		w.WriteHeader(status)
		fmt.Fprintf(w, "answer %d", status)
	}))
	t.Cleanup(rc.srv.Close)
	return rc
}

func (rc *receiver) requests() []received {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	return append([]received(nil), rc.got...)
}

type rig struct {
	t     *testing.T
	ctx   context.Context
	pool  *pgxpool.Pool
	store *storage.Store
	cp    ticket.Checkpoint
}

func newRig(t *testing.T, pool *pgxpool.Pool) *rig {
	ctx := context.Background()
	cfg := storage.DefaultConfig()
	cfg.CoalesceWindow = 0
	r := &rig{t: t, ctx: ctx, pool: pool, store: storage.New(pool, cfg)}
	id, err := r.store.AddMailbox(ctx, ticket.Mailbox{Name: "support", URL: "imap://u:p@127.0.0.1:1/INBOX"})
	if err != nil {
		t.Fatal(err)
	}
	if err := r.store.ResetCheckpoint(ctx, ticket.Checkpoint{MailboxID: id}, 1); err != nil {
		t.Fatal(err)
	}
	r.cp = ticket.Checkpoint{MailboxID: id, UIDValidity: 1}
	return r
}

func (r *rig) mail(from, subject string) int64 {
	r.t.Helper()
	sum := sha256.Sum256([]byte(from + subject))
	in := &ticket.Inbound{MessageID: fmt.Sprintf("%x@example.org", sum[:8]), From: ticket.Address{Email: from},
		Subject: subject, Text: "text", ContentHash: sum[:]}
	res, err := r.store.IngestBatch(r.ctx, r.cp, []ticket.Mail{{UID: r.cp.LastUID + 1, Raw: []byte("raw"), Parsed: in}})
	if err != nil {
		r.t.Fatal(err)
	}
	r.cp.LastUID++
	return res[0].Ticket
}

func (r *rig) register(url string, events ...string) string {
	r.t.Helper()
	_, secret, err := webhook.Register(r.ctx, r.store, url, events, true)
	if err != nil {
		r.t.Fatal(err)
	}
	return secret
}

func (r *rig) count(sql string, args ...any) int {
	r.t.Helper()
	var n int
	if err := r.pool.QueryRow(r.ctx, sql, args...).Scan(&n); err != nil {
		r.t.Fatal(err)
	}
	return n
}

func quiet() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

// fast is a sender config for tests: plain client (the receiver is local),
// short waits.
func fast() webhook.Config {
	return webhook.Config{Client: &http.Client{}, Timeout: 300 * time.Millisecond, Backoff: time.Millisecond,
		MaxWait: time.Millisecond, Lease: time.Second}
}

// drain runs SendDue until nothing is due or the deadline passes.
func drain(t *testing.T, s *webhook.Sender, until func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !until() {
		if time.Now().After(deadline) {
			t.Fatal("deliveries not finished in time")
		}
		if _, err := s.SendDue(context.Background()); err != nil {
			t.Fatal(err)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// verify checks a signature the way the README tells receivers to.
func verify(secret string, m received) bool {
	key, _ := base64.StdEncoding.DecodeString(strings.TrimPrefix(secret, "whsec_"))
	mac := hmac.New(sha256.New, key)
	mac.Write([]byte(m.id + "." + m.ts + "." + string(m.body)))
	return m.sig == "v1,"+base64.StdEncoding.EncodeToString(mac.Sum(nil))
}

func TestDeliveriesAreQueuedWithTheChangeAndSigned(t *testing.T) {
	r := newRig(t, pgtest.New(t))
	rc := newReceiver(t, 200)
	secret := r.register(rc.srv.URL+"/hook", "ticket.created", "agent.replied")
	n := r.mail("ana@example.org", "Broken")
	tk, _ := r.store.TicketByNumber(r.ctx, n)
	if got := r.count(`SELECT count(*) FROM webhook_deliveries WHERE event = 'ticket.created'`); got != 1 {
		t.Fatalf("created deliveries = %d", got)
	}
	// A refused change queues nothing: the delivery lives in its transaction.
	if _, err := r.store.Act(r.ctx, 0, ticket.ActReply, ticket.Post{TicketID: tk.ID, Version: tk.Version + 5,
		Text: "stale"}); err == nil {
		t.Fatal("stale write accepted")
	}
	if _, err := r.store.Act(r.ctx, 0, ticket.ActNote, ticket.Post{TicketID: tk.ID, Text: "not subscribed"}); err != nil {
		t.Fatal(err)
	}
	if _, err := r.store.Act(r.ctx, 0, ticket.ActReply, ticket.Post{TicketID: tk.ID, Text: "on it"}); err != nil {
		t.Fatal(err)
	}
	if got := r.count(`SELECT count(*) FROM webhook_deliveries`); got != 2 {
		t.Fatalf("deliveries = %d, want created + agent.replied", got)
	}
	s := webhook.NewSender(r.store, fast(), quiet())
	drain(t, s, func() bool { return r.count(`SELECT count(*) FROM webhook_deliveries WHERE state = 'queued'`) == 0 })
	got := rc.requests()
	if len(got) != 2 {
		t.Fatalf("received %d", len(got))
	}
	var payload struct {
		Type string
		Data struct{ Ticket struct{ Number int64 } }
	}
	for _, m := range got {
		if !verify(secret, m) {
			t.Fatalf("signature %q does not verify", m.sig)
		}
		if ts, err := strconv.ParseInt(m.ts, 10, 64); err != nil || time.Since(time.Unix(ts, 0)).Abs() > time.Minute {
			t.Fatalf("webhook-timestamp %q", m.ts)
		}
	}
	if err := json.Unmarshal(got[1].body, &payload); err != nil || payload.Type != "agent.replied" ||
		payload.Data.Ticket.Number != n {
		t.Fatalf("payload %s: %v", got[1].body, err)
	}
	tampered := got[0]
	tampered.body = append([]byte(nil), tampered.body...)
	tampered.body[len(tampered.body)-2] ^= 1
	if verify(secret, tampered) || webhook.Verify(secret, tampered.id, 0, tampered.body, tampered.sig) {
		t.Fatal("a changed body verified")
	}
	ds, err := r.store.WebhookDeliveries(r.ctx, 1, 10)
	if err != nil || ds[0].State != "delivered" || ds[0].LastStatus != 200 || ds[0].LastResponse != "answer 200" {
		t.Fatalf("last answer not recorded: %+v %v", ds, err)
	}
}

func TestRetriesOn5xxAndTimeoutsNotOn4xx(t *testing.T) {
	r := newRig(t, pgtest.New(t))
	flaky := newReceiver(t, 503, 0, 200) // a 503, then a timeout, then OK
	r.register(flaky.srv.URL, "ticket.created")
	r.mail("ana@example.org", "One")
	s := webhook.NewSender(r.store, fast(), quiet())
	drain(t, s, func() bool { return r.count(`SELECT count(*) FROM webhook_deliveries WHERE state = 'queued'`) == 0 })
	got := flaky.requests()
	if len(got) != 3 || got[0].id != got[2].id {
		t.Fatalf("attempts %d (ids %v)", len(got), got)
	}
	if n := r.count(`SELECT count(*) FROM webhook_deliveries WHERE state = 'delivered' AND tries = 3 AND last_status = 200`); n != 1 {
		t.Fatal("not delivered on the third try")
	}
	refusing := newReceiver(t, 410)
	if _, err := r.pool.Exec(r.ctx, `DELETE FROM webhooks`); err != nil {
		t.Fatal(err)
	}
	r.register(refusing.srv.URL, "ticket.created")
	r.mail("bo@example.org", "Two")
	drain(t, s, func() bool { return r.count(`SELECT count(*) FROM webhook_deliveries WHERE state = 'queued'`) == 0 })
	if n := r.count(`SELECT count(*) FROM webhook_deliveries WHERE state = 'failed' AND tries = 1 AND last_status = 410`); n != 1 ||
		len(refusing.requests()) != 1 {
		t.Fatal("a 410 was retried or not marked failed")
	}
}

func TestPrivateTargetsAreRefused(t *testing.T) {
	r := newRig(t, pgtest.New(t))
	for _, u := range []string{"https://127.0.0.1/x", "https://localhost/x", "https://0x7f.1/x", "http://example.com/x",
		"https://10.0.0.8/x", "https://intranet/x"} {
		if _, _, err := webhook.Register(r.ctx, r.store, u, []string{"ticket.created"}, false); err == nil {
			t.Errorf("%s was accepted", u)
		}
	}
	if _, _, err := webhook.Register(r.ctx, r.store, "https://hooks.example.com/x", []string{"ticket.eaten"}, false); err == nil {
		t.Error("an unknown event was accepted")
	}
	// A target that is local at dial time is refused by the default client.
	rc := newReceiver(t, 200)
	r.register(rc.srv.URL, "ticket.created")
	r.mail("ana@example.org", "One")
	s := webhook.NewSender(r.store, webhook.Config{Timeout: time.Second, Backoff: time.Hour}, quiet())
	if _, err := s.SendDue(r.ctx); err != nil {
		t.Fatal(err)
	}
	var lastErr string
	if err := r.pool.QueryRow(r.ctx, `SELECT last_error FROM webhook_deliveries`).Scan(&lastErr); err != nil {
		t.Fatal(err)
	}
	if len(rc.requests()) != 0 || !strings.Contains(lastErr, "non-public") {
		t.Fatalf("the local target was reached (%d) or not explained: %q", len(rc.requests()), lastErr)
	}
}

// TestKilledSenderLosesNoDelivery kills a sender process in the middle of a
// send (the receiver holds the request) and checks that another sender
// delivers it once the lease has run out.
func TestKilledSenderLosesNoDelivery(t *testing.T) {
	if os.Getenv("WEBHOOK_SENDER_DB") != "" {
		runSenderProcess()
		return
	}
	db := pgtest.NewURL(t)
	pool, err := pgxpool.New(context.Background(), db)
	if err != nil {
		t.Fatal(err)
	}
	defer pool.Close()
	r := newRig(t, pool)
	rc := newReceiver(t, 0, 200) // the first attempt hangs
	r.register(rc.srv.URL, "ticket.created")
	r.mail("ana@example.org", "Killed")
	cmd := exec.Command(os.Args[0], "-test.run=^TestKilledSenderLosesNoDelivery$")
	cmd.Env = append(os.Environ(), "WEBHOOK_SENDER_DB="+db)
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(20 * time.Second)
	for len(rc.requests()) == 0 {
		if time.Now().After(deadline) {
			_ = cmd.Process.Kill()
			t.Fatal("the sender process never sent")
		}
		time.Sleep(10 * time.Millisecond)
	}
	if err := cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	_ = cmd.Wait()
	if n := r.count(`SELECT count(*) FROM webhook_deliveries WHERE state = 'queued' AND lease_until IS NOT NULL`); n != 1 {
		t.Fatal("the delivery should still be queued, held by the dead sender's lease")
	}
	cfg := fast()
	s := webhook.NewSender(r.store, cfg, quiet())
	drain(t, s, func() bool { return r.count(`SELECT count(*) FROM webhook_deliveries WHERE state = 'delivered'`) == 1 })
	got := rc.requests()
	if len(got) != 2 || got[0].id != got[1].id {
		t.Fatalf("requests %d; the retry must carry the same webhook-id", len(got))
	}
}

// runSenderProcess is the child of TestKilledSenderLosesNoDelivery: a sender
// with a long timeout and a two-second lease, until it is killed.
func runSenderProcess() {
	pool, err := pgxpool.New(context.Background(), os.Getenv("WEBHOOK_SENDER_DB"))
	if err != nil {
		os.Exit(2)
	}
	store := storage.New(pool, storage.DefaultConfig())
	webhook.NewSender(store, webhook.Config{Client: &http.Client{}, Timeout: time.Minute, Lease: 2 * time.Second,
		Idle: 10 * time.Millisecond}, quiet()).Run(context.Background())
}

// A delivery erased while it is being sent is not an error of the sender.
func TestDeliveryErasedMidSendIsNoError(t *testing.T) {
	r := newRig(t, pgtest.New(t))
	rc := newReceiver(t, 200)
	r.register(rc.srv.URL, "ticket.created")
	r.mail("ana@example.org", "Erase me")
	erase := func() {
		if _, err := r.store.EraseCustomer(r.ctx, "ana@example.org"); err != nil {
			t.Error(err)
		}
	}
	hooked := webhook.Config{Client: &http.Client{Transport: roundTrip(func(req *http.Request) (*http.Response, error) {
		erase()
		return http.DefaultTransport.RoundTrip(req)
	})}, Timeout: time.Second}
	s := webhook.NewSender(r.store, hooked, quiet())
	if n, err := s.SendDue(r.ctx); err != nil || n != 1 {
		t.Fatalf("SendDue = %d, %v", n, err)
	}
	if got := r.count(`SELECT count(*) FROM webhook_deliveries`); got != 0 {
		t.Fatalf("deliveries left: %d", got)
	}
}

type roundTrip func(*http.Request) (*http.Response, error)

func (f roundTrip) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }
