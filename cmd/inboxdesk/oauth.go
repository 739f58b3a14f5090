package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"inboxdesk/oauth"
	"inboxdesk/secrets"
	"inboxdesk/storage"
)

func runOAuth(ctx context.Context, args []string, out io.Writer) error {
	if len(args) == 0 {
		return errors.New("usage: inboxdesk oauth add|list|renew|remove [flags]")
	}
	fs := newFlags("oauth "+args[0], out)
	var redirectPort int
	db := dbFlag(fs)
	var g oauth.Grant
	fs.StringVar(&g.Name, "name", "", "grant name, used in a mailbox or SMTP URL as ?oauth=NAME")
	fs.StringVar(&g.Provider, "provider", "", "microsoft, google or custom")
	fs.StringVar(&g.ClientID, "client-id", "", "the application (client) id of your app registration")
	secretFile := fs.String("client-secret-file", "", "file holding the client secret (Google needs one; Microsoft public clients none)")
	fs.StringVar(&g.Tenant, "tenant", "", "Microsoft tenant id or domain (default organizations)")
	scope := fs.String("scope", "", "space-separated scopes (default: IMAP and SMTP of the provider)")
	fs.StringVar(&g.DeviceURL, "device-url", "", "custom: device authorization endpoint (consent with a code, from any browser)")
	fs.StringVar(&g.AuthURL, "auth-url", "", "custom: authorization endpoint (consent in a browser sent back to this machine)")
	fs.IntVar(&redirectPort, "redirect-port", 0, "browser flow: loopback port the browser is sent back to (default any free one)")
	fs.StringVar(&g.TokenURL, "token-url", "", "custom: token endpoint")
	pool, err := parseAndOpen(ctx, fs, db, args[1:])
	if err != nil {
		return err
	}
	defer pool.Close()
	_, store, err := stores(pool)
	if err != nil {
		return err
	}
	if args[0] != "list" && g.Name == "" {
		return errors.New("--name is required")
	}
	switch args[0] {
	case "add":
		if err := newGrant(&g, *secretFile, *scope); err != nil {
			return err
		}
		if err := store.Authorize(ctx, &g, out, redirectPort); err != nil {
			return err
		}
		if err := store.Add(ctx, &g); err != nil {
			return err
		}
		_, err = fmt.Fprintf(out, "added grant %s: use ?oauth=%s in a mailbox URL or INBOXDESK_SMTP_URL\n", g.Name, g.Name)
		return err
	case "list":
		return grantList(ctx, store, out)
	case "renew":
		return grantRenew(ctx, store, g.Name, out, redirectPort)
	case "remove":
		if err := store.Remove(ctx, g.Name); err != nil {
			return fmt.Errorf("grant %q: %w", g.Name, err)
		}
		_, err = fmt.Fprintf(out, "removed grant %s\n", g.Name)
		return err
	}
	return fmt.Errorf("unknown oauth command %q (add, list, renew, remove)", args[0])
}

// newGrant checks the flags of `oauth add` and fills in the provider's endpoints and scopes.
func newGrant(g *oauth.Grant, secretFile, scope string) error {
	if g.ClientID == "" {
		return errors.New("--client-id is required (the application id of your app registration)")
	}
	var err error
	if err = oauth.SetEndpoints(g); err != nil {
		return fmt.Errorf("--provider: %w", err)
	}
	if g.Scopes = strings.Fields(scope); len(g.Scopes) == 0 {
		g.Scopes = oauth.DefaultScopes(g.Provider)
	}
	if secretFile != "" {
		b, err := os.ReadFile(secretFile)
		if err != nil {
			return fmt.Errorf("--client-secret-file: %w", err)
		}
		g.ClientSecret = strings.TrimSpace(string(b))
	}
	return nil
}

// grantRenew runs the device flow again for an existing grant (after its
// consent was revoked or its refresh token expired).
func grantRenew(ctx context.Context, store *oauth.Store, name string, out io.Writer, redirectPort int) error {
	g, err := store.Grant(ctx, name)
	if err != nil {
		return fmt.Errorf("grant %q: %w", name, err)
	}
	if err := store.Authorize(ctx, g, out, redirectPort); err != nil {
		return err
	}
	if err := store.Renew(ctx, name, g.RefreshToken, g.AccessToken, g.UseUntil); err != nil {
		return err
	}
	_, err = fmt.Fprintf(out, "renewed grant %s\n", name)
	return err
}

func grantList(ctx context.Context, store *oauth.Store, out io.Writer) error {
	gs, err := store.Grants(ctx)
	if err != nil {
		return err
	}
	w := tabwriter.NewWriter(out, 0, 4, 2, ' ', 0)
	fmt.Fprintln(w, "NAME\tPROVIDER\tCLIENT ID\tLAST REFRESH\tSTATE")
	for _, g := range gs {
		last := "never"
		if !g.RefreshedAt.IsZero() {
			last = g.RefreshedAt.UTC().Format(time.RFC3339)
		}
		state := "ok"
		switch {
		case g.Broken:
			state = "BROKEN: " + g.LastError + " (run `inboxdesk oauth renew " + g.Name + "`)"
		case g.LastError != "":
			state = "retrying: " + g.LastError
		}
		fmt.Fprintf(w, "%s\t%s\t%s\t%s\t%s\n", g.Name, g.Provider, g.ClientID, last, state)
	}
	return w.Flush()
}

// secretKeysFromEnv reads INBOXDESK_SECRET_KEYS (or the file named by
// INBOXDESK_SECRET_KEYS_FILE); nil when neither is set.
func secretKeysFromEnv() (*secrets.Keyring, error) {
	var c Config
	err := optionNamed("secret-keys").read(&c, "")
	return c.SecretKeys, err
}

// sealSecrets seals the secrets still in clear (a database from before
// INBOXDESK_SECRET_KEYS was set) and re-seals those under an older key. It
// fails when secrets are sealed but no key, or not the right one, is set:
// then nothing could sign in.
func sealSecrets(ctx context.Context, store *storage.Store, grants *oauth.Store, log *slog.Logger) error {
	boxes, err := store.ResealMailboxURLs(ctx)
	for _, reseal := range []func(context.Context) (int, error){store.ResealWebhookSecrets, grants.Reseal} {
		if err != nil {
			break
		}
		var n int
		n, err = reseal(ctx)
		boxes += n
	}
	if errors.Is(err, secrets.ErrNoKey) {
		return errors.New("INBOXDESK_SECRET_KEYS is not set, but the database holds mailbox passwords, OAuth2 tokens or webhook secrets sealed with it: set the keys they were sealed with")
	}
	if err != nil {
		return fmt.Errorf("INBOXDESK_SECRET_KEYS: %w", err)
	}
	if boxes > 0 {
		log.Info("sealed secrets under the first INBOXDESK_SECRET_KEYS key", "count", boxes)
	}
	return nil
}

// stores returns the ticket and grant stores of a CLI command, with the
// secret keys from the environment.
func stores(pool *pgxpool.Pool) (*storage.Store, *oauth.Store, error) {
	keys, err := secretKeysFromEnv()
	if err != nil {
		return nil, nil, err
	}
	cfg := storage.DefaultConfig()
	cfg.Secrets = keys
	return storage.New(pool, cfg), oauth.NewStore(storage.NewOAuthGrants(pool), oauth.Options{Keys: keys}), nil
}
