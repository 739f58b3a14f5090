package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"

	"inboxdesk/storage"
	"inboxdesk/webhook"
)

func runWebhook(ctx context.Context, args []string, out io.Writer) error {
	if len(args) == 0 {
		return errors.New("usage: inboxdesk webhook add|list|remove|deliveries [flags]")
	}
	fs := newFlags("webhook "+args[0], out)
	db := dbFlag(fs)
	url := fs.String("url", "", "add: the URL deliveries are POSTed to")
	events := fs.String("events", "", "add: comma-separated events (ticket.created, customer.replied, agent.replied, ticket.status_changed, ticket.assigned)")
	var env Config // the default of --allow-private is serve's setting
	if err := optionNamed("webhook-allow-private").read(&env, ""); err != nil {
		return err
	}
	allow := fs.Bool("allow-private", env.WebhookPrivate, "add: accept private, loopback and http URLs (env INBOXDESK_WEBHOOK_ALLOW_PRIVATE)")
	id := fs.Int64("id", 0, "remove, deliveries: the webhook's id (from list)")
	pool, err := parseAndOpen(ctx, fs, db, args[1:])
	if err != nil {
		return err
	}
	defer pool.Close()
	store, _, err := stores(pool) // seals a new webhook's secret when keys are set
	if err != nil {
		return err
	}
	switch args[0] {
	case "add":
		var evs []string
		for _, e := range strings.Split(*events, ",") {
			if e = strings.TrimSpace(e); e != "" {
				evs = append(evs, e)
			}
		}
		n, secret, err := webhook.Register(ctx, store, *url, evs, *allow)
		if err != nil {
			return err
		}
		_, err = fmt.Fprintf(out, "added webhook %d for %s\nsigning secret (shown once): %s\n", n, strings.Join(evs, ", "), secret)
		return err
	case "list":
		return webhookList(ctx, store, out)
	case "remove":
		if *id == 0 {
			return errors.New("--id is required")
		}
		return store.RemoveWebhook(ctx, *id)
	case "deliveries":
		if *id == 0 {
			return errors.New("--id is required")
		}
		return webhookDeliveries(ctx, store, *id, out)
	}
	return fmt.Errorf("unknown webhook command %q (add, list, remove, deliveries)", args[0])
}

func webhookList(ctx context.Context, store *storage.Store, out io.Writer) error {
	hooks, err := store.Webhooks(ctx)
	if err != nil {
		return err
	}
	w := tabwriter.NewWriter(out, 0, 4, 2, ' ', 0)
	fmt.Fprintln(w, "ID\tURL\tEVENTS\tCREATED")
	for _, h := range hooks {
		fmt.Fprintf(w, "%d\t%s\t%s\t%s\n", h.ID, h.URL, strings.Join(h.Events, ","), h.CreatedAt.UTC().Format(time.RFC3339))
	}
	return w.Flush()
}

// webhookDeliveries shows a webhook's latest deliveries with the last answer.
func webhookDeliveries(ctx context.Context, store *storage.Store, id int64, out io.Writer) error {
	ds, err := store.WebhookDeliveries(ctx, id, 50)
	if err != nil {
		return err
	}
	w := tabwriter.NewWriter(out, 0, 4, 2, ' ', 0)
	fmt.Fprintln(w, "ID\tEVENT\tSTATE\tTRIES\tSTATUS\tERROR\tRESPONSE")
	for _, d := range ds {
		fmt.Fprintf(w, "msg_%d\t%s\t%s\t%d\t%d\t%s\t%q\n", d.ID, d.Event, d.State, d.Tries, d.LastStatus, d.LastError,
			d.LastResponse[:min(len(d.LastResponse), 60)])
	}
	return w.Flush()
}
