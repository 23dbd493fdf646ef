#!/usr/bin/env bash
# Make sure a Docker engine answers. When none does and we are root with apt,
# install Debian's docker.io and start dockerd in the background.
# Idempotent and quiet when the engine already answers.
set -euo pipefail

engine_answers() { docker info >/dev/null 2>&1; }

engine_answers && exit 0

if [[ $(id -u) -ne 0 ]] || ! command -v apt-get >/dev/null 2>&1; then
  echo "phicode: no Docker engine answers and this machine cannot install one (needs root and apt)." >&2
  echo "phicode: start Docker (e.g. 'sudo systemctl start docker') and run this again." >&2
  exit 1
fi

if ! command -v dockerd >/dev/null 2>&1; then
  echo "phicode: installing Debian's docker.io ..." >&2
  apt-get update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq docker.io >/dev/null
fi

if ! pgrep -x dockerd >/dev/null 2>&1; then
  echo "phicode: starting dockerd in the background (log: /var/log/phicode-dockerd.log) ..." >&2
  nohup dockerd >/var/log/phicode-dockerd.log 2>&1 &
fi

for _ in $(seq 1 60); do
  engine_answers && exit 0
  sleep 1
done
echo "phicode: dockerd did not answer within 60 s; see /var/log/phicode-dockerd.log" >&2
exit 1
