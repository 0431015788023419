#!/bin/sh
# Makes sure Debian's SpamAssassin is installed for the spam score check in test/mail/mime.test.ts,
# which scores every email kind in English and Japanese with the shipped rules (local tests only,
# no network, no Bayes) and fails above 0.5. Without it that check is skipped, so CI installs it.
# Idempotent: does nothing when it is there. Only Debian's package, never rules from elsewhere.
set -eu

installed() {
  [ "$(dpkg-query -W -f '${Status}' "$1" 2>/dev/null)" = "install ok installed" ]
}

if [ -x /usr/bin/spamassassin ] && installed spamassassin; then
  exit 0
fi

sh "$(dirname "$0")/apt-install.sh" ensure-spamassassin spamassassin

if [ ! -x /usr/bin/spamassassin ]; then
  echo "ensure-spamassassin: apt-get finished but /usr/bin/spamassassin is still missing" >&2
  exit 1
fi
