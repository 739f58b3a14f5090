package pgtest

import (
	"context"
	"fmt"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

// TablesContaining returns "table: N rows" for every table of the public
// schema with a row whose text (bytea columns in hex, as PostgreSQL casts
// them) contains needle, ignoring case: what a scan of the whole database
// for a person's address or words finds.
func TablesContaining(ctx context.Context, t testing.TB, pool *pgxpool.Pool, needle string) []string {
	t.Helper()
	rows, err := pool.Query(ctx, `SELECT table_name FROM information_schema.tables
		WHERE table_schema = 'public' AND table_type = 'BASE TABLE' ORDER BY table_name`)
	if err != nil {
		t.Fatal(err)
	}
	tables, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		t.Fatal(err)
	}
	var found []string
	for _, table := range tables {
		var n int
		err := pool.QueryRow(ctx, `SELECT count(*) FROM `+pgx.Identifier{table}.Sanitize()+` AS r
			WHERE strpos(lower(r::text), lower($1)) > 0 OR strpos(r::text, encode(convert_to($1, 'UTF8'), 'hex')) > 0
			OR strpos(r::text, encode(convert_to(lower($1), 'UTF8'), 'hex')) > 0`,
			needle).Scan(&n)
		if err != nil {
			t.Fatalf("scan %s: %v", table, err)
		}
		if n > 0 {
			found = append(found, fmt.Sprintf("%s: %d rows", table, n))
		}
	}
	return found
}
