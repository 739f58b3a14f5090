package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"

	"github.com/jackc/pgx/v5/pgxpool"

	"inboxdesk/storage"
)

// openDB connects to url and applies pending migrations.
func openDB(ctx context.Context, url string) (*pgxpool.Pool, error) {
	if url == "" {
		return nil, errors.New("DATABASE_URL (--database-url) is required: PostgreSQL URL")
	}
	pool, err := pgxpool.New(ctx, url)
	if err != nil {
		return nil, fmt.Errorf("DATABASE_URL: %w", err)
	}
	if err := pool.Ping(ctx); err != nil {
		pool.Close()
		return nil, fmt.Errorf("DATABASE_URL: cannot reach PostgreSQL: %w", err)
	}
	if err := storage.Migrate(ctx, pool); err != nil {
		pool.Close()
		return nil, err
	}
	return pool, nil
}

// dbFlag adds --database-url to fs. Its default comes from the environment
// only after parsing (databaseURL), so that --help never prints the URL and
// its password.
func dbFlag(fs *flag.FlagSet) *string {
	o := databaseOption()
	return fs.String(o.flag, "", o.usage())
}

// databaseURL returns the --database-url given, else DATABASE_URL, else the
// contents of the file DATABASE_URL_FILE names.
func databaseURL(given string) (string, error) { return databaseOption().resolve(given) }

// parseAndOpen parses a subcommand's flags (db is its --database-url) and
// opens the database, migrated.
func parseAndOpen(ctx context.Context, fs *flag.FlagSet, db *string, args []string) (*pgxpool.Pool, error) {
	if err := fs.Parse(args); err != nil {
		return nil, err
	}
	url, err := databaseURL(*db)
	if err != nil {
		return nil, err
	}
	return openDB(ctx, url)
}

func runMigrate(ctx context.Context, args []string, out io.Writer) error {
	fs := newFlags("migrate", out)
	db := dbFlag(fs)
	pool, err := parseAndOpen(ctx, fs, db, args)
	if err != nil {
		return err
	}
	pool.Close()
	return nil
}
