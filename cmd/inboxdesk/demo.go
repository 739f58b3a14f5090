package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"time"

	"inboxdesk/auth"
	"inboxdesk/devmail"
	"inboxdesk/link"
	"inboxdesk/storage"
	"inboxdesk/ticket"
)

const (
	demoDB        = "inboxdesk_demo"
	demoSupport   = "support@example.com"
	demoAgent     = "agent@example.com"
	demoPassword  = "demo-password"
	demoIMAPUser  = "support"
	demoIMAPPass  = "support"
	demoDataDir   = ".data"
	demoKeyFile   = "demo-link-key"
	demoCustomer  = "dana@example.org"
	demoBoxName   = "support"
	demoSchedule  = "@every 3s"
	demoCoalesce  = "3s"
	demoFromField = "Example Support <no-reply@example.com>"
)

// runDemo runs the whole product in one process on embedded defaults: the
// web view, the poller and sender, an in-process IMAP server holding the
// support mailbox and an SMTP server that takes mail for support and
// captures every outgoing email on the dev outbox page.
func runDemo(ctx context.Context, args []string, out io.Writer) error {
	fs := newFlags("demo", out)
	db := dbFlag(fs)
	listen := fs.String("listen", "127.0.0.1:8080", "web view address")
	imapAddr := fs.String("imap", "127.0.0.1:1143", "embedded IMAP server address")
	smtpAddr := fs.String("smtp", "127.0.0.1:2525", "embedded SMTP server address (mail to "+demoSupport+" becomes a ticket)")
	reset := fs.Bool("reset", false, "start from an empty demo database")
	dbName := fs.String("db-name", demoDB, "name of the demo's own database on the DATABASE_URL server")
	dataDir := fs.String("data-dir", demoDataDir, "folder for the demo's link key")
	if err := fs.Parse(args); err != nil {
		return err
	}
	serverURL, err := databaseURL(*db)
	if err != nil {
		return err
	}
	dbURL, err := demoDatabase(ctx, serverURL, *dbName, *reset)
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", *listen)
	if err != nil {
		return fmt.Errorf("--listen %s: %w", *listen, err)
	}
	defer ln.Close()
	log := newLogger("text", os.Stderr)
	imapSrv, err := devmail.StartIMAP(ctx, *imapAddr, demoIMAPUser, demoIMAPPass, log.With("server", "imap"))
	if err != nil {
		return fmt.Errorf("embedded IMAP server on %s: %w", *imapAddr, err)
	}
	defer imapSrv.Close()
	smtpSrv, err := devmail.StartSMTP(ctx, *smtpAddr, devmail.SMTPOptions{Domain: "example.com",
		InboundTo: []string{demoSupport}, Inbox: imapSrv}, log.With("server", "smtp"))
	if err != nil {
		return fmt.Errorf("embedded SMTP server on %s: %w", *smtpAddr, err)
	}
	defer smtpSrv.Close()
	cfg, err := demoConfig(dbURL, ln.Addr().String(), smtpSrv.Addr(), *dataDir)
	if err != nil {
		return err
	}
	a, err := newApp(ctx, cfg, log, appTuning{senderPoll: time.Second})
	if err != nil {
		return err
	}
	a.listener = ln
	a.mux.Handle("GET /dev/outbox", devmail.OutboxHandler(smtpSrv))
	if err := seedDemo(ctx, a, imapSrv); err != nil {
		a.close()
		return err
	}
	printDemo(out, cfg, smtpSrv.Addr())
	return a.run(ctx)
}

// demoConfig is the configuration the demo runs with, as if given to serve.
func demoConfig(dbURL, listen, smtpAddr, dataDir string) (*Config, error) {
	key, err := demoKey(dataDir)
	if err != nil {
		return nil, err
	}
	_, port, err := net.SplitHostPort(listen)
	if err != nil {
		return nil, fmt.Errorf("--listen: %w", err)
	}
	fs := newFlags("demo", io.Discard)
	return parseConfig(fs, []string{"--database-url", dbURL, "--listen", listen,
		"--base-url", "http://localhost:" + port, "--link-keys", key,
		"--smtp-url", "smtp://" + smtpAddr + "?starttls=none", "--from", demoFromField,
		"--coalesce", demoCoalesce, "--log-format", "text"})
}

// demoKey returns the demo's link key, made once and kept in dir so that
// links in captured alerts keep working across runs.
func demoKey(dir string) (string, error) {
	path := filepath.Join(dir, demoKeyFile)
	if b, err := os.ReadFile(path); err == nil {
		return strings.TrimSpace(string(b)), nil
	}
	key := link.GenerateKey()
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return "", err
	}
	return key, os.WriteFile(path, []byte(key+"\n"), 0o600)
}

// demoDatabase creates (or, with reset, recreates) the demo's own database
// on the server of serverURL and returns its URL: tests never share it.
func demoDatabase(ctx context.Context, serverURL, name string, reset bool) (string, error) {
	if !demoNameOK.MatchString(name) {
		return "", fmt.Errorf("--db-name %q: use lower-case letters, digits and _", name)
	}
	if serverURL == "" {
		return "", errors.New("DATABASE_URL (--database-url) is required: run `make demo`, which finds or starts PostgreSQL")
	}
	return storage.EnsureDatabase(ctx, serverURL, name, reset)
}

var demoNameOK = regexp.MustCompile(`^[a-z_][a-z0-9_]{0,62}$`)

// seedDemo adds the support mailbox, the demo agent and, on a first run, one
// customer email waiting in the mailbox.
func seedDemo(ctx context.Context, a *app, imapSrv *devmail.IMAP) error {
	url := fmt.Sprintf("imap://%s:%s@%s/INBOX?starttls=none", demoIMAPUser, demoIMAPPass, imapSrv.Addr())
	mb, err := a.store.MailboxByName(ctx, demoBoxName)
	if errors.Is(err, ticket.ErrNotFound) {
		_, err = a.store.AddMailbox(ctx, ticket.Mailbox{Name: demoBoxName, URL: url, Schedule: demoSchedule})
	} else if err == nil {
		// The embedded server starts empty and counts UIDVALIDITY from 1 again,
		// so the UIDs of earlier runs mean nothing now: forget them and scan
		// from the start (mail seen before is recognised by Message-ID and
		// content).
		err = a.store.RestartMailboxScan(ctx, mb.ID, url)
	}
	if err != nil {
		return fmt.Errorf("demo mailbox: %w", err)
	}
	if _, err := a.auth.CreateAgentAs(ctx, auth.AgentRoleAdmin, demoAgent, "Alex Agent", demoPassword); err != nil && !errors.Is(err, auth.ErrAgentExists) {
		return fmt.Errorf("demo agent: %w", err)
	}
	if seeded, err := a.store.HasTickets(ctx); err != nil || seeded {
		return err
	}
	_, err = imapSrv.Append("INBOX", []byte(strings.ReplaceAll(demoMail, "\n", "\r\n")))
	return err
}

const demoMail = `From: Dana Customer <` + demoCustomer + `>
To: ` + demoSupport + `
Subject: I was charged twice for order 4471
Message-ID: <demo-first-mail@example.org>
Date: Mon, 23 Nov 2026 09:12:00 +0000
MIME-Version: 1.0
Content-Type: text/plain; charset=utf-8

Hello,

my card was charged twice for order 4471 yesterday (transaction IDs
TX-88120 and TX-88121, both at 18:04). Could you refund one of them?

Thanks,
Dana
`

func printDemo(out io.Writer, cfg *Config, smtpAddr string) {
	base := strings.TrimSuffix(cfg.BaseURL.String(), "/")
	fmt.Fprintf(out, `
inboxdesk demo is running — Ctrl-C stops it; data stays for the next run (--reset starts afresh).

  Agent view     %[1]s/agent/login    %[2]s / %[3]s
  Customer view  %[1]s/login          (sign in as %[4]s; the code arrives in the dev outbox)
  Dev outbox     %[1]s/dev/outbox     every email inboxdesk sent: alerts with their links, sign-in codes
  Write in       swaks --to %[5]s --server %[6]s --header "Subject: Help" --body "My app crashes"

`, base, demoAgent, demoPassword, demoCustomer, demoSupport, smtpAddr)
}
