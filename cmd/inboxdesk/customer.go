package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"inboxdesk/storage"
)

func runCustomer(ctx context.Context, args []string, out io.Writer) error {
	if len(args) == 0 {
		return errors.New("usage: inboxdesk customer export|erase --email ADDRESS [flags]")
	}
	fs := newFlags("customer "+args[0], out)
	db := dbFlag(fs)
	email := fs.String("email", "", "the customer's email address")
	file := fs.String("out", "", "export: the zip file to write (- for standard output)")
	pool, err := parseAndOpen(ctx, fs, db, args[1:])
	if err != nil {
		return err
	}
	defer pool.Close()
	if *email == "" {
		return errors.New("--email is required")
	}
	store := storage.New(pool, storage.DefaultConfig())
	switch args[0] {
	case "export":
		return customerExport(ctx, store, *email, *file, out)
	case "erase":
		n, err := store.EraseCustomer(ctx, *email)
		if err != nil {
			return err
		}
		_, err = fmt.Fprintf(out, "erased %s: %d tickets, %d messages, %d attachments, %d held mails, %d alerts, "+
			"%d push subscriptions, %d sessions, %d sign-in codes, %d webhook deliveries\n", *email, n.Tickets,
			n.Messages, n.Attachments, n.Quarantined, n.Alerts, n.Subscriptions, n.Sessions, n.Codes, n.Webhooks)
		return err
	}
	return fmt.Errorf("unknown customer command %q (export, erase)", args[0])
}

// customerExport writes the zip to file, or to out for "-"; a file is
// written under a temporary name and renamed, so a failed export leaves none.
func customerExport(ctx context.Context, store *storage.Store, email, file string, out io.Writer) error {
	if file == "" {
		return errors.New("--out is required (a .zip file, or - for standard output)")
	}
	if file == "-" {
		return store.ExportCustomer(ctx, email, out)
	}
	f, err := os.CreateTemp(filepath.Dir(file), ".export-*.zip")
	if err != nil {
		return fmt.Errorf("export: %w", err)
	}
	defer os.Remove(f.Name())
	if err := store.ExportCustomer(ctx, email, f); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("export: %w", err)
	}
	if err := os.Rename(f.Name(), file); err != nil {
		return fmt.Errorf("export: %w", err)
	}
	_, err = fmt.Fprintf(out, "exported %s to %s\n", email, file)
	return err
}
