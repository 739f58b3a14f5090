#!/bin/sh
# Runs the million-ticket benchmarks (bench/, TestScale...) against the scale
# fixture: a database of its own (SCALE_DB, default inboxdesk_scale) on the
# server of DATABASE_URL, migrated by the product and filled once by
# bench/scale_fixture.sql; later runs reuse it (its scale_fixture row says it
# is built). SCALE_REBUILD=1 drops and rebuilds it. The backlog drain (about
# eight minutes of the run) uses a database and a Dovecot of its own. Writes
# BENCHMARKS-SCALE.md.
set -eu
cd "$(dirname "$0")/.."
: "${DATABASE_URL:=$(scripts/pg.sh)}"
: "${SCALE_DB:=inboxdesk_scale}"
SCALE_URL=$(echo "$DATABASE_URL" | sed -E "s#^(postgres(ql)?://[^/?]*)(/[^?]*)?#\1/$SCALE_DB#")
admin() { psql -X -q -v ON_ERROR_STOP=1 "$DATABASE_URL" "$@"; }
[ "${SCALE_REBUILD:-}" = 1 ] && admin -c "DROP DATABASE IF EXISTS $SCALE_DB WITH (FORCE)"
if [ -z "$(admin -Atc "SELECT 1 FROM pg_database WHERE datname = '$SCALE_DB'")" ]; then
	admin -c "CREATE DATABASE $SCALE_DB"
fi
go build -o bin/inboxdesk ./cmd/inboxdesk
DATABASE_URL="$SCALE_URL" bin/inboxdesk migrate
built() { [ "$(psql -X "$SCALE_URL" -Atc "SELECT count(*) FROM pg_tables WHERE tablename = 'scale_fixture'")" = 1 ] &&
	[ "$(psql -X "$SCALE_URL" -Atc "SELECT count(*) FROM scale_fixture")" = 1 ]; }
if ! built; then
	# A build that stopped half-way leaves its rows: start again from an empty database.
	if [ "$(psql -X "$SCALE_URL" -Atc "SELECT count(*) FROM pg_tables WHERE tablename = 'scale_fixture'")" = 1 ]; then
		admin -c "DROP DATABASE $SCALE_DB WITH (FORCE)" -c "CREATE DATABASE $SCALE_DB"
		DATABASE_URL="$SCALE_URL" bin/inboxdesk migrate
	fi
	echo "bench-scale: building the fixture in $SCALE_DB (once; a few minutes)"
	start=$(date +%s)
	psql -X -q "$SCALE_URL" -f bench/scale_fixture.sql
	psql -X -q "$SCALE_URL" -c "UPDATE scale_fixture SET seconds = $(( $(date +%s) - start ))"
fi
psql -X "$SCALE_URL" -Atc "SELECT 'bench-scale: fixture version ' || version || ', built ' || built_at || ' in ' || seconds || ' s, ' || pg_size_pretty(pg_database_size(current_database())) FROM scale_fixture"
export INBOXDESK_BENCH=1 INBOXDESK_SCALE_URL="$SCALE_URL"
[ -z "${BENCH_RUN:-}" ] && export INBOXDESK_BENCH_WRITE=1
mkdir -p test-output
rc=test-output/bench-scale.rc
{ code=0; go test ./bench -run "${BENCH_RUN:-Scale}" -count=1 -timeout 45m -v 2>&1 || code=$?; echo "$code" >"$rc"; } | tee test-output/bench-scale.log
exit "$(cat "$rc")"
