package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"text/tabwriter"
	"time"

	"inboxdesk/inbound"
	"inboxdesk/storage"
	"inboxdesk/ticket"
)

func runMailbox(ctx context.Context, args []string, out io.Writer) error {
	if len(args) == 0 {
		return errors.New("usage: inboxdesk mailbox add|list|update|remove [flags]")
	}
	fs := newFlags("mailbox "+args[0], out)
	db := dbFlag(fs)
	name := fs.String("name", "", "mailbox name")
	rawURL := fs.String("url", "", "imap://USER:PASS@HOST:PORT/FOLDER (imaps:// for TLS; imaps://USER@HOST/FOLDER?oauth=GRANT signs in with an OAuth2 grant)")
	schedule := fs.String("schedule", "@every 1m", "poll schedule (cron spec or @every DURATION)")
	processed := fs.String("processed-folder", "", "move mail here after it is ingested (optional)")
	seen := fs.Bool("mark-seen", false, "set \\Seen on mail after it is ingested")
	pool, err := parseAndOpen(ctx, fs, db, args[1:])
	if err != nil {
		return err
	}
	defer pool.Close()
	store, _, err := stores(pool)
	if err != nil {
		return err
	}
	switch args[0] {
	case "add":
		return mailboxAdd(ctx, store, out, ticket.Mailbox{Name: *name, URL: *rawURL, Schedule: *schedule,
			ProcessedFolder: *processed, MarkSeen: *seen})
	case "list":
		return mailboxList(ctx, store, out)
	case "update":
		set := map[string]bool{}
		fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
		return mailboxUpdate(ctx, store, out, ticket.Mailbox{Name: *name, URL: *rawURL, Schedule: *schedule,
			ProcessedFolder: *processed, MarkSeen: *seen}, set)
	case "remove":
		if *name == "" {
			return errors.New("--name is required")
		}
		return store.RemoveMailbox(ctx, *name)
	}
	return fmt.Errorf("unknown mailbox command %q (add, list, update, remove)", args[0])
}

// mailboxUpdate changes the settings given on the command line (a new
// password, say) and keeps the rest. A URL naming another server, account
// or folder starts the mailbox's checkpoint over; a new password alone does not.
func mailboxUpdate(ctx context.Context, store *storage.Store, out io.Writer, given ticket.Mailbox, set map[string]bool) error {
	if given.Name == "" {
		return errors.New("--name is required")
	}
	mb, err := store.MailboxByName(ctx, given.Name)
	if err != nil {
		return fmt.Errorf("mailbox %q: %w", given.Name, err)
	}
	rescan := false
	if set["url"] {
		oldT, _ := inbound.ParseURL(mb.URL)
		if err := checkMailboxURL(ctx, store, given.URL); err != nil {
			return err
		}
		newT, _ := inbound.ParseURL(given.URL)
		rescan = oldT.Addr != newT.Addr || oldT.User != newT.User || oldT.Folder != newT.Folder
		mb.URL = given.URL
	}
	if set["schedule"] {
		if err := inbound.ValidSchedule(given.Schedule); err != nil {
			return fmt.Errorf("--schedule: %w", err)
		}
		mb.Schedule = given.Schedule
	}
	if set["processed-folder"] {
		mb.ProcessedFolder = given.ProcessedFolder
	}
	if set["mark-seen"] {
		mb.MarkSeen = given.MarkSeen
	}
	if err := store.UpdateMailbox(ctx, *mb, rescan); err != nil {
		return err
	}
	note := ""
	if rescan {
		note = " (another server, account or folder: it is scanned from the start; mail seen before is recognised)"
	}
	_, err = fmt.Fprintf(out, "updated mailbox %s: %s, polled %s%s\n", mb.Name, inbound.Redact(mb.URL), mb.Schedule, note)
	return err
}

func mailboxAdd(ctx context.Context, store *storage.Store, out io.Writer, mb ticket.Mailbox) error {
	if mb.Name == "" || mb.URL == "" {
		return errors.New("--name and --url are required")
	}
	if err := checkMailboxURL(ctx, store, mb.URL); err != nil {
		return err
	}
	if err := inbound.ValidSchedule(mb.Schedule); err != nil {
		return fmt.Errorf("--schedule: %w", err)
	}
	if _, err := store.AddMailbox(ctx, mb); err != nil {
		return err
	}
	_, err := fmt.Fprintf(out, "added mailbox %s: %s, polled %s\n", mb.Name, inbound.Redact(mb.URL), mb.Schedule)
	return err
}

func mailboxList(ctx context.Context, store *storage.Store, out io.Writer) error {
	boxes, err := store.Mailboxes(ctx)
	if err != nil {
		return err
	}
	w := tabwriter.NewWriter(out, 0, 4, 2, ' ', 0)
	fmt.Fprintln(w, "NAME\tURL\tSCHEDULE\tLAST UID\tLAST POLL\tLAST ERROR")
	for _, m := range boxes {
		last := "never"
		if !m.LastPollAt.IsZero() {
			last = m.LastPollAt.Format(time.RFC3339)
		}
		problem := m.LastError
		if m.GrantBroken != "" {
			problem = fmt.Sprintf("cannot sign in: grant %s refused (%s): run `inboxdesk oauth renew %s`",
				m.Grant, m.GrantBroken, m.Grant)
		}
		fmt.Fprintf(w, "%s\t%s\t%s\t%d\t%s\t%s\n", m.Name, inbound.Redact(m.URL), m.Schedule, m.Checkpoint.LastUID,
			last, problem)
	}
	return w.Flush()
}

func runPoll(ctx context.Context, args []string, out io.Writer) error {
	fs := newFlags("poll", out)
	db := dbFlag(fs)
	only := fs.String("mailbox", "", "poll only this mailbox")
	authserv := optionFlag(fs, "trusted-authserv-id")
	pool, err := parseAndOpen(ctx, fs, db, args)
	if err != nil {
		return err
	}
	var cfg Config
	if err := authserv(&cfg); err != nil {
		pool.Close()
		return err
	}
	defer pool.Close()
	log := newLogger("auto", os.Stderr)
	store, grants, err := stores(pool)
	if err != nil {
		return err
	}
	opts := inbound.DefaultOptions()
	opts.Tokens = grants
	opts.TrustedAuthservID = cfg.AuthservID
	poller := inbound.NewPoller(store, log, opts)
	return pollOnce(ctx, store, poller, *only, out, log)
}

func pollOnce(ctx context.Context, store *storage.Store, p *inbound.Poller, only string, out io.Writer, log *slog.Logger) error {
	boxes, err := store.Mailboxes(ctx)
	if err != nil {
		return err
	}
	var errs []error
	found := false
	for _, mb := range boxes {
		if only != "" && mb.Name != only {
			continue
		}
		found = true
		st, err := p.Poll(ctx, mb.Name)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		fmt.Fprintf(out, "%s: %d fetched %v%s\n", mb.Name, st.Fetched, st.Outcomes, skipped(st.Skipped))
	}
	if only != "" && !found {
		return fmt.Errorf("no mailbox named %q", only)
	}
	return errors.Join(errs...)
}

func skipped(b bool) string {
	if b {
		return " (skipped: another process is polling it)"
	}
	return ""
}

// checkMailboxURL parses a mailbox URL and checks that the OAuth2 grant it
// names, if any, exists.
func checkMailboxURL(ctx context.Context, store *storage.Store, raw string) error {
	t, err := inbound.ParseURL(raw)
	if err != nil || t.OAuth == "" {
		return err
	}
	ok, err := storage.NewOAuthGrants(store.Pool()).Exists(ctx, t.OAuth)
	if err == nil && !ok {
		err = fmt.Errorf("mailbox url: no OAuth2 grant named %q (add it with `inboxdesk oauth add --name %s …`)", t.OAuth, t.OAuth)
	}
	return err
}
