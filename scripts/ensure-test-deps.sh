#!/usr/bin/env bash
# System packages the tests talk to for real: Dovecot (IMAP + LMTP) for the email channel, and
# Chromium for the console's end-to-end tests.
# Installed from the distribution's packages only when missing, so a second run costs nothing.
# Without root or apt-get it says what to install and the tests that need it fail with that reason.
set -uo pipefail
missing=()
[ -x /usr/sbin/dovecot ] || missing+=(dovecot-imapd dovecot-lmtpd)
[ -x /usr/bin/chromium ] || missing+=(chromium)
[ ${#missing[@]} -eq 0 ] && exit 0
if ! command -v apt-get >/dev/null 2>&1; then
  echo "Please install: ${missing[*]} (the email tests need a real IMAP server, the console tests a browser)." >&2
  exit 0
fi
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo -n"
echo "Installing ${missing[*]} (apt-get)..."
# Debian starts services it installs; ours run privately on loopback, so keep the system's off.
if ! DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/tmp/centralita-apt.log 2>&1; then
  $SUDO apt-get update -qq >/dev/null 2>&1 || true
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/tmp/centralita-apt.log 2>&1 ||
    { echo "Could not install ${missing[*]}; see /tmp/centralita-apt.log" >&2; exit 0; }
fi
