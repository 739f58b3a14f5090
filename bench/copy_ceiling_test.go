package bench

import (
	"bytes"
	"context"
	"fmt"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"inboxdesk/testenv/pgtest"
)

// tableDump is one table's rows as PostgreSQL's binary COPY format.
type tableDump struct {
	name string
	rows int64
	data []byte
}

// copyCeiling is what PostgreSQL allows for the rows an ingest wrote: every
// table the ingest filled in src is read out (binary COPY, not timed) and
// written into a fresh database of the same schema, indexes and triggers
// with one COPY FROM per table, in foreign-key order. It returns the time of
// the writes and a summary of the rows with each table's time, and fails the
// test unless the copy holds the same rows. Tables a trigger already filled from the copied rows
// (say, the queue's counts) are not copied twice.
func copyCeiling(t *testing.T, src *pgxpool.Pool) (time.Duration, string) {
	ctx := context.Background()
	dumps := dumpTables(t, src)
	dst := pgtest.New(t)
	conn, err := dst.Acquire(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Release()
	var took time.Duration
	var summary []string
	for _, d := range dumps {
		if rowCount(t, dst, d.name) > 0 {
			continue // filled by a trigger on a table copied before it
		}
		start := time.Now()
		tag, err := conn.Conn().PgConn().CopyFrom(ctx, bytes.NewReader(d.data),
			"COPY "+pgx.Identifier{d.name}.Sanitize()+" FROM STDIN (FORMAT binary)")
		one := time.Since(start)
		took += one
		if err != nil {
			t.Fatalf("copy into %s: %v", d.name, err)
		}
		if tag.RowsAffected() != d.rows {
			t.Fatalf("copy into %s wrote %d rows, the ingest %d", d.name, tag.RowsAffected(), d.rows)
		}
		summary = append(summary, fmt.Sprintf("%d %s in %s", d.rows, d.name, secs(one)))
	}
	return took, strings.Join(summary, ", ")
}

// dumpTables reads every non-empty table of src's public schema (but the
// migrations' own), parents before the tables that reference them.
func dumpTables(t *testing.T, src *pgxpool.Pool) []tableDump {
	ctx := context.Background()
	conn, err := src.Acquire(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Release()
	var dumps []tableDump
	for _, name := range tablesInReferenceOrder(t, src) {
		n := rowCount(t, src, name)
		if n == 0 || name == "goose_db_version" {
			continue
		}
		var buf bytes.Buffer
		if _, err := conn.Conn().PgConn().CopyTo(ctx, &buf,
			"COPY "+pgx.Identifier{name}.Sanitize()+" TO STDOUT (FORMAT binary)"); err != nil {
			t.Fatalf("read %s: %v", name, err)
		}
		dumps = append(dumps, tableDump{name: name, rows: n, data: buf.Bytes()})
	}
	return dumps
}

// tablesInReferenceOrder lists the public tables so that each comes after
// every table its foreign keys point to (self-references aside).
func tablesInReferenceOrder(t *testing.T, pool *pgxpool.Pool) []string {
	ctx := context.Background()
	rows, err := pool.Query(ctx, `SELECT c.relname, coalesce(array_agg(DISTINCT p.relname)
			FILTER (WHERE p.relname IS NOT NULL AND p.relname <> c.relname), '{}')
		FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace AND n.nspname = 'public'
		LEFT JOIN pg_constraint k ON k.conrelid = c.oid AND k.contype = 'f'
		LEFT JOIN pg_class p ON p.oid = k.confrelid
		WHERE c.relkind = 'r' GROUP BY c.relname`)
	if err != nil {
		t.Fatal(err)
	}
	parents := map[string][]string{}
	var names []string
	for rows.Next() {
		var name string
		var refs []string
		if err := rows.Scan(&name, &refs); err != nil {
			t.Fatal(err)
		}
		parents[name] = refs
		names = append(names, name)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	sort.Strings(names) // a stable order among independent tables
	var order []string
	seen := map[string]bool{}
	var visit func(string)
	visit = func(name string) {
		if seen[name] {
			return
		}
		seen[name] = true
		for _, p := range parents[name] {
			visit(p)
		}
		order = append(order, name)
	}
	for _, name := range names {
		visit(name)
	}
	return order
}

func rowCount(t *testing.T, pool *pgxpool.Pool, table string) int64 {
	var n int64
	if err := pool.QueryRow(context.Background(), `SELECT count(*) FROM `+pgx.Identifier{table}.Sanitize()).Scan(&n); err != nil {
		t.Fatalf("count %s: %v", table, err)
	}
	return n
}
