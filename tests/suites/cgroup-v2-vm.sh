#!/usr/bin/env bash
# tests/suites/cgroup-v2-vm.sh: rt on a kernel with cgroup v2 only, in a qemu
# VM (this machine, and CI's, may mount cgroup v1). Relays the TAP of
# scripts/vm-test running tests/vm/cgroup-v2-checks.sh; vm-test installs qemu
# and fetches Debian's kernel itself when they are missing (apt: root or sudo).
# Never skipped: a VM that does not boot or does not finish is a failure.
set -uo pipefail
cd "${RT_SOURCE_DIR:-$(dirname -- "$(readlink -f -- "${BASH_SOURCE[0]}")")/../..}" || exit 1

out=$(mktemp)
trap 'rm -f -- "$out"' EXIT
scripts/vm-test --build-dir "${RT_BUILD_DIR:-build}" tests/vm/cgroup-v2-checks.sh | tee "$out"
rc=${PIPESTATUS[0]}
if ((rc != 0)) && ! grep -q -e '^not ok' -e '^Bail out!' "$out"; then
    # vm-test stopped before the VM ran (no kernel, no qemu): its reason is
    # on stderr above.
    echo "Bail out! scripts/vm-test failed (exit status $rc) before running the checks"
fi
exit "$rc"
