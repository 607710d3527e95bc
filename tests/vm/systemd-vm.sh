#!/usr/bin/env bash
# tests/vm/systemd-vm.sh v1|v2: everything the systemd VM runs in one boot
# (scripts/vm-systemd --cgroup v1|v2), as one TAP stream: rt's systemd
# checks (tests/vm/systemd-checks.sh), rt checkpoint/restore with Debian's
# CRIU (tests/vm/criu-checks.sh: CRIU 3.17 runs on this kernel, not on the
# newer ones of many hosts), then containerd and podman driving
# rt through systemd (tests/suites/containerd.sh and podman.sh with
# CGROUP_MANAGER=systemd: `ctr run --runc-systemd-cgroup`, podman
# --cgroup-manager systemd), then the kubelet's path (tests/suites/cri.sh
# with CRI_SYSTEMD_CGROUP=1: containerd's CRI with SystemdCgroup = true).
set -uo pipefail
cd "$(dirname -- "$(readlink -f -- "${BASH_SOURCE[0]}")")/../.." || exit 1
version=${1:?usage: tests/vm/systemd-vm.sh v1|v2}
source tests/suites/lib/tap.sh
export RT_BIN=/opt/rt/bin/rt ROOTFS=/opt/rt/rootfs
tap_include "" sh tests/vm/systemd-checks.sh "$version"
tap_include "criu: " sh tests/vm/criu-checks.sh
export CGROUP_MANAGER=systemd RUNTIME=/opt/rt/bin/rt RT_SOURCE_DIR=$PWD
tap_include "containerd: " tests/suites/containerd.sh
tap_include "podman: " tests/suites/podman.sh
tap_include "cri: " env CRI_SYSTEMD_CGROUP=1 RT_TESTHELPER=/opt/rt/bin/rt-testhelper tests/suites/cri.sh
tap_plan
