package outbound_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"mime"
	"mime/multipart"
	"net/mail"
	"os"
	"os/exec"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/emersion/go-smtp"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"inboxdesk/devmail"
	"inboxdesk/link"
	"inboxdesk/outbound"
	"inboxdesk/storage"
	"inboxdesk/testenv/pgtest"
	"inboxdesk/ticket"
)

// TestMain doubles as the sender child process of the kill test.
func TestMain(m *testing.M) {
	if db := os.Getenv("INBOXDESK_TEST_SENDER_DB"); db != "" {
		os.Exit(childSend(db, os.Getenv("INBOXDESK_TEST_SENDER_SMTP"), os.Getenv("INBOXDESK_TEST_SENDER_KEYS")))
	}
	os.Exit(m.Run())
}

// alertRig is a store with one mailbox, an SMTP capture server and a sender.
type alertRig struct {
	t      *testing.T
	ctx    context.Context
	pool   *pgxpool.Pool
	store  *storage.Store
	smtp   *devmail.SMTP
	keys   *link.Keyring
	keyStr string
	sender *outbound.Sender
	uid    uint32
	cp     ticket.Checkpoint
}

func newAlertRig(t *testing.T, cfg storage.Config) *alertRig {
	t.Helper()
	ctx := context.Background()
	pool := pgtest.New(t)
	srv, err := devmail.StartSMTP(ctx, "127.0.0.1:0", devmail.SMTPOptions{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
	r := &alertRig{t: t, ctx: ctx, pool: pool, store: storage.New(pool, cfg), smtp: srv, keyStr: link.GenerateKey()}
	if r.keys, err = link.ParseKeys(r.keyStr); err != nil {
		t.Fatal(err)
	}
	r.sender = newSender(t, r.store, srv.Addr(), r.keys)
	id, err := r.store.AddMailbox(ctx, ticket.Mailbox{Name: "support", URL: "imap://u:p@127.0.0.1:1/INBOX"})
	if err != nil {
		t.Fatal(err)
	}
	r.cp = ticket.Checkpoint{MailboxID: id, UIDValidity: 1}
	if err := r.store.ResetCheckpoint(ctx, ticket.Checkpoint{MailboxID: id}, 1); err != nil {
		t.Fatal(err)
	}
	return r
}

var baseURL, _ = link.ParseBaseURL("https://help.example.com")

func newSender(t testing.TB, store *storage.Store, smtpAddr string, keys *link.Keyring) *outbound.Sender {
	comp, err := outbound.NewComposer(outbound.ComposeConfig{From: ticket.Address{Name: "Example Support",
		Email: "no-reply@example.com"}, Keys: keys, BaseURL: baseURL, DefaultLanguage: "en", Domain: "example.com"})
	if err != nil {
		t.Fatal(err)
	}
	tr, err := outbound.NewTransport("smtp://"+smtpAddr+"?starttls=none", outbound.TransportOptions{})
	if err != nil {
		t.Fatal(err)
	}
	s, err := outbound.NewSender(outbound.SenderConfig{Queue: store,
		Deliverers: map[string]outbound.Deliverer{"email": outbound.EmailDeliverer{Composer: comp, Mailer: tr}},
		RetryBase:  time.Millisecond, RetryMax: 5 * time.Millisecond, MaxTries: 5,
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func storeConfig() storage.Config {
	c := storage.DefaultConfig()
	c.CoalesceWindow = 0
	return c
}

// newTicket ingests a customer's first mail and returns the ticket.
func (r *alertRig) newTicket(from, lang, subject string) *ticket.Ticket {
	r.t.Helper()
	r.uid++
	sum := sha256.Sum256([]byte(fmt.Sprint(from, subject, r.uid)))
	in := &ticket.Inbound{MessageID: fmt.Sprintf("c%d@example.org", r.uid), From: ticket.Address{Name: "Ana", Email: from},
		Subject: subject, Text: "my problem: " + customerSecret, HTML: "<p>my problem: " + customerSecret + "</p>",
		ContentHash: sum[:], Language: lang,
		Attachments: []ticket.Attachment{{Filename: attachmentSecret + ".pdf", ContentType: "application/pdf",
			Data: []byte("%PDF " + attachmentSecret)}}}
	res, err := r.store.IngestBatch(r.ctx, r.cp, []ticket.Mail{{UID: r.uid, Raw: []byte("x"), Parsed: in}})
	if err != nil {
		r.t.Fatal(err)
	}
	r.cp.LastUID = r.uid
	tk, err := r.store.TicketByNumber(r.ctx, res[0].Ticket)
	if err != nil {
		r.t.Fatal(err)
	}
	return tk
}

// sendAll runs the sender until the queue is empty of due alerts.
func (r *alertRig) sendAll() {
	r.t.Helper()
	for i := 0; i < 50; i++ {
		n, err := r.sender.RunOnce(r.ctx)
		if err != nil {
			r.t.Fatal(err)
		}
		if n == 0 && r.due() == 0 {
			return
		}
		time.Sleep(5 * time.Millisecond)
	}
	r.t.Fatal("queue did not drain")
}

func (r *alertRig) due() int {
	var n int
	_ = r.pool.QueryRow(r.ctx, `SELECT count(*) FROM alerts WHERE state IN ('queued', 'sending')`).Scan(&n)
	return n
}

var linkRe = regexp.MustCompile(`https://help\.example\.com/t/(\d+)\?k=([A-Za-z0-9._~-]+)`)

// What the customer and the agent wrote, and the files they attached: none
// of it may reach an alert (notify-only, DESIGN.md promise 5).
const (
	customerSecret   = "my card ends in 4471-ZEBRA"
	agentSecret      = "Your refund code is QUAGGA-9903"
	attachmentSecret = "passport-scan-OKAPI"
)

// ticketSubject is what the alert does carry, in its Subject and its body.
const ticketSubject = "Refund for order 4411"

func TestEachEventMakesOneAlertWithReasonLanguageHeadersAndLink(t *testing.T) {
	r := newAlertRig(t, storeConfig())
	cases := []struct {
		lang, act, subject, body string
	}{
		{"en", "", "We received your request", "received"},
		{"es", "", "Recibimos tu solicitud", "recibimos"},
		{"en", string(ticket.ActReply), "We replied to your request", "replied"},
		{"es", string(ticket.ActRequestInfo), "Necesitamos más datos sobre tu solicitud", "más"},
		{"en", string(ticket.ActResolve), "Your request was resolved", "resolved"},
	}
	for i, c := range cases {
		r.smtp.Reset()
		email := fmt.Sprintf("cust%d@example.org", i)
		tk := r.newTicket(email, c.lang, ticketSubject)
		if c.act != "" {
			r.sendAll() // the acknowledgement
			r.smtp.Reset()
			post := ticket.Post{TicketID: tk.ID, Text: agentSecret, Attachments: []ticket.Attachment{{
				Filename: attachmentSecret + "-2.txt", ContentType: "text/plain", Data: []byte(agentSecret)}}}
			if _, err := r.store.Act(r.ctx, 0, ticket.AgentAction(c.act), post); err != nil {
				t.Fatal(err)
			}
		}
		r.sendAll()
		msgs := r.smtp.Messages()
		if len(msgs) != 1 {
			t.Fatalf("%s/%s: %d mails, want 1", c.lang, c.act, len(msgs))
		}
		checkAlert(t, r, msgs[0].Data, tk, email, c.subject, c.body)
	}
}

func checkAlert(t *testing.T, r *alertRig, raw []byte, tk *ticket.Ticket, email, subject, body string) {
	t.Helper()
	m, err := mail.ReadMessage(bytes.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	dec := new(mimeDecoder)
	subj := dec.decode(m.Header.Get("Subject"))
	if !strings.Contains(subj, subject) || !strings.Contains(subj, fmt.Sprint(tk.Number)) || !strings.Contains(subj, ticketSubject) {
		t.Errorf("subject %q, want %q, the number and the ticket's subject", subj, subject)
	}
	for k, want := range map[string]string{"Auto-Submitted": "auto-generated", "X-Auto-Response-Suppress": "All",
		"X-Inboxdesk-Loop": "example.com"} {
		if got := m.Header.Get(k); got != want {
			t.Errorf("%s = %q, want %q", k, got, want)
		}
	}
	alerts, _ := r.store.AlertsByTicket(r.ctx, tk.ID)
	last := alerts[len(alerts)-1]
	if m.Header.Get("Message-ID") != "<"+last.MessageID+">" || last.State != ticket.AlertSent {
		t.Errorf("Message-ID %q, stored %q (%s)", m.Header.Get("Message-ID"), last.MessageID, last.State)
	}
	if !strings.Contains(m.Header.Get("References"), "@example.org") {
		t.Errorf("References %q should point at the ticket's first message", m.Header.Get("References"))
	}
	text := string(raw)
	checkNoContent(t, raw)
	if !strings.Contains(strings.ToLower(decodeQP(text)), body) {
		t.Errorf("alert body lacks %q", body)
	}
	mm := linkRe.FindStringSubmatch(decodeQP(text))
	if mm == nil {
		t.Fatalf("no link in alert")
	}
	claims, err := r.keys.VerifyFor(mm[2], time.Now(), tk.Number, link.PurposeTicket)
	if err != nil || !claims.SameAddress(email) {
		t.Errorf("link does not verify for ticket %d and %s: %v %+v", tk.Number, email, err, claims)
	}
}

// checkNoContent fails when the alert, its HTML part above all, carries
// what was written on the ticket or the files attached to it.
func checkNoContent(t *testing.T, raw []byte) {
	t.Helper()
	parts := alertParts(t, raw)
	if !strings.Contains(parts["text/html"], "<a href=") || !strings.Contains(parts["text/html"], ticketSubject) {
		t.Fatalf("no HTML part with a link and the ticket's subject:\n%s", parts["text/html"])
	}
	whole := decodeQP(string(raw))
	for _, secret := range []string{customerSecret, agentSecret, attachmentSecret, "ZEBRA", "QUAGGA", "OKAPI", "my problem"} {
		for name, body := range map[string]string{"HTML part": parts["text/html"], "text part": parts["text/plain"], "mail": whole} {
			if strings.Contains(body, secret) {
				t.Errorf("%s carries ticket content %q", name, secret)
			}
		}
	}
}

// alertParts decodes an alert's parts by media type.
func alertParts(t *testing.T, raw []byte) map[string]string {
	t.Helper()
	m, err := mail.ReadMessage(bytes.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	_, params, err := mime.ParseMediaType(m.Header.Get("Content-Type"))
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	mr := multipart.NewReader(m.Body, params["boundary"])
	for {
		p, err := mr.NextPart()
		if err == io.EOF {
			return out
		}
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(p)
		mt, _, _ := mime.ParseMediaType(p.Header.Get("Content-Type"))
		out[mt] = string(b)
	}
}

func TestTransientErrorsRetryThenDeliverOnce(t *testing.T) {
	r := newAlertRig(t, storeConfig())
	tk := r.newTicket("ana@example.org", "", "help")
	r.smtp.FailNext(devmail.StageData, 2, &smtp.SMTPError{Code: 451, EnhancedCode: smtp.EnhancedCode{4, 3, 0}, Message: "try later"})
	r.sendAll()
	if n := len(r.smtp.Messages()); n != 1 {
		t.Fatalf("delivered %d times, want 1", n)
	}
	a, _ := r.store.AlertsByTicket(r.ctx, tk.ID)
	if a[0].State != ticket.AlertSent || a[0].Tries != 3 {
		t.Fatalf("alert %+v, want sent after 3 tries", a[0])
	}
}

func TestPermanentErrorMarksFailedWithAnswer(t *testing.T) {
	r := newAlertRig(t, storeConfig())
	tk := r.newTicket("gone@example.org", "", "help")
	r.smtp.FailNext(devmail.StageRcpt, 1, &smtp.SMTPError{Code: 550, EnhancedCode: smtp.EnhancedCode{5, 1, 1}, Message: "no such user"})
	r.sendAll()
	a, _ := r.store.AlertsByTicket(r.ctx, tk.ID)
	if a[0].State != ticket.AlertFailed || !strings.Contains(a[0].LastError, "550") || !strings.Contains(a[0].LastError, "no such user") {
		t.Fatalf("alert %+v, want failed with the server's answer", a[0])
	}
	if len(r.smtp.Messages()) != 0 {
		t.Fatal("a refused alert was captured")
	}
}

func TestBurstOfUpdatesMakesOneAlert(t *testing.T) {
	cfg := storeConfig()
	cfg.CoalesceWindow = 300 * time.Millisecond
	r := newAlertRig(t, cfg)
	tk := r.newTicket("ana@example.org", "", "help")
	for _, act := range []ticket.AgentAction{ticket.ActReply, ticket.ActReply, ticket.ActRequestInfo} {
		if _, err := r.store.Act(r.ctx, 0, act, ticket.Post{TicketID: tk.ID, Text: "x"}); err != nil {
			t.Fatal(err)
		}
	}
	time.Sleep(350 * time.Millisecond)
	r.sendAll()
	if n := len(r.smtp.Messages()); n != 1 {
		t.Fatalf("%d alerts for a burst, want 1", n)
	}
	a, _ := r.store.AlertsByTicket(r.ctx, tk.ID)
	if len(a) != 1 || a[0].Reason != ticket.ReasonInfoRequested {
		t.Fatalf("alerts %+v: want one carrying the latest reason", a)
	}
}

// childSend runs a sender as serve does until killed.
func childSend(db, smtpAddr, keyStr string) int {
	ctx := context.Background()
	pool, err := pgxpool.New(ctx, db)
	if err != nil {
		return 2
	}
	keys, err := link.ParseKeys(keyStr)
	if err != nil {
		return 2
	}
	t := &testing.T{}
	newSender(t, storage.New(pool, storeConfig()), smtpAddr, keys).Run(ctx)
	return 0
}

// killedSender names the killed child's database sessions.
const killedSender = "killed-sender"

func TestSenderKilledMidDeliveryDeliversEachAlertOnce(t *testing.T) {
	r := newAlertRig(t, storeConfig())
	const n = 300
	for i := 0; i < n; i++ {
		r.newTicket(fmt.Sprintf("k%d@example.org", i), "", "help")
	}
	self, _ := os.Executable()
	kills := 0
	for i := 0; i < 10 && r.due() > 0; i++ {
		cmd := exec.Command(self)
		cmd.Env = append(os.Environ(), "INBOXDESK_TEST_SENDER_DB="+pgtest.Named(r.pool.Config().ConnString(), killedSender),
			"INBOXDESK_TEST_SENDER_SMTP="+r.smtp.Addr(), "INBOXDESK_TEST_SENDER_KEYS="+r.keyStr)
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		time.Sleep(time.Duration(20+rand.IntN(80)) * time.Millisecond)
		_ = cmd.Process.Signal(syscall.SIGKILL)
		_ = cmd.Wait()
		kills++
		if err := pgtest.WaitGone(r.ctx, r.pool, killedSender); err != nil {
			t.Fatal(err)
		}
		// Leases of the killed sender run out now rather than in minutes.
		r.pool.Exec(r.ctx, `UPDATE alerts SET lease_until = now() - interval '1 second' WHERE state = 'sending'`)
	}
	r.sendAll()
	seen := map[string]int{}
	for _, m := range r.smtp.Messages() {
		msg, _ := mail.ReadMessage(bytes.NewReader(m.Data))
		seen[msg.Header.Get("Message-ID")]++
	}
	var sent, resent int
	_ = r.pool.QueryRow(r.ctx, `SELECT count(*) FROM alerts WHERE state = 'sent'`).Scan(&sent)
	for _, c := range seen {
		resent += c - 1
	}
	if sent != n || len(seen) != n {
		t.Fatalf("after %d kills: %d alerts sent, %d distinct Message-IDs captured, want %d", kills, sent, len(seen), n)
	}
	// A kill between the server's "250 OK" and our commit resends the
	// unrecorded deliveries (at most 2×RecordEvery + Workers, 44 at the
	// defaults) under their own fixed Message-IDs, which receivers drop as
	// duplicates; never more.
	if resent > kills*(2*20+4) {
		t.Fatalf("%d re-sends for %d kills", resent, kills)
	}
	t.Logf("%d kills, %d alerts, %d re-sent under the same Message-ID", kills, n, resent)
}

// One batch, one recipient refused for now: the store records the others as
// sent and queues the refused one for a retry with the server's answer, its
// try counted.
func TestBatchWithARefusedRecipientRecordsTheOthers(t *testing.T) {
	r := newAlertRig(t, storeConfig())
	const n = 10
	for i := range n {
		r.newTicket(fmt.Sprintf("b%d@example.org", i), "", "help")
	}
	r.smtp.FailNext(devmail.StageRcpt, 1, &smtp.SMTPError{Code: 451, EnhancedCode: smtp.EnhancedCode{4, 3, 0}, Message: "try again later"})
	sent, err := r.sender.RunOnce(r.ctx)
	if err != nil || sent != n-1 {
		t.Fatalf("RunOnce = %d, %v; want %d sent", sent, err, n-1)
	}
	rows, err := r.pool.Query(r.ctx, `SELECT state, tries, last_error FROM alerts ORDER BY id`)
	if err != nil {
		t.Fatal(err)
	}
	type row struct {
		state, lastError string
		tries            int
	}
	got, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (row, error) {
		var x row
		return x, r.Scan(&x.state, &x.tries, &x.lastError)
	})
	if err != nil {
		t.Fatal(err)
	}
	states := map[string]int{}
	for _, x := range got {
		states[x.state]++
		if x.state == "queued" && (x.tries != 1 || x.lastError != "451 4.3.0 try again later") {
			t.Errorf("refused alert %+v, want queued after 1 try with the server's answer", x)
		}
	}
	if states["sent"] != n-1 || states["queued"] != 1 || len(got) != n {
		t.Errorf("alert states %v, want %d sent and 1 queued", states, n-1)
	}
	if m := len(r.smtp.Messages()); m != n-1 {
		t.Errorf("%d messages captured, want %d", m, n-1)
	}
}

// The hourly cap holds within one claimed batch: with two alerts sent this
// hour and a cap of three, one of the three due next goes, the other two
// wait (their try not counted) until the first of the hour leaves it.
func TestHourlyCapWithinOneBatch(t *testing.T) {
	cfg := storeConfig()
	cfg.AlertsPerHour = 3
	r := newAlertRig(t, cfg)
	for i := range 5 {
		r.newTicket("storm@example.org", "", fmt.Sprint("storm ", i))
		if i == 1 {
			r.sendAll()
		}
	}
	if sent, err := r.sender.RunOnce(r.ctx); err != nil || sent != 1 {
		t.Fatalf("RunOnce = %d, %v; want the one alert the cap has room for", sent, err)
	}
	var sent, held, waitOK int
	err := r.pool.QueryRow(r.ctx, `SELECT count(*) FILTER (WHERE state = 'sent'),
			count(*) FILTER (WHERE state = 'queued' AND tries = 0 AND last_error = 'hourly alert cap reached'),
			count(*) FILTER (WHERE state = 'queued' AND send_after = (SELECT min(sent_at) FROM alerts) + interval '1 hour')
		FROM alerts`).Scan(&sent, &held, &waitOK)
	if err != nil {
		t.Fatal(err)
	}
	if sent != 3 || held != 2 || waitOK != 2 {
		t.Errorf("%d sent, %d held by the cap, %d of them due when the hour's first leaves it; want 3, 2, 2", sent, held, waitOK)
	}
}

// Alerts claimed and not yet recorded (the sender claims its next batch
// while delivering one) count against the hourly cap: a second claim before
// the first batch's sent-mark holds the recipient's next alert.
func TestHourlyCapCountsAlertsInFlight(t *testing.T) {
	cfg := storeConfig()
	cfg.AlertsPerHour = 1
	r := newAlertRig(t, cfg)
	r.newTicket("busy@example.org", "", "first")
	first, err := r.store.ClaimAlerts(r.ctx, 10, time.Minute)
	if err != nil || len(first) != 1 {
		t.Fatalf("first claim %d, %v; want the one alert", len(first), err)
	}
	r.newTicket("busy@example.org", "", "second")
	r.newTicket("other@example.org", "", "third")
	second, err := r.store.ClaimAlerts(r.ctx, 10, time.Minute)
	if err != nil || len(second) != 1 || second[0].Recipient.Email != "other@example.org" {
		t.Fatalf("second claim %+v, %v; want only the other recipient's alert", second, err)
	}
	var held int
	_ = r.pool.QueryRow(r.ctx, `SELECT count(*) FROM alerts WHERE state = 'queued' AND recipient = 'busy@example.org'
		AND last_error = 'hourly alert cap reached' AND send_after > now() + interval '59 minutes'`).Scan(&held)
	if held != 1 {
		t.Errorf("%d alerts held for the busy recipient, want 1, due in an hour", held)
	}
}
