#!/bin/sh
# install-dovecot.sh installs Debian's Dovecot IMAP server for the integration
# tests and benchmarks (see testenv/dovecot). It is idempotent and silent when
# dovecot is already installed.
#
# The tests start their own private dovecot (own config, base_dir and port), so
# the system service is never needed: when no policy-rc.d is present, a
# temporary one keeps the package's postinst from starting it, and it is
# removed again afterwards. A system dovecot that is already running is left
# alone; it does not interfere with the private instances.
set -eu

if command -v dovecot >/dev/null 2>&1 || [ -x /usr/sbin/dovecot ]; then
	exit 0
fi

if [ "$(id -u)" -eq 0 ]; then
	SUDO=
elif command -v sudo >/dev/null 2>&1; then
	SUDO=sudo
else
	echo "install-dovecot.sh: dovecot is not installed and this needs root." >&2
	echo "Run as root, or install sudo, or ask an admin to run:" >&2
	echo "  apt-get update && apt-get install -y --no-install-recommends dovecot-imapd" >&2
	exit 1
fi

policy=/usr/sbin/policy-rc.d
own_policy=
log=$(mktemp)
cleanup() {
	rm -f "$log"
	if [ -n "$own_policy" ]; then
		$SUDO rm -f "$policy"
	fi
}
trap cleanup EXIT
trap 'exit 1' INT TERM

if [ ! -e "$policy" ]; then
	# 101 = "action forbidden by policy": invoke-rc.d will not start dovecot.
	own_policy=1
	printf '#!/bin/sh\nexit 101\n' | $SUDO tee "$policy" >/dev/null
	$SUDO chmod 755 "$policy"
fi

echo "install-dovecot.sh: installing dovecot-imapd..." >&2
if ! { $SUDO env DEBIAN_FRONTEND=noninteractive apt-get update -q &&
	$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -q \
		--no-install-recommends dovecot-imapd; } >"$log" 2>&1; then
	cat "$log" >&2
	echo "install-dovecot.sh: apt-get failed" >&2
	exit 1
fi
echo "install-dovecot.sh: $(/usr/sbin/dovecot --version) installed" >&2
