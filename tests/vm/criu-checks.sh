#!/bin/sh
# tests/vm/criu-checks.sh: rt checkpoint and rt restore with Debian's CRIU on
# Debian's kernel, in the VM of scripts/vm-systemd (CRIU 3.17 cannot run on
# newer kernels: "Failed to fill self vdso symtable"). Run by
# tests/vm/systemd-vm.sh in each boot (cgroup v2 and v1).
#
# A counter (a shell loop appending 1, 2, 3, ... to a file on a bind mount
# from the host) is checkpointed, restored, and must go on counting from
# where it was; --leave-running keeps it running; a restored container is
# running in `rt state` and `rt list`, takes `rt exec`, `rt kill` and `rt
# delete`, and leaves no state dir, cgroup, mount or process. The errors that
# need no CRIU are tested on any host (tests/integration/test_checkpoint.cpp).
#
# Runs as root; RT_BIN, ROOTFS: see tests/cgroups/lib.sh. Prints TAP.

# shellcheck disable=SC2016

CHECKS_DIR=${CHECKS_DIR:-$(dirname -- "$0")/../cgroups}
RT_BIN=${RT_BIN:-/opt/rt/bin/rt}
ROOTFS=${ROOTFS:-/opt/rt/rootfs}
RT_ROOT=${RT_ROOT:-/run/rt-criu-checks}
DRIVER=cgroupfs
. "$CHECKS_DIR/lib.sh"
TIMEOUT=300   # a dump or restore under emulation on a busy machine is slow

# counter_config: the counter, its count in $OUT/count (one number a line:
# line k says k), its stdio the container's own /dev/null (CRIU cannot dump
# an fd of a file outside the container's mounts: rt's stdio here).
counter_config() {
    OUT=$SCRATCH/out-$ID
    mkdir -p "$OUT"
    MOUNTS="{\"destination\": \"/out\", \"type\": \"bind\", \"source\": \"$OUT\", \"options\": [\"rbind\", \"rw\"]}"
    config "$(sh_args 'exec </dev/null >/dev/null 2>&1; i=0; while :; do i=$((i + 1)); echo $i >> /out/count; sleep 0.1; done')" \
        "$(limits '{"pids": {"limit": 100}}')"
}

# count: the last number the counter wrote (0 before the first).
count() { tail -n 1 "$OUT/count" 2>/dev/null | grep -x '[0-9][0-9]*' || echo 0; }

# counted_past N: waits until the counter has written a number above N.
counted_past() { eventually "[ \$(count) -gt $1 ]"; }

# contiguous: every line k of the count says k (a counter that started
# again from 1, or skipped, breaks it).
contiguous() {
    awk 'NR != $1 { print "line " NR " says " $1; bad = 1; exit } END { exit bad }' "$OUT/count" ||
        fail "the count is not 1, 2, 3, ...: $(tr '\n' ' ' < "$OUT/count" | tail -c 400)"
}

# nothing_left ID: no state dir, no cgroup, no criu-root mount.
nothing_left() {
    [ ! -e "$RT_ROOT/$1" ] || fail "state dir $RT_ROOT/$1 left: $(ls -la "$RT_ROOT/$1")"
    gone "$1"
    ! grep -q criu-root /proc/self/mountinfo || fail "a criu-root mount is left: $(grep criu-root /proc/self/mountinfo)"
}

# checkpoint ID ARGS... / restore ID ARGS...: with CRIU's log shown on
# failure; the images in $SCRATCH/images-ID ($SCRATCH/pre-ID for a first
# argument --pre-dump).
checkpoint() {
    id=$1
    shift
    images=$SCRATCH/images-$id
    [ "${1:-}" != --pre-dump ] || images=$SCRATCH/pre-$id
    rt checkpoint --image-path "$images" "$@" "$id" > "$SCRATCH/checkpoint.err" 2>&1 || {
        cat "$SCRATCH/checkpoint.err"
        grep -E 'Error|Warn' "$images/dump.log" 2>/dev/null | tail -n 20
        fail "rt checkpoint $id: failed"
    }
}
restore() {
    id=$1
    shift
    rt restore --detach --bundle "$BUNDLE" --image-path "$SCRATCH/images-$id" "$@" "$id" \
            < /dev/null > "$SCRATCH/restore.err" 2>&1 || {
        cat "$SCRATCH/restore.err"
        grep -E 'Error|Warn' "$SCRATCH/images-$id/restore.log" 2>/dev/null | tail -n 20
        fail "rt restore $id: failed"
    }
}

check_criu_works() {
    criu --version || fail "no criu in the VM image"
    criu check || fail "criu check failed on $(uname -r)"
}

# Checkpointed, the container is gone (as runc: no --leave-running); restored
# under the same ID, the counter goes on from where it stopped.
check_counter_continues() {
    counter_config
    create_started "$ID"
    pid=$(pid_of "$ID")
    counted_past 3 || fail "the counter does not count: $(count)"
    checkpoint "$ID"
    stopped_at=$(count)
    echo "checkpointed at $stopped_at"
    [ -f "$SCRATCH/images-$ID/inventory.img" ] || fail "no inventory.img in the image dir: $(ls "$SCRATCH/images-$ID")"
    ! alive "$pid" || fail "the init $pid still runs after the checkpoint"
    nothing_left "$ID"
    sleep 1
    [ "$(count)" = "$stopped_at" ] || fail "the count moved with the container gone: $(count)"
    restore "$ID"
    [ "$(status_of "$ID")" = running ] || fail "after restore: $(rt state "$ID")"
    counted_past $((stopped_at + 3)) || fail "the restored counter does not count: $(count), was $stopped_at"
    contiguous
    rt kill "$ID" KILL || fail "rt kill: exit $?"
    wait_status "$ID" stopped || fail "not stopped after kill: $(rt state "$ID")"
    rt delete "$ID" || fail "rt delete: exit $?"
    nothing_left "$ID"
}

# --leave-running: the image is written, the same init goes on counting.
check_leave_running() {
    counter_config
    create_started "$ID"
    pid=$(pid_of "$ID")
    counted_past 3 || fail "the counter does not count: $(count)"
    checkpoint "$ID" --leave-running
    [ -f "$SCRATCH/images-$ID/inventory.img" ] || fail "no inventory.img in the image dir: $(ls "$SCRATCH/images-$ID")"
    [ "$(status_of "$ID")" = running ] || fail "after checkpoint --leave-running: $(rt state "$ID")"
    [ "$(pid_of "$ID")" = "$pid" ] || fail "the init is $(pid_of "$ID"), was $pid"
    at=$(count)
    counted_past $((at + 3)) || fail "the counter stopped at $(count)"
    contiguous
    rt delete --force "$ID" || fail "rt delete --force: exit $?"
    nothing_left "$ID"
}

# --pre-dump leaves the container running with its memory saved; the
# checkpoint after it (--parent-path, relative to its image dir) saves what
# changed since, and restores as any other.
check_pre_dump_then_checkpoint() {
    counter_config
    create_started "$ID"
    pid=$(pid_of "$ID")
    counted_past 2 || fail "the counter does not count: $(count)"
    checkpoint "$ID" --pre-dump
    [ "$(status_of "$ID")" = running ] || fail "after --pre-dump: $(rt state "$ID")"
    at=$(count)
    counted_past $((at + 2)) || fail "the counter stopped at $(count) after --pre-dump"
    checkpoint "$ID" --parent-path "../pre-$ID"
    [ -L "$SCRATCH/images-$ID/parent" ] || fail "no parent link in the images: $(ls -l "$SCRATCH/images-$ID")"
    stopped_at=$(count)
    restore "$ID"
    counted_past $((stopped_at + 2)) || fail "the restored counter does not count: $(count), was $stopped_at"
    contiguous
    rt delete --force "$ID" || fail "rt delete --force: exit $?"
    nothing_left "$ID"
}

# A restored container is a container like any other: running in state and
# list, in its cgroup (the limit there), exec'd into (the exec sees the
# restored PID 1), killed, deleted, nothing left.
check_restored_lifecycle() {
    counter_config
    create_started "$ID"
    counted_past 2 || fail "the counter does not count: $(count)"
    checkpoint "$ID"
    restore "$ID" --pid-file "$SCRATCH/restored.pid"
    pid=$(pid_of "$ID")
    [ "$(cat "$SCRATCH/restored.pid")" = "$pid" ] || fail "--pid-file says $(cat "$SCRATCH/restored.pid"), state says $pid"
    alive "$pid" || fail "the restored init $pid is not alive"
    rt list | grep -q "^$ID  *$pid  *running " || fail "rt list: $(rt list)"
    grep -qx "[0-9]*:pids:$(cgroup_of "$ID")\|0::$(cgroup_of "$ID")" "/proc/$pid/cgroup" ||
        fail "the restored init is not in $(cgroup_of "$ID"): $(cat "/proc/$pid/cgroup")"
    [ "$(value "$(cg "$ID" pids)/pids.max")" = 100 ] || fail "pids.max: $(value "$(cg "$ID" pids)/pids.max")"
    out=$(rt exec "$ID" sh -c 'echo exec:$(cat /proc/1/cmdline | tr "\0" " ")' 2>&1) || fail "rt exec: $out"
    case $out in exec:*"while :"*) ;; *) fail "rt exec said: $out" ;; esac
    rt kill "$ID" KILL || fail "rt kill: exit $?"
    wait_status "$ID" stopped || fail "not stopped after kill: $(rt state "$ID")"
    ! alive "$pid" || fail "the init $pid still runs"
    rt delete "$ID" || fail "rt delete: exit $?"
    nothing_left "$ID"
    rt list -q | grep -qx "$ID" && fail "rt list still shows $ID"
    return 0
}

# The init's stdout and stderr are pipes (as the engines' shims give them):
# restored, the counter writes on in the pipe rt restore was given, from
# the number after the last one it wrote before.
check_restored_with_the_callers_pipes() {
    config "$(sh_args 'exec </dev/null; i=0; while :; do i=$((i + 1)); echo $i; sleep 0.1; done')" "$(limits '{}')"
    ( rt create --bundle "$BUNDLE" "$ID" 2>&1 < /dev/null | cat > "$SCRATCH/before" ) &
    wait_status "$ID" created || fail "not created: $(cat "$SCRATCH/before")"
    rt start "$ID" || fail "rt start: exit $?"
    eventually '[ "$(wc -l < "$SCRATCH/before")" -ge 3 ]' || fail "no count on the pipe: $(cat "$SCRATCH/before")"
    checkpoint "$ID"
    wait  # cat read the pipe to its end
    last=$(tail -n 1 "$SCRATCH/before")
    echo "checkpointed at $last"
    mkfifo "$SCRATCH/fifo"
    cat "$SCRATCH/fifo" > "$SCRATCH/after" &
    rt restore --detach --bundle "$BUNDLE" --image-path "$SCRATCH/images-$ID" "$ID" \
            < /dev/null > "$SCRATCH/fifo" 2> "$SCRATCH/restore.err" || {
        cat "$SCRATCH/restore.err"
        grep -E 'Error|Warn' "$SCRATCH/images-$ID/restore.log" | tail -n 20
        fail "rt restore: failed"
    }
    eventually '[ "$(wc -l < "$SCRATCH/after")" -ge 2 ]' || fail "nothing on rt restore's stdout: $(cat "$SCRATCH/after")"
    first=$(head -n 1 "$SCRATCH/after")
    [ "$first" = $((last + 1)) ] || fail "after the restore the count says $first, was $last"
    rt delete --force "$ID" || fail "rt delete --force: exit $?"
    wait
    nothing_left "$ID"
}

# Without --detach, rt restore stays as `rt run` does: it waits for the
# restored init, exits with its status (128+9 for SIGKILL) and deletes the
# container.
check_restore_in_the_foreground() {
    counter_config
    create_started "$ID"
    counted_past 2 || fail "the counter does not count: $(count)"
    checkpoint "$ID"
    ( rt restore --bundle "$BUNDLE" --image-path "$SCRATCH/images-$ID" "$ID" < /dev/null > "$SCRATCH/fg.out" 2>&1
      echo "status $?" >> "$SCRATCH/fg.out" ) &
    wait_status "$ID" running || fail "not running: $(cat "$SCRATCH/fg.out")"
    at=$(count)
    counted_past $((at + 2)) || fail "the restored counter does not count: $(count)"
    contiguous
    rt kill "$ID" KILL || fail "rt kill: exit $?"
    wait
    grep -qx "status 137" "$SCRATCH/fg.out" || fail "rt restore: $(cat "$SCRATCH/fg.out")"
    nothing_left "$ID"
}

# A CRIU restore that fails (the image's counter dumped, its bind mount's
# source gone) says CRIU's error and leaves nothing.
check_failed_restore_leaves_nothing() {
    counter_config
    create_started "$ID"
    counted_past 1 || fail "the counter does not count: $(count)"
    checkpoint "$ID"
    rm -rf -- "$OUT"
    err=$(rt restore --detach --bundle "$BUNDLE" --image-path "$SCRATCH/images-$ID" "$ID" 2>&1 < /dev/null) &&
        fail "restore succeeded without the bind mount's source"
    echo "$err"
    case $err in *"criu restore failed"*restore.log*) ;; *) fail "rt restore said: $err" ;; esac
    nothing_left "$ID"
}

t "criu runs here" check_criu_works
t "checkpoint and restore: the counter goes on from where it was" check_counter_continues
t "checkpoint --leave-running: the container goes on running" check_leave_running
t "checkpoint --pre-dump, then a checkpoint with --parent-path: restored, it counts on" check_pre_dump_then_checkpoint
t "a restored container: state, list, its cgroup, exec, kill, delete, nothing left" check_restored_lifecycle
t "restored with the caller's pipes as stdout and stderr: the count goes on there" check_restored_with_the_callers_pipes
t "rt restore in the foreground: waits, exits 137 after SIGKILL, deletes the container" check_restore_in_the_foreground
t "a failing criu restore: CRIU's error, nothing left" check_failed_restore_leaves_nothing
rm -rf -- "$RT_ROOT"
finish
