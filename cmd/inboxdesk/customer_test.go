package main

import (
	"archive/zip"
	"context"
	"encoding/json"
	"io"
	"path/filepath"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5/pgxpool"

	"inboxdesk/storage"
	"inboxdesk/testenv/pgtest"
	"inboxdesk/ticket"
)

// seedCustomerMail stores one mail with a file from addr through ingest.
func seedCustomerMail(t *testing.T, db, addr string) {
	t.Helper()
	ctx := context.Background()
	pool, err := pgxpool.New(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	defer pool.Close()
	s := storage.New(pool, storage.DefaultConfig())
	id, err := s.AddMailbox(ctx, ticket.Mailbox{Name: "support", URL: "imap://u:p@127.0.0.1:1/INBOX"})
	if err != nil {
		t.Fatal(err)
	}
	cp := ticket.Checkpoint{MailboxID: id, UIDValidity: 1}
	if err := s.ResetCheckpoint(ctx, ticket.Checkpoint{MailboxID: id}, 1); err != nil {
		t.Fatal(err)
	}
	in := &ticket.Inbound{MessageID: "x1@example.org", From: ticket.Address{Name: "Ana", Email: addr},
		Subject: "Broken lamp", Text: "the lamp flickers", ContentHash: []byte("h1"),
		Attachments: []ticket.Attachment{{Filename: "photo.txt", ContentType: "text/plain", Data: []byte("lamp photo")}}}
	if _, err := s.IngestBatch(ctx, cp, []ticket.Mail{{UID: 1, Raw: []byte("raw"), Parsed: in}}); err != nil {
		t.Fatal(err)
	}
}

func TestCustomerExportIsOneZipWithJSONAndFiles(t *testing.T) {
	db := pgtest.NewURL(t)
	seedCustomerMail(t, db, "ana@example.org")
	file := filepath.Join(t.TempDir(), "ana.zip")
	if out, code := inboxdesk(t, "customer", "export", "--database-url", db, "--email", "ANA@example.org",
		"--out", file); code != 0 {
		t.Fatalf("export: %d %q", code, out)
	}
	z, err := zip.OpenReader(file)
	if err != nil {
		t.Fatal(err)
	}
	defer z.Close()
	files := map[string]string{}
	for _, f := range z.File {
		r, _ := f.Open()
		b, _ := io.ReadAll(r)
		files[f.Name] = string(b)
	}
	var doc struct {
		Email   string
		Tickets []struct {
			Subject  string
			Messages []struct {
				Text        string
				Attachments []struct{ Path string }
			}
			Events []struct{ Kind string }
		}
	}
	if err := json.Unmarshal([]byte(files["customer.json"]), &doc); err != nil {
		t.Fatalf("customer.json: %v\n%v", err, files)
	}
	if doc.Email != "ana@example.org" || len(doc.Tickets) != 1 || doc.Tickets[0].Subject != "Broken lamp" ||
		len(doc.Tickets[0].Messages) != 1 || doc.Tickets[0].Messages[0].Text != "the lamp flickers" ||
		len(doc.Tickets[0].Events) == 0 || len(doc.Tickets[0].Messages[0].Attachments) != 1 {
		t.Fatalf("export = %+v", doc)
	}
	if got := files[doc.Tickets[0].Messages[0].Attachments[0].Path]; got != "lamp photo" {
		t.Fatalf("attachment in the zip = %q", got)
	}
	if out, code := inboxdesk(t, "customer", "export", "--database-url", db, "--email", "nobody@example.org",
		"--out", filepath.Join(t.TempDir(), "x.zip")); code == 0 || !strings.Contains(out, "not found") {
		t.Fatalf("export of an unknown address: %d %q", code, out)
	}
}

func TestCustomerEraseCountsAndForgetsTheAddress(t *testing.T) {
	db := pgtest.NewURL(t)
	seedCustomerMail(t, db, "ana@example.org")
	out, code := inboxdesk(t, "customer", "erase", "--database-url", db, "--email", "ana@example.org")
	if code != 0 || !strings.Contains(out, "1 tickets, 1 messages, 1 attachments") {
		t.Fatalf("erase: %d %q", code, out)
	}
	if out, code := inboxdesk(t, "customer", "export", "--database-url", db, "--email", "ana@example.org",
		"--out", "-"); code == 0 {
		t.Fatalf("export after erase found the customer: %q", out)
	}
	if out, code := inboxdesk(t, "customer", "erase", "--database-url", db); code == 0 ||
		!strings.Contains(out, "--email") {
		t.Fatalf("erase without --email: %d %q", code, out)
	}
}
