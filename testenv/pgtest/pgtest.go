// Package pgtest gives each test its own PostgreSQL database, migrated, and
// drops it afterwards. Databases are cloned from a migrated template, so a new
// one costs a few milliseconds.
//
// The server is INBOXDESK_TEST_DATABASE_URL, else DATABASE_URL, else
// postgres://postgres@127.0.0.1:5432/postgres. Without a reachable server the
// test fails (set INBOXDESK_SKIP_DB=1 to skip instead).
package pgtest

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"sort"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"inboxdesk/migrations"
	"inboxdesk/storage"
)

// AdminURL returns the URL of the server tests create their databases on.
func AdminURL() string {
	for _, k := range []string{"INBOXDESK_TEST_DATABASE_URL", "DATABASE_URL"} {
		if v := os.Getenv(k); v != "" {
			return v
		}
	}
	return "postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable"
}

// New returns a pool on a fresh, migrated database that is dropped when the test ends.
func New(t testing.TB) *pgxpool.Pool {
	t.Helper()
	return Pool(t, NewURL(t))
}

// NewURL creates a fresh, migrated database and returns its URL; the database
// is dropped when the test ends (after every pool on it closed).
func NewURL(t testing.TB) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	admin, err := pgx.Connect(ctx, AdminURL())
	if err != nil {
		if os.Getenv("INBOXDESK_SKIP_DB") != "" {
			t.Skipf("pgtest: no PostgreSQL: %v", err)
		}
		t.Fatalf("pgtest: no PostgreSQL at INBOXDESK_TEST_DATABASE_URL/DATABASE_URL (run scripts/pg.sh): %v", err)
	}
	defer admin.Close(ctx)
	tmpl, err := template(ctx, admin)
	if err != nil {
		t.Fatalf("pgtest: template: %v", err)
	}
	name := "inboxdesk_test_" + randomHex(6)
	if _, err := admin.Exec(ctx, fmt.Sprintf(`CREATE DATABASE %s TEMPLATE %s`, name, tmpl)); err != nil {
		t.Fatalf("pgtest: create database: %v", err)
	}
	t.Cleanup(func() { drop(name) })
	return withDatabase(AdminURL(), name)
}

func drop(name string) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	admin, err := pgx.Connect(ctx, AdminURL())
	if err != nil {
		return
	}
	defer admin.Close(ctx)
	_, _ = admin.Exec(ctx, fmt.Sprintf(`DROP DATABASE IF EXISTS %s WITH (FORCE)`, name))
}

// template returns the name of a migrated template database for the current
// migrations, creating it once (under an advisory lock, as test packages run
// in parallel).
func template(ctx context.Context, admin *pgx.Conn) (string, error) {
	name := "inboxdesk_tmpl_" + migrationsHash()
	if _, err := admin.Exec(ctx, `SELECT pg_advisory_lock(727001)`); err != nil {
		return "", err
	}
	defer admin.Exec(context.Background(), `SELECT pg_advisory_unlock(727001)`)
	var exists bool
	if err := admin.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)`, name).Scan(&exists); err != nil {
		return "", err
	}
	if exists {
		return name, nil
	}
	building := name + "_build"
	_, _ = admin.Exec(ctx, fmt.Sprintf(`DROP DATABASE IF EXISTS %s WITH (FORCE)`, building))
	if _, err := admin.Exec(ctx, fmt.Sprintf(`CREATE DATABASE %s`, building)); err != nil {
		return "", err
	}
	pool, err := pgxpool.New(ctx, withDatabase(AdminURL(), building))
	if err != nil {
		return "", err
	}
	err = storage.Migrate(ctx, pool)
	pool.Close()
	if err != nil {
		return "", err
	}
	_, err = admin.Exec(ctx, fmt.Sprintf(`ALTER DATABASE %s RENAME TO %s`, building, name))
	return name, err
}

func migrationsHash() string {
	h := sha256.New()
	entries, _ := fs.ReadDir(migrations.FS, ".")
	sort.Slice(entries, func(i, j int) bool { return entries[i].Name() < entries[j].Name() })
	for _, e := range entries {
		b, _ := fs.ReadFile(migrations.FS, e.Name())
		h.Write([]byte(e.Name()))
		h.Write(b)
	}
	return hex.EncodeToString(h.Sum(nil))[:12]
}

// withDatabase returns the server URL raw with its database replaced by db.
func withDatabase(raw, db string) string {
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "postgres" && u.Scheme != "postgresql") {
		return raw + " dbname=" + db // key=value form
	}
	u.Path = "/" + db
	return u.String()
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// Pool returns one more pool on the database at url (another replica, say),
// closed when the test ends.
func Pool(t testing.TB, url string) *pgxpool.Pool {
	t.Helper()
	pool, err := pgxpool.New(context.Background(), url)
	if err != nil {
		t.Fatalf("pgtest: %v", err)
	}
	t.Cleanup(pool.Close)
	return pool
}

// Named returns the database URL raw with application_name set to name, so
// that WaitGone can wait for the server backends of a pool opened on it.
func Named(raw, name string) string {
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "postgres" && u.Scheme != "postgresql") {
		return raw + " application_name=" + name // key=value form
	}
	q := u.Query()
	q.Set("application_name", name)
	u.RawQuery = q.Encode()
	return u.String()
}

// WaitGone waits until pool's database has no backend of application name
// left. Statements a killed process had sent still run on the server after
// its death (a pipelined claim commits, say); a test that changes the same
// rows next must wait for them.
func WaitGone(ctx context.Context, pool *pgxpool.Pool, name string) error {
	for {
		var n int
		err := pool.QueryRow(ctx, `SELECT count(*) FROM pg_stat_activity
			WHERE datname = current_database() AND application_name = $1`, name).Scan(&n)
		if err != nil || n == 0 {
			return err
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(10 * time.Millisecond):
		}
	}
}
