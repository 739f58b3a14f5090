#!/bin/sh
# Installs Debian's chromium for the browser tests when it is missing.
set -eu
command -v chromium >/dev/null 2>&1 && exit 0
echo "install-chromium.sh: installing Debian's chromium" >&2
if [ "$(id -u)" = 0 ]; then SUDO=""; else SUDO="sudo"; fi
$SUDO apt-get update -qq >/dev/null 2>&1
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends chromium fonts-dejavu-core >/dev/null 2>&1
