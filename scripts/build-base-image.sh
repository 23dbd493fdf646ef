#!/usr/bin/env bash
# Build a local Debian base image with python3 and Node.js when no container registry is
# reachable: debootstrap a minimal bookworm root and `docker import` it.
# The mirror is read from this machine's apt sources, never hard-coded.
# Usage: build-base-image.sh [IMAGE_NAME]   (default phicode-base:bookworm-node)
set -euo pipefail
image=${1:-phicode-base:bookworm-node}

docker image inspect "$image" >/dev/null 2>&1 && exit 0

mirror=$(grep -rhoE '(URIs:|^deb)[[:space:]]+[^[:space:]]+' /etc/apt/sources.list /etc/apt/sources.list.d/ 2>/dev/null \
  | awk '{print $NF}' | grep -E '/debian/?$' | head -n 1 || true)
if [[ -z $mirror ]]; then
  echo "phicode: no Debian mirror found in /etc/apt/sources.list*; cannot debootstrap a base image" >&2
  exit 1
fi

command -v debootstrap >/dev/null 2>&1 || {
  apt-get update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq debootstrap >/dev/null
}

rootfs=$(mktemp -d /tmp/phicode-rootfs.XXXXXX)
trap 'rm -rf "$rootfs"' EXIT
echo "phicode: debootstrapping a Debian base image ($image) from $mirror (about a minute) ..." >&2
debootstrap --variant=minbase --include=python3,nodejs bookworm "$rootfs" "$mirror" >/tmp/phicode-debootstrap.log 2>&1 || {
  echo "phicode: debootstrap failed; see /tmp/phicode-debootstrap.log" >&2
  exit 1
}
rm -rf "$rootfs"/var/cache/apt/archives/*.deb "$rootfs"/var/lib/apt/lists/*
tar -C "$rootfs" -c . | docker import - "$image" >/dev/null
