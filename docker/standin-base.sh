#!/bin/sh
# Make a local stand-in for the Dockerfile's base image (python:3.11-slim on Debian bookworm) in
# buildah's image store, for machines that reach package registries but no container registry.
#
#   docker/standin-base.sh IMAGE CACHE_DIR
#
# The stand-in is Debian bookworm (debootstrap, minbase) with Debian's Python 3.11, pip and venv,
# `python` on PATH, no EXTERNALLY-MANAGED marker (the official image has none), and this machine's
# CA bundle and pip certificate setting, so pip inside a build reaches the package index the way
# pip on this machine does. Its root file system is kept as a tar in CACHE_DIR, named by a digest of
# this script and of that CA bundle, and reused while both are unchanged. The image is labelled
# tf1-tutorials.stand-in=<that digest>. Needs root, debootstrap and buildah.
set -eu
image=$1
cache=$2
packages=python3,python3-pip,python3-venv,python-is-python3,ca-certificates

# The Debian mirror this machine's apt uses, and the CA bundle its pip trusts.
mirror=$(sed -n 's/^URIs: *//p' /etc/apt/sources.list.d/debian.sources 2>/dev/null | head -n 1)
[ -n "$mirror" ] || mirror=$(awk '$1 == "deb" { print $2; exit }' /etc/apt/sources.list 2>/dev/null)
[ -n "$mirror" ] || mirror=http://deb.debian.org/debian
ca_bundle=${PIP_CERT:-$(python3 -m pip config get global.cert 2>/dev/null || true)}
[ -n "$ca_bundle" ] || ca_bundle=/etc/ssl/certs/ca-certificates.crt
[ -f "$ca_bundle" ] || { echo "standin-base.sh: no CA bundle at $ca_bundle" >&2; exit 1; }

key=$(cat "$0" "$ca_bundle" | sha256sum | cut -c1-12)
rootfs="$cache/python-3.11-slim-bookworm-standin-$key.tar"

label='{{index .OCIv1.Config.Labels "tf1-tutorials.stand-in"}}'
if [ "$(buildah inspect --type image --format "$label" "$image" 2>/dev/null)" = "$key" ]; then
    exit 0  # already in the store
fi

if [ ! -f "$rootfs" ]; then
    mkdir -p "$cache"
    work=$(mktemp -d "$cache/standin.XXXXXX")
    trap 'rm -rf "$work"' EXIT
    echo "standin-base.sh: debootstrap bookworm from $mirror into $work (a few minutes)"
    if ! debootstrap --variant=minbase --include="$packages" bookworm "$work/root" "$mirror" \
        >"$work/debootstrap.log" 2>&1; then
        tail -n 20 "$work/debootstrap.log" >&2
        echo "standin-base.sh: debootstrap failed (log above)" >&2
        exit 1
    fi
    root=$work/root
    rm -f "$root"/usr/lib/python3.*/EXTERNALLY-MANAGED
    cp "$ca_bundle" "$root/etc/ssl/certs/ca-certificates.crt"
    printf '[global]\ncert = /etc/ssl/certs/ca-certificates.crt\n' >"$root/etc/pip.conf"
    # What the official slim image leaves out too: package caches, lists, documentation.
    rm -rf "$root"/var/cache/apt/archives/*.deb "$root"/var/lib/apt/lists/* \
        "$root"/usr/share/doc/* "$root"/usr/share/man/* "$root"/usr/share/locale/*
    tar -C "$root" --numeric-owner --exclude='./dev/*' --exclude='./proc/*' --exclude='./sys/*' \
        -cf "$work/rootfs.tar" .
    rm -f "$cache"/python-3.11-slim-bookworm-standin-*.tar  # made by an earlier version
    mv "$work/rootfs.tar" "$rootfs"
    rm -rf "$work"
    trap - EXIT
fi

previous=$(buildah images --quiet "$image" 2>/dev/null || true)
container=$(buildah from --quiet scratch)
trap 'buildah rm "$container" >/dev/null 2>&1 || true' EXIT
tar -C "$(buildah mount "$container")" --numeric-owner -xf "$rootfs"
buildah umount "$container" >/dev/null
buildah config --env LANG=C.UTF-8 --cmd python3 --label "tf1-tutorials.stand-in=$key" \
    "$container"
buildah commit --quiet --rm "$container" "$image" >/dev/null
trap - EXIT
# The stand-in this one replaces, unless images built on it still use it.
[ -z "$previous" ] || buildah rmi "$previous" >/dev/null 2>&1 || true
