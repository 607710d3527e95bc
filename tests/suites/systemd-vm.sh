#!/usr/bin/env bash
# tests/suites/systemd-vm.sh: rt --systemd-cgroup against a real systemd, in
# the qemu VM of scripts/vm-systemd (Debian bookworm, systemd 252 and dbus as
# PID 1), booted once on cgroup v2 and once on cgroup v1, each boot running
# tests/vm/systemd-vm.sh: rt's systemd checks and cgroup expectations, then
# containerd (through ctr and through the CRI) and podman through rt with
# systemd cgroups. scripts/vm-systemd
# installs its tools and builds (once, cached) its image itself; a VM that
# does not boot or finish is a failure, never a skip. Each boot may take up to
# 1800 s (RT_VM_TIMEOUT) under TCG on a loaded machine, hence the timeout.
# rt-test: timeout 4200
set -uo pipefail
cd "${RT_SOURCE_DIR:-$(dirname -- "$(readlink -f -- "${BASH_SOURCE[0]}")")/../..}" || exit 1
source tests/suites/lib/tap.sh
for version in v2 v1; do
    tap_include "$version: " scripts/vm-systemd --build-dir "${RT_BUILD_DIR:-build}" --cgroup "$version" \
        --timeout "${RT_VM_TIMEOUT:-1800}" \
        tests/vm/systemd-vm.sh "$version"
done
tap_plan
