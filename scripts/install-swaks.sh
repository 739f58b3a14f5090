#!/bin/sh
# Installs Debian's swaks (the SMTP test client the demo prints and the demo
# end-to-end test writes in with) when it is missing.
set -eu
command -v swaks >/dev/null 2>&1 && exit 0
echo "install-swaks.sh: installing Debian's swaks" >&2
if [ "$(id -u)" = 0 ]; then SUDO=""; else SUDO="sudo"; fi
log=$(mktemp)
trap 'rm -f "$log"' EXIT
if ! { $SUDO apt-get update -qq &&
	$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends swaks; } >"$log" 2>&1; then
	cat "$log" >&2
	echo "install-swaks.sh: apt-get failed" >&2
	exit 1
fi
