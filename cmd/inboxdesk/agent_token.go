package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"text/tabwriter"
	"time"

	"inboxdesk/auth"
	"inboxdesk/storage"
)

// runAgentToken manages agents' personal access tokens for the REST API.
func runAgentToken(ctx context.Context, args []string, out io.Writer) error {
	if len(args) == 0 {
		return errors.New("usage: inboxdesk agent token create|list|revoke [flags]")
	}
	fs := newFlags("agent token "+args[0], out)
	db := dbFlag(fs)
	email := fs.String("email", "", "the agent's email address")
	name := fs.String("name", "", "create: what the token is for")
	scope := fs.String("scope", "read", "create: read or write")
	id := fs.Int64("id", 0, "revoke: the token's id (from list)")
	pool, err := parseAndOpen(ctx, fs, db, args[1:])
	if err != nil {
		return err
	}
	defer pool.Close()
	store := auth.NewStore(storage.NewSignIn(pool), auth.Config{})
	switch args[0] {
	case "create":
		secret, t, err := store.CreateAPIToken(ctx, *email, *name, auth.Scope(*scope))
		if err != nil {
			return err
		}
		_, err = fmt.Fprintf(out, "created token %d (%s, %s) for %s\ntoken (shown once): %s\n",
			t.ID, t.Name, t.Scope, t.AgentEmail, secret)
		return err
	case "list":
		return agentTokenList(ctx, store, *email, out)
	case "revoke":
		if *id == 0 {
			return errors.New("--id is required")
		}
		if err := store.RevokeAPIToken(ctx, 0, *id); err != nil {
			return err
		}
		_, err := fmt.Fprintf(out, "revoked token %d\n", *id)
		return err
	}
	return fmt.Errorf("unknown agent token command %q (create, list, revoke)", args[0])
}

func agentTokenList(ctx context.Context, store *auth.Store, email string, out io.Writer) error {
	list, err := store.APITokens(ctx, email)
	if err != nil {
		return err
	}
	w := tabwriter.NewWriter(out, 0, 4, 2, ' ', 0)
	fmt.Fprintln(w, "ID\tAGENT\tNAME\tSCOPE\tCREATED\tLAST USED\tREVOKED")
	stamp := func(t *time.Time) string {
		if t == nil {
			return "-"
		}
		return t.UTC().Format(time.RFC3339)
	}
	for _, t := range list {
		fmt.Fprintf(w, "%d\t%s\t%s\t%s\t%s\t%s\t%s\n", t.ID, t.AgentEmail, t.Name, t.Scope,
			stamp(&t.CreatedAt), stamp(t.LastUsedAt), stamp(t.RevokedAt))
	}
	return w.Flush()
}
