#!/usr/bin/env bash
# rt-test: needs-root
#
# tests/suites/cgroups.sh: rt's cgroup expectations (tests/cgroups/checks.sh)
# on this machine, with rt's own cgroupfs driver: the same checks run in the
# cgroup v2 VM (suite cgroup-v2-vm) and through systemd in the systemd VM
# (suite systemd-vm). Containers go below a parent cgroup of this run's own,
# removed at the end.
set -uo pipefail
cd "${RT_SOURCE_DIR:-$(dirname -- "$(readlink -f -- "${BASH_SOURCE[0]}")")/../..}" || exit 1
build=${RT_BUILD_DIR:-build}

tmp=$(mktemp -d /tmp/rt-cgroup-checks.XXXXXX)
root=/run/rt-cgroup-checks-$$
# The state root goes too (rmdir: the checks themselves fail on any container
# left in it, and then it stays for a look).
trap 'rm -rf -- "$tmp"; rmdir -- "$root" 2>/dev/null' EXIT
if ! scripts/mkrootfs "$tmp/rootfs" --with-helper "$build/tests/helper/rt-testhelper" > "$tmp/mkrootfs.log" 2>&1; then
    sed 's/^/# /' "$tmp/mkrootfs.log"
    echo "Bail out! scripts/mkrootfs failed"
    exit 1
fi
RT_BIN=$(realpath -- "$build/rt") RT_ROOT=$root ROOTFS=$tmp/rootfs DRIVER=cgroupfs \
    sh tests/cgroups/checks.sh
