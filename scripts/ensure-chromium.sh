#!/usr/bin/env bash
# Make sure a Chromium is installed for the report's browser tests (Playwright drives
# Debian's chromium; it cannot download its own browsers here). When none is found and
# we are root with apt, install Debian's package. Idempotent and quiet when present.
set -euo pipefail

found() { command -v chromium >/dev/null 2>&1 || command -v chromium-browser >/dev/null 2>&1; }

found && exit 0

if [[ $(id -u) -ne 0 ]] || ! command -v apt-get >/dev/null 2>&1; then
  echo "phicode: no chromium found and this machine cannot install one (needs root and apt);" >&2
  echo "phicode: the report's browser tests will skip (install chromium, or set PHICODE_CHROMIUM)." >&2
  exit 0
fi

echo "phicode: installing Debian's chromium (for the report's browser tests) ..." >&2
apt-get update -qq >/dev/null
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
