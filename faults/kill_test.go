package faults_test

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"os/signal"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"inboxdesk/inbound"
	"inboxdesk/storage"
	"inboxdesk/testenv/pgtest"
)

// childEnv carries the child's configuration (JSON) to the re-executed test binary.
const childEnv = "INBOXDESK_FAULT_CHILD"

type childConfig struct {
	DB, SMTP, Keys string
	SenderOnly     bool // only send alerts, until SIGTERM
}

// runChild is inboxdesk wired as in production — store, poller, sender —
// polling "support" and sending alerts until it is killed.
func runChild(env string) int {
	var cfg childConfig
	if err := json.Unmarshal([]byte(env), &cfg); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 2
	}
	ctx := context.Background()
	pool, err := pgxpool.New(ctx, cfg.DB)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 2
	}
	store := storage.New(pool, storeConfig())
	sender, err := newSender(store, cfg.SMTP, cfg.Keys, 5*time.Minute)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 2
	}
	if cfg.SenderOnly {
		ctx, stop := signal.NotifyContext(ctx, syscall.SIGTERM)
		defer stop()
		sender.Run(ctx)
		return 0
	}
	go sender.Run(ctx)
	p := inbound.NewPoller(store, quiet(), inbound.Options{BatchMessages: 50})
	for {
		st, err := p.Poll(ctx, "support")
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
		}
		sender.Wake()
		if err != nil || st.Fetched == 0 {
			time.Sleep(20 * time.Millisecond)
		}
	}
}

// TestFaultSIGKILLWhileIngestingAndSendingAlerts kills inboxdesk 20 times at
// random moments while it ingests 5,000 mails from Dovecot and sends their
// alerts; 250 more mails arrive before each start, so every kill lands
// while there is work. Afterwards every mail is on exactly one ticket and
// every alert arrived, under its own Message-ID.
func TestFaultSIGKILLWhileIngestingAndSendingAlerts(t *testing.T) {
	enabled(t)
	const kills, perRound = 20, 250
	const n = kills * perRound
	r := newRig(t, pgtestURL(t))
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	const child = "killed-inboxdesk" // its database sessions
	env, _ := json.Marshal(childConfig{DB: pgtest.Named(r.pool.Config().ConnString(), child), SMTP: r.smtp.Addr(), Keys: r.keyStr})
	var byChildren []int
	midWork := 0 // kills that left mail to ingest or alerts to send
	for i := 0; i < kills; i++ {
		r.dc.AppendMany(t, "INBOX", supportMails("kill", i*perRound, (i+1)*perRound))
		cmd := exec.Command(self, "-test.run=^$")
		cmd.Env = append(os.Environ(), childEnv+"="+string(env))
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		// The window spans the child's start-up and its work (a round takes a few
		// hundred milliseconds), so most kills land mid-batch or mid-delivery.
		time.Sleep(time.Duration(50+rand.IntN(350)) * time.Millisecond)
		_ = cmd.Process.Signal(syscall.SIGKILL)
		_ = cmd.Wait()
		stored := r.count(`SELECT count(*) FROM messages`)
		byChildren = append(byChildren, stored)
		if stored < (i+1)*perRound || r.count(`SELECT count(*) FROM alerts WHERE state IN ('queued', 'sending')`) > 0 {
			midWork++
		}
		// The killed sender's leases run out now rather than in five minutes,
		// once its last pipelined statements have run.
		if err := pgtest.WaitGone(r.ctx, r.pool, child); err != nil {
			t.Fatal(err)
		}
		if _, err := r.pool.Exec(r.ctx, `UPDATE alerts SET lease_until = now() - interval '1 second' WHERE state = 'sending'`); err != nil {
			t.Fatal(err)
		}
	}
	sentByChildren := len(r.smtp.Messages())
	p := inbound.NewPoller(r.store, quiet(), inbound.Options{BatchMessages: 50})
	defer p.Close()
	r.pollUntilDone(p)
	sender, err := newSender(r.store, r.smtp.Addr(), r.keyStr, time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	r.sendUntilDone(sender)
	if midWork < kills/2 {
		t.Errorf("only %d of %d kills struck while there was work left", midWork, kills)
	}
	r.checkMail("kill", n)
	resent := r.checkAlerts()
	// A kill between the SMTP server's 250 and the "sent" commit re-sends at
	// most the unrecorded deliveries under the same Message-IDs: 2×RecordEvery
	// + Workers, 44 at the defaults (batches of 20, four workers).
	if resent > kills*(2*20+4) {
		t.Errorf("%d alerts re-sent for %d kills", resent, kills)
	}
	t.Logf("%d kills, %d with work left; messages stored after each: %v; %d alerts captured from the children; %d re-sent under their own Message-ID",
		kills, midWork, byChildren, sentByChildren, resent)
}
