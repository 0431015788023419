#!/bin/sh
# apt-install.sh NAME PACKAGE...: installs Debian packages the tests need (the ensure-*.sh
# scripts call it once they know something is missing), as root or through sudo. Only Debian's
# packages: nothing is downloaded any other way.
set -eu

name="$1"
shift

if [ "$(id -u)" -eq 0 ]; then
  SUDO=""
elif command -v sudo >/dev/null 2>&1; then
  SUDO="sudo"
else
  echo "$name: missing $* and this user cannot run apt-get" >&2
  exit 1
fi

$SUDO apt-get update
$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y "$@"
