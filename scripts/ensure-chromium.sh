#!/bin/sh
# Makes sure Debian's Chromium and a Japanese font are installed for the browser tests (test/e2e):
# without fonts-noto-cjk, Japanese pages render as boxes and their screenshots show nothing.
# Idempotent: does nothing when both are there. Never downloads a browser any other way.
set -eu

PACKAGES="chromium fonts-noto-cjk"

installed() {
  [ "$(dpkg-query -W -f '${Status}' "$1" 2>/dev/null)" = "install ok installed" ]
}

missing=""
[ -x /usr/bin/chromium ] || missing="chromium"
installed fonts-noto-cjk || missing="$missing fonts-noto-cjk"
if [ -z "$missing" ]; then
  exit 0
fi

# shellcheck disable=SC2086 # one word per package
sh "$(dirname "$0")/apt-install.sh" ensure-chromium $PACKAGES

if [ ! -x /usr/bin/chromium ] || ! installed fonts-noto-cjk; then
  echo "ensure-chromium: apt-get finished but chromium or fonts-noto-cjk is still missing" >&2
  exit 1
fi
