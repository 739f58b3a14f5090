#!/bin/sh
# Runs the benchmarks (bench/) against real PostgreSQL and Dovecot, prints the
# table and writes it to BENCHMARKS.md. DATABASE_URL comes from scripts/pg.sh
# when not set; BENCH_RUN picks figures by test name (say, BENCH_RUN=Ingest).
set -eu
cd "$(dirname "$0")/.."
: "${DATABASE_URL:=$(scripts/pg.sh)}"
export DATABASE_URL INBOXDESK_BENCH=1 INBOXDESK_REQUIRE_DOVECOT=1
# Only a run of every figure rewrites BENCHMARKS.md.
[ -z "${BENCH_RUN:-}" ] && export INBOXDESK_BENCH_WRITE=1
mkdir -p test-output
start=$(date +%s)
rc=test-output/bench.rc
{ code=0; go test ./bench -run "${BENCH_RUN:-.}" -count=1 -timeout 15m -v 2>&1 || code=$?; echo "$code" >"$rc"; } | tee test-output/bench.log
echo "bench: $(( $(date +%s) - start ))s in total; log in test-output/bench.log"
exit "$(cat "$rc")"
