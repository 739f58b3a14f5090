#!/bin/sh
# Finds a PostgreSQL server for inboxdesk, starting one if needed, and prints
# its URL. Order: $DATABASE_URL if it answers; a server on 127.0.0.1:5432;
# the machine's cluster started with pg_ctlcluster; a private server under
# .data/pg (installing Debian's postgresql when missing).
set -eu
cd "$(dirname "$0")/.."
log() { echo "pg.sh: $*" >&2; }

answers() { pg_isready -q -d "$1" 2>/dev/null; }

ensure_client() {
	command -v pg_isready >/dev/null 2>&1 && return 0
	log "installing PostgreSQL (Debian package postgresql)"
	if [ "$(id -u)" = 0 ]; then SUDO=""; else SUDO="sudo"; fi
	$SUDO apt-get update -qq >/dev/null 2>&1 && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq postgresql >/dev/null 2>&1
}

ensure_client
if [ -n "${DATABASE_URL:-}" ] && answers "$DATABASE_URL"; then echo "$DATABASE_URL"; exit 0; fi
SYSTEM="postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable"
if answers "$SYSTEM"; then echo "$SYSTEM"; exit 0; fi
if command -v pg_ctlcluster >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
	for v in $(ls /etc/postgresql 2>/dev/null); do
		pg_ctlcluster --skip-systemctl-redirect "$v" main start >&2 2>/dev/null || true
	done
	for i in 1 2 3 4 5 6 7 8 9 10; do answers "$SYSTEM" && { echo "$SYSTEM"; exit 0; }; sleep 0.5; done
fi

# A private server under .data/pg on port 54329, owned by the postgres user when run as root.
BIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
DATA="$PWD/.data/pg"
PORT=54329
PRIVATE="postgres://postgres@127.0.0.1:$PORT/postgres?sslmode=disable"
if answers "$PRIVATE"; then echo "$PRIVATE"; exit 0; fi
run() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
mkdir -p "$DATA"
[ "$(id -u)" = 0 ] && chown postgres "$DATA"
if [ ! -f "$DATA/PG_VERSION" ]; then
	log "creating a private PostgreSQL under .data/pg"
	run "$BIN/initdb" -D "$DATA" -U postgres -A trust >&2
fi
log "starting the private PostgreSQL on port $PORT"
run "$BIN/pg_ctl" -D "$DATA" -l "$DATA/server.log" -o "-p $PORT -k /tmp -c listen_addresses=127.0.0.1" -w start >&2
echo "$PRIVATE"
