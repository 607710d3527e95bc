#!/bin/sh
# tests/vm/cgroup-v2-checks.sh: rt on a host with cgroup v2 only.
#
# The lifecycle on a v2-only kernel, the container's view of its cgroup
# (a read-only cgroup2 mount, rooted at its cgroup with a cgroup namespace),
# and then rt's cgroup expectations (tests/cgroups/checks.sh, the same
# checks as on the cgroup v1 host and through systemd) with rt's cgroupfs
# driver on cgroup v2: limits in their files and biting inside (an OOM kill
# that `rt events` reports, pids.max, cpu.max, cpuset, hugetlb), the BPF
# device filter, pause/resume through cgroup.freeze, update, ps, kill --all,
# events, refusals, and no cgroup left.
#
# Runs as root (PID 1's child) inside the VM of scripts/vm-test, under busybox
# sh: rt and busybox on PATH, cgroup2 at /sys/fs/cgroup and no v1 hierarchy,
# tmpfs on /run and /tmp, a busybox rootfs at /bundle/rootfs (with
# /bin/rt-testhelper) and tests/cgroups at /cgroups. Prints TAP.
#
# To add a check: see tests/cgroups/checks.sh (a function and a `t` line);
# those here are for this VM only.
#
# Outside the VM (to see a check fail on a v1 or hybrid host, say), as root:
#   RT_BIN=build/rt RT_ROOT=/run/rt-vmcheck ROOTFS=DIR tests/vm/cgroup-v2-checks.sh
# with DIR made by scripts/mkrootfs --with-helper.

# Commands for inside containers are written in single quotes on purpose.
# shellcheck disable=SC2016

CHECKS_DIR=${CHECKS_DIR:-$(dirname -- "$0")/../cgroups}
. "$CHECKS_DIR/lib.sh"
. "$CHECKS_DIR/checks.sh"

# vm-test: initramfs stage
# scripts/vm-test runs this script first with the initial ramfs as "/"
# (VM_STAGE=initramfs, the marker above), where pivot_root cannot work: rt
# must fall back to MS_MOVE + chroot by itself. What it printed is checked
# in stage 2 (check_initramfs_*), from /initramfs.out.
if [ "${VM_STAGE:-}" = initramfs ]; then
    ID=from-initramfs
    NAMESPACES='{"type": "pid"}, {"type": "mount"}, {"type": "ipc"}, {"type": "uts"}'
    # The container's view: its own root, nothing of the initramfs's.
    config "$(sh_args 'echo ran from the initramfs; ls /test.sh /init /initramfs.out 2>&1; ls /bin/rt-testhelper')"
    out=$(rt --debug run --bundle "$BUNDLE" "$ID" 2>&1 < /dev/null)
    echo "run exit status $?"
    echo "$out"
    out=$(rt run --no-pivot --bundle "$BUNDLE" "$ID-no-pivot" 2>&1 < /dev/null)
    echo "no-pivot exit status $?"
    echo "$out"
    # Ways out to a decoy at the initramfs's root: "/..", the roots of PID 1
    # and of the process itself, and (with CAP_SYS_CHROOT) the classic
    # chroot-into-a-subdirectory-and-climb escape; with and without --no-pivot.
    echo "the initramfs" > /initramfs-decoy
    CAPS='["CAP_SYS_CHROOT"]' config "$(sh_args 'for p in /../initramfs-decoy /../../initramfs-decoy /proc/1/root/initramfs-decoy /proc/1/root/../initramfs-decoy /proc/self/root/../initramfs-decoy; do [ -e $p ] && echo escape: reached $p; done; rt-testhelper chroot-escape /tmp/jail /initramfs-decoy')"
    for flag in --debug --no-pivot; do
        out=$(rt run $flag --bundle "$BUNDLE" "$ID-escape" 2>&1 < /dev/null)
        echo "escape $flag exit status $?"
        echo "$out" | sed 's/^/escape: /'
    done
    rm -f /initramfs-decoy
    exit 0
fi
CGROUP_NS='{"type": "cgroup"}'
CGROUP_MOUNT_JSON='{"destination": "/sys/fs/cgroup", "type": "cgroup", "source": "cgroup",
         "options": ["nosuid", "noexec", "nodev", "relatime", "ro"]}'

# A command for inside containers: prints "FSTYPE OPTIONS" of the mount at
# /sys/fs/cgroup.
CGROUP_MOUNT='awk '"'"'$5 == "/sys/fs/cgroup" { for (i = 7; $i != "-"; i++) ; print $(i + 1), $6 }'"'"' /proc/self/mountinfo'

# --- the checks ---------------------------------------------------------------

check_host_is_v2_only() {
    grep -q ' /sys/fs/cgroup cgroup2 ' /proc/mounts || fail "no cgroup2 at /sys/fs/cgroup: $(cat /proc/mounts)"
    ! grep -q ' cgroup ' /proc/mounts || fail "a v1 hierarchy is mounted: $(grep ' cgroup ' /proc/mounts)"
    mkdir "$SCRATCH/v1"
    if mount -t cgroup -o pids none "$SCRATCH/v1" 2>/dev/null; then
        umount "$SCRATCH/v1"
        fail "a v1 pids hierarchy could be mounted: cgroup_no_v1=all did not apply"
    fi
    [ -n "$(cat /sys/fs/cgroup/cgroup.controllers)" ] || fail "no controllers in /sys/fs/cgroup/cgroup.controllers"
}

check_run() {
    config "$(sh_args 'echo hello from $(hostname)')"
    out=$(rt run --bundle "$BUNDLE" "$ID" < /dev/null) || fail "rt run: exit $?: $out"
    [ "$out" = "hello from checks" ] || fail "rt run printed: $out"
}

check_exit_status() {
    config "$(sh_args 'exit 7')"
    rt run --bundle "$BUNDLE" "$ID" < /dev/null
    status=$?
    [ "$status" -eq 7 ] || fail "rt run exited $status, not the container's 7"
}

check_pid1() {
    config "$(sh_args 'echo $$')"
    out=$(rt run --bundle "$BUNDLE" "$ID" < /dev/null) || fail "rt run: exit $?: $out"
    [ "$out" = 1 ] || fail "the process has PID $out"
}

# The container's /sys/fs/cgroup: a read-only cgroup2, and only cgroup2.
check_cgroup_mount() {
    MOUNTS=$CGROUP_MOUNT_JSON config "$(sh_args "$CGROUP_MOUNT; grep -c ' - cgroup ' /proc/self/mountinfo; cat /proc/self/cgroup")"
    out=$(rt run --bundle "$BUNDLE" "$ID" < /dev/null) || fail "rt run: exit $?: $out"
    echo "$out"
    # shellcheck disable=SC2086 # one word per field
    set -- $out
    [ "$1" = cgroup2 ] || fail "/sys/fs/cgroup inside is $1, not cgroup2"
    case ",$2," in *,ro,*) ;; *) fail "/sys/fs/cgroup inside is not read-only: $2" ;; esac
    [ "$3" = 0 ] || fail "$3 v1 hierarchies are mounted inside"
    case $4 in 0::/*) ;; *) fail "/proc/self/cgroup inside is not one v2 line: $4" ;; esac
    [ $# -eq 4 ] || fail "/proc/self/cgroup inside has more than one line"
}

# With a cgroup namespace: a fresh cgroup2 mount rooted at the container's
# cgroup, which the container sees as /.
check_cgroup_mount_with_cgroupns() {
    NAMESPACES="$NAMESPACES, $CGROUP_NS"
    MOUNTS=$CGROUP_MOUNT_JSON config "$(sh_args "$CGROUP_MOUNT; cat /proc/self/cgroup; cat /sys/fs/cgroup/cgroup.controllers")"
    out=$(rt run --bundle "$BUNDLE" "$ID" < /dev/null) || fail "rt run: exit $?: $out"
    echo "$out"
    # shellcheck disable=SC2086 # one word per field
    set -- $out
    [ "$1" = cgroup2 ] || fail "/sys/fs/cgroup inside is $1, not cgroup2"
    case ",$2," in *,ro,*) ;; *) fail "/sys/fs/cgroup inside is not read-only: $2" ;; esac
    [ "$3" = 0::/ ] || fail "/proc/self/cgroup inside is $3, not 0::/"
}

check_lifecycle() {
    config "$(sh_args 'exec sleep 1000')"
    rt create --bundle "$BUNDLE" "$ID" < /dev/null > /dev/null 2> "$SCRATCH/create.err" ||
        fail "rt create: exit $?: $(cat "$SCRATCH/create.err")"
    [ "$(status_of "$ID")" = created ] || fail "after create: $(rt state "$ID")"
    pid=$(pid_of "$ID")
    if [ -z "$pid" ] || ! alive "$pid"; then fail "no process for pid '$pid' after create"; fi
    rt start "$ID" || fail "rt start: exit $?"
    [ "$(status_of "$ID")" = running ] || fail "after start: $(rt state "$ID")"
    [ "$(cat "/proc/$pid/comm")" = sleep ] || fail "pid $pid runs $(cat "/proc/$pid/comm"), not sleep"
    rt kill "$ID" KILL || fail "rt kill: exit $?"
    wait_status "$ID" stopped || fail "not stopped 30 s after kill: $(rt state "$ID")"
    rt delete "$ID" || fail "rt delete: exit $?"
    ! rt state "$ID" > /dev/null 2>&1 || fail "rt state still knows $ID after delete"
    [ ! -e "$RT_ROOT/$ID" ] || fail "$RT_ROOT/$ID is left after delete"
    ! alive "$pid" || fail "pid $pid is left after delete"
}

check_delete_force() {
    config "$(sh_args 'exec sleep 1000')"
    create_started "$ID"
    pid=$(pid_of "$ID")
    rt delete --force "$ID" || fail "rt delete --force: exit $?"
    [ ! -e "$RT_ROOT/$ID" ] || fail "$RT_ROOT/$ID is left after delete --force"
    ! alive "$pid" || fail "pid $pid is left after delete --force"
}

check_nothing_left() {
    left=$(ls -A "$RT_ROOT" 2>/dev/null)
    [ -z "$left" ] || fail "left in $RT_ROOT: $left"
    mounts=$(grep -e "$BUNDLE" -e "$RT_ROOT" /proc/self/mountinfo)
    [ -z "$mounts" ] || fail "mounts left: $mounts"
    # Every container here has a PID namespace of its own.
    own=$(readlink /proc/self/ns/pid)
    for p in /proc/[0-9]*; do
        ns=$(readlink "$p/ns/pid" 2>/dev/null) || continue
        [ "$ns" = "$own" ] || ! alive "${p#/proc/}" || fail "a container process is left: ${p#/proc/} ($(tr '\0' ' ' < "$p/cmdline"))"
    done
}

# exec --cgroup PATH: on v2 a sub-cgroup of the container's one cgroup (which
# must exist); a controller prefix is for v1 and says so.
check_exec_sub_cgroup() {
    config "$(sh_args 'exec sleep 1000')" "$(limits '{}')"
    create_started "$ID"
    mkdir "$(cg "$ID")/sub" || fail "mkdir $(cg "$ID")/sub"
    got=$(rt exec --cgroup sub "$ID" cat /proc/self/cgroup) || fail "rt exec --cgroup sub: exit $?"
    [ "$got" = "0::$(cgroup_of "$ID")/sub" ] || fail "the exec'd process is in $got"
    out=$(rt exec --cgroup pids:sub "$ID" true 2>&1)
    [ $? -eq 255 ] || fail "exec --cgroup pids:sub: not exit 255: $out"
    case $out in *"(on cgroup v2, give the path alone)"*) ;; *) fail "exec --cgroup pids:sub: $out" ;; esac
    rt delete --force "$ID" || fail "rt delete --force: exit $?"
    gone "$ID"
}

# rt spec, as runc spec, adds a cgroup namespace where cgroup v2 is all
# there is.
# rt run straight from the initramfs (see VM_STAGE above).
check_initramfs_run_falls_back_to_chroot() {
    out=$(cat /initramfs.out) || fail "no /initramfs.out: the initramfs stage did not run"
    echo "$out" | grep -qx 'run exit status 0' || fail "rt run from the initramfs failed: $out"
    echo "$out" | grep -qx 'ran from the initramfs' || fail "the container did not run: $out"
    echo "$out" | grep -q 'pivot_root is refused on the initial ramfs.*chroot instead' ||
        fail "no debug line about the fallback: $out"
    echo "$out" | grep -qx '/bin/rt-testhelper' || fail "the container's root is not its rootfs: $out"
    for f in /test.sh /init /initramfs.out; do
        echo "$out" | grep -q "ls: $f: No such file or directory" || fail "the container sees the initramfs's $f: $out"
    done
}

# Nothing of the initramfs is reachable from a container with CAP_SYS_CHROOT
# (rt-testhelper chroot-escape), with the automatic fallback or --no-pivot.
check_initramfs_not_reachable() {
    out=$(grep '^escape' /initramfs.out) || fail "no escape checks ran: $(cat /initramfs.out)"
    echo "$out"
    for flag in --debug --no-pivot; do
        echo "$out" | grep -qx "escape $flag exit status 0" || fail "rt run $flag failed"
    done
    [ "$(echo "$out" | grep -cx 'escape: not-reached /initramfs-decoy')" = 2 ] || fail "the chroot escape did not run twice to its end"
    ! echo "$out" | grep -q -e 'escape: reached' -e 'escape: escape: reached' || fail "the container reached the initramfs's decoy"
}

check_initramfs_no_pivot_still_works() {
    grep -qx 'no-pivot exit status 0' /initramfs.out || fail "rt --no-pivot run from the initramfs failed: $(cat /initramfs.out)"
    [ "$(grep -c 'ran from the initramfs' /initramfs.out)" = 2 ] || fail "$(cat /initramfs.out)"
}

check_spec_cgroup_namespace() {
    mkdir "$SCRATCH/spec" && rt spec -b "$SCRATCH/spec" || fail "rt spec: exit $?"
    grep -q '"type": "cgroup"' "$SCRATCH/spec/config.json" || fail "no cgroup namespace: $(cat "$SCRATCH/spec/config.json")"
}

# --- The checks ----------------------------------------------------------------
t "the VM mounts cgroup v2 only" check_host_is_v2_only
t "rt run runs a container and relays its output" check_run
t "rt run exits with the container's exit status" check_exit_status
t "the container's process is PID 1 in its PID namespace" check_pid1
t "a cgroup mount is a read-only cgroup2, the only cgroup hierarchy inside" check_cgroup_mount
t "with a cgroup namespace, the cgroup2 mount is rooted at the container's cgroup" check_cgroup_mount_with_cgroupns
t "rt create, state, start, kill, delete" check_lifecycle
t "rt delete --force removes a running container" check_delete_force
t "rt run straight from the initramfs falls back to MS_MOVE + chroot" check_initramfs_run_falls_back_to_chroot
t "rt --no-pivot run from the initramfs still works" check_initramfs_no_pivot_still_works
t "a container started from the initramfs cannot reach its files, not even out of a chroot" check_initramfs_not_reachable
run_cgroup_checks
t "rt exec --cgroup runs the process in a sub-cgroup of the container's" check_exec_sub_cgroup
t "rt spec has a cgroup namespace on a cgroup2-only host, as runc spec" check_spec_cgroup_namespace
t "nothing is left: no state, mount or process" check_nothing_left

finish
