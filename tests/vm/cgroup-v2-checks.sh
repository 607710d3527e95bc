#!/bin/sh
# tests/vm/cgroup-v2-checks.sh: rt on a host with cgroup v2 only.
#
# The lifecycle on a v2-only kernel, and the cgroup v2 side of rt for real:
# memory.max with an OOM kill that `rt events` reports, pids.max, cpu.max and
# cpu.weight, hugetlb.2MB.max, the BPF device filter (denied devices cannot
# be opened inside, allowed ones can), pause/resume through cgroup.freeze,
# `rt update` of live limits, `rt ps` and `kill --all`, `rt exec --cgroup`
# into a sub-cgroup, `rt spec`'s cgroup namespace, and no cgroup left after
# delete.
#
# Runs as root (PID 1's child) inside the VM of scripts/vm-test, under busybox
# sh: rt and busybox on PATH, cgroup2 at /sys/fs/cgroup and no v1 hierarchy,
# tmpfs on /run and /tmp, a busybox bundle at /bundle (rootfs with
# /bin/rt-testhelper; this script writes its config.json). Prints TAP.
#
# To add a check: write a function that exits 0 when the check passes and
# otherwise calls `fail WHY` (what it printed before is shown as # lines
# too), then add a `t "what it shows" function` line under "The checks" at
# the end. Each check runs in a subshell with $ID set to a container ID of
# its own; `config` and `sh_args` write the bundle's config. Containers a
# failed check leaves behind are force-deleted after it; a passed check must
# have deleted its own (the last check looks).
#
# Outside the VM (to see a check fail on a v1 or hybrid host, say), as root:
#   RT_BIN=build/rt RT_ROOT=/run/rt-vmcheck BUNDLE=DIR tests/vm/cgroup-v2-checks.sh
# with DIR/rootfs made by scripts/mkrootfs --with-helper.

# Commands for inside containers are written in single quotes on purpose.
# shellcheck disable=SC2016

RT_BIN=${RT_BIN:-/bin/rt}
RT_ROOT=${RT_ROOT:-/run/rt}
BUNDLE=${BUNDLE:-/bundle}
TIMEOUT=60    # seconds any one rt command may take before it is killed
SCRATCH=$(mktemp -d) || exit 1
trap 'rm -rf -- "$SCRATCH"' EXIT

# rt ARGS...: the rt under test.
rt() { timeout "$TIMEOUT" "$RT_BIN" --root "$RT_ROOT" "$@"; }

fail() { echo "$*"; exit 1; }

# sh_args 'COMMAND': the JSON array ["/bin/sh", "-c", "COMMAND"].
sh_args() {
    printf '["/bin/sh", "-c", "%s"]' "$(printf '%s' "$1" | sed 's/[\\"]/\\&/g')"
}

# The namespaces and extra mounts of the next `config`; a check may change
# them (they are its own: it runs in a subshell).
NAMESPACES='{"type": "pid"}, {"type": "mount"}, {"type": "ipc"}, {"type": "uts"}, {"type": "network"}'
CGROUP_NS='{"type": "cgroup"}'
MOUNTS='{"destination": "/sys/fs/cgroup", "type": "cgroup", "source": "cgroup",
         "options": ["nosuid", "noexec", "nodev", "relatime", "ro"]}'

# config ARGS_JSON [LINUX_MEMBERS]: writes $BUNDLE/config.json running
# ARGS_JSON (a JSON array: see sh_args) as root, with LINUX_MEMBERS (JSON
# members such as '"resources": {"pids": {"limit": 10}}') added to .linux.
# With CAPS set (a JSON array of capability names), those are the process's
# bounding, effective and permitted capabilities; without, it has none.
config() {
    caps=
    [ -z "${CAPS:-}" ] || caps="
    \"capabilities\": {\"bounding\": $CAPS, \"effective\": $CAPS, \"permitted\": $CAPS},"
    cat > "$BUNDLE/config.json" <<EOF
{
  "ociVersion": "1.3.0",
  "process": {
    "terminal": false,
    "user": {"uid": 0, "gid": 0},
    "args": $1,
    "env": ["PATH=/bin"],$caps
    "cwd": "/"
  },
  "root": {"path": "rootfs", "readonly": true},
  "hostname": "vm-container",
  "mounts": [
    {"destination": "/proc", "type": "proc", "source": "proc"},
    {"destination": "/dev", "type": "tmpfs", "source": "tmpfs",
     "options": ["nosuid", "strictatime", "mode=755", "size=65536k"]},
    {"destination": "/tmp", "type": "tmpfs", "source": "tmpfs", "options": ["nosuid", "nodev"]},
    {"destination": "/sys", "type": "sysfs", "source": "sysfs",
     "options": ["nosuid", "noexec", "nodev", "ro"]}${MOUNTS:+,
    $MOUNTS}
  ],
  "linux": {${2:+
    $2,}
    "namespaces": [$NAMESPACES]
  }
}
EOF
}

# status_of ID / pid_of ID: from `rt state ID`.
status_of() { rt state "$1" | sed -n 's/.*"status": *"\([a-z]*\)".*/\1/p'; }
pid_of() { rt state "$1" | sed -n 's/.*"pid": *\([0-9]*\).*/\1/p'; }

# wait_status ID STATUS: waits up to 30 s (emulation on a busy machine is
# slow) for the container to reach STATUS.
wait_status() {
    i=0
    while [ "$(status_of "$1")" != "$2" ]; do
        i=$((i + 1))
        [ "$i" -le 300 ] || return 1
        sleep 0.1
    done
}

# alive PID: the process exists and is not a zombie (a container's init,
# orphaned, waits for PID 1 to reap it).
alive() {
    state=$(sed -n 's/^State:[[:space:]]*\([A-Z]\).*/\1/p' "/proc/$1/status" 2>/dev/null)
    [ -n "$state" ] && [ "$state" != Z ] && [ "$state" != X ]
}

# create_started ID: rt create + rt start of the bundle, stdio away from
# our pipes (the container keeps them open).
create_started() {
    rt create --bundle "$BUNDLE" "$1" < /dev/null > /dev/null 2> "$SCRATCH/create.err" ||
        fail "rt create $1: exit $?: $(cat "$SCRATCH/create.err")"
    rt start "$1" || fail "rt start $1: exit $?"
}

# A command for inside a container: prints "FSTYPE OPTIONS" of the mount at
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
    [ "$out" = "hello from vm-container" ] || fail "rt run printed: $out"
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
    config "$(sh_args "$CGROUP_MOUNT; grep -c ' - cgroup ' /proc/self/mountinfo; cat /proc/self/cgroup")"
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
    config "$(sh_args "$CGROUP_MOUNT; cat /proc/self/cgroup; cat /sys/fs/cgroup/cgroup.controllers")"
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

# --- cgroup v2: limits, devices, freezer, update -------------------------------

CG=/sys/fs/cgroup
PARENT=rt-vm-checks    # the checks' containers live below /$PARENT

# cg ID: the container's cgroup directory.
cg() { echo "$CG/$PARENT/$1"; }

# limits RESOURCES_JSON: .linux members putting the container in a cgroup of
# its own below /$PARENT, with these resources.
limits() { printf '"cgroupsPath": "/%s/%s", "resources": %s' "$PARENT" "$ID" "$1"; }

# gone ID: delete left no cgroup of the container.
gone() { [ ! -e "$(cg "$1")" ] || fail "cgroup $(cg "$1") is left after delete"; }

# value FILE: a cgroup file's content, or a word saying it is missing.
value() { cat "$1" 2>/dev/null || echo "(no $1)"; }

check_memory_oom_events() {
    config '["/bin/rt-testhelper", "eat-memory", "256"]' \
        "$(limits '{"memory": {"limit": 33554432, "swap": 33554432}}')"
    rt create --bundle "$BUNDLE" "$ID" < /dev/null > /dev/null 2> "$SCRATCH/create.err" ||
        fail "rt create: exit $?: $(cat "$SCRATCH/create.err")"
    [ "$(value "$(cg "$ID")/memory.max")" = 33554432 ] || fail "memory.max: $(value "$(cg "$ID")/memory.max")"
    rt events --interval 1s "$ID" > "$SCRATCH/events" 2>&1 &
    events=$!
    sleep 1    # registered before the start
    rt start "$ID" || fail "rt start: exit $?"
    wait_status "$ID" stopped || fail "not stopped 30 s after start: $(rt state "$ID")"
    kills=$(sed -n 's/^oom_kill //p' "$(cg "$ID")/memory.events")
    [ "${kills:-0}" -ge 1 ] || fail "no OOM kill in memory.events: $(value "$(cg "$ID")/memory.events")"
    # The stream ends by itself once the container has no process left.
    i=0
    while kill -0 "$events" 2>/dev/null; do
        i=$((i + 1))
        [ "$i" -le 300 ] || { kill "$events"; fail "rt events still running 30 s after the container stopped"; }
        sleep 0.1
    done
    grep -q "^{\"type\":\"oom\",\"id\":\"$ID\"}\$" "$SCRATCH/events" ||
        fail "no oom event from rt events: $(head -c 400 "$SCRATCH/events")"
    rt delete "$ID" || fail "rt delete: exit $?"
    gone "$ID"
}

check_pids_limit() {
    config '["/bin/rt-testhelper", "fork", "50"]' "$(limits '{"pids": {"limit": 10}}')"
    out=$(rt run --bundle "$BUNDLE" "$ID" < /dev/null 2> "$SCRATCH/run.err") || fail "rt run: exit $?: $(cat "$SCRATCH/run.err")"
    # The helper itself is one of the ten.
    [ "$out" = 9 ] || fail "forks that succeeded under pids.max 10: $out"
    gone "$ID"
}

check_cpu_max() {
    config "$(sh_args 'while :; do :; done')" \
        "$(limits '{"cpu": {"shares": 512, "quota": 20000, "period": 100000}}')"
    create_started "$ID"
    sleep 2
    cpumax=$(value "$(cg "$ID")/cpu.max")
    weight=$(value "$(cg "$ID")/cpu.weight")
    throttled=$(sed -n 's/^nr_throttled //p' "$(cg "$ID")/cpu.stat")
    rt delete --force "$ID" || fail "rt delete --force: exit $?"
    [ "$cpumax" = "20000 100000" ] || fail "cpu.max: $cpumax"
    [ "$weight" = 59 ] || fail "cpu.weight for 512 shares: $weight (runc's conversion gives 59)"
    [ "${throttled:-0}" -ge 1 ] || fail "a busy loop under cpu.max was never throttled (cpu.stat nr_throttled $throttled)"
    gone "$ID"
}

# /dev/null (a default device) opens; /dev/kmsg (c 1:11) opens for writing,
# as the rule allows, but not for reading; /dev/fuse (c 10:229) not at all.
# mknod is allowed for every device (runc's defaults): the nodes are made
# inside, on /dev (a tmpfs without nodev).
check_hugetlb() {
    [ -e /sys/kernel/mm/hugepages/hugepages-2048kB ] || fail "this kernel has no 2MB huge pages"
    config "$(sh_args 'exec sleep 1000')" "$(limits '{"hugepageLimits": [{"pageSize": "2MB", "limit": 4194304}]}')"
    create_started "$ID"
    max=$(value "$(cg "$ID")/hugetlb.2MB.max")
    rt delete --force "$ID" || fail "rt delete --force: exit $?"
    [ "$max" = 4194304 ] || fail "hugetlb.2MB.max: $max"
    gone "$ID"
}

check_device_filter() {
    CAPS='["CAP_MKNOD"]' config "$(sh_args 'mknod /dev/kmsg2 c 1 11 && mknod /dev/fuse2 c 10 229 && rt-testhelper open /dev/null rw && rt-testhelper open /dev/kmsg2 w && rt-testhelper open /dev/kmsg2 r && rt-testhelper open /dev/fuse2 r')" \
        "$(limits '{"devices": [{"allow": false, "access": "rwm"},
                                {"allow": true, "type": "c", "major": 1, "minor": 11, "access": "w"}]}')"
    out=$(rt run --bundle "$BUNDLE" "$ID" < /dev/null 2> "$SCRATCH/run.err") || fail "rt run: exit $?: $(cat "$SCRATCH/run.err")"
    echo "$out"
    [ "$(echo "$out" | tr '\n' ' ')" = "ok ok EPERM EPERM " ] ||
        fail "opens of /dev/null rw, kmsg w, kmsg r, fuse r gave: $(echo "$out" | tr '\n' ' ')"
    gone "$ID"
}

check_pause_resume() {
    config "$(sh_args 'i=0; while :; do i=$((i+1)); echo $i > /tmp/p.new; mv /tmp/p.new /tmp/p; done')" "$(limits '{}')"
    create_started "$ID"
    pid=$(pid_of "$ID")
    progress() { cat "/proc/$pid/root/tmp/p" 2>/dev/null || echo 0; }
    sleep 1
    rt pause "$ID" || fail "rt pause: exit $?"
    [ "$(status_of "$ID")" = paused ] || fail "after pause: $(rt state "$ID")"
    [ "$(value "$(cg "$ID")/cgroup.freeze")" = 1 ] || fail "cgroup.freeze: $(value "$(cg "$ID")/cgroup.freeze")"
    grep -q '^frozen 1$' "$(cg "$ID")/cgroup.events" || fail "cgroup.events: $(value "$(cg "$ID")/cgroup.events")"
    p1=$(progress)
    sleep 1
    p2=$(progress)
    [ "$p1" = "$p2" ] || fail "made progress while paused: $p1 -> $p2"
    ! rt pause "$ID" 2> /dev/null || fail "a second rt pause succeeded"
    rt resume "$ID" || fail "rt resume: exit $?"
    [ "$(status_of "$ID")" = running ] || fail "after resume: $(rt state "$ID")"
    sleep 1
    p3=$(progress)
    [ "$p3" -gt "$p2" ] || fail "no progress after resume: $p2 -> $p3"
    rt pause "$ID" || fail "rt pause (again): exit $?"
    rt delete --force "$ID" || fail "rt delete --force of a paused container: exit $?"
    gone "$ID"
}

check_update() {
    config "$(sh_args 'exec sleep 1000')" "$(limits '{"memory": {"limit": 33554432}, "pids": {"limit": 10}}')"
    create_started "$ID"
    rt update --memory 64m --pids-limit 20 --cpu-quota 30000 --cpu-share 1024 "$ID" || fail "rt update: exit $?"
    d=$(cg "$ID")
    [ "$(value "$d/memory.max")" = 67108864 ] || fail "memory.max after update: $(value "$d/memory.max")"
    [ "$(value "$d/pids.max")" = 20 ] || fail "pids.max after update: $(value "$d/pids.max")"
    [ "$(value "$d/cpu.max")" = "30000 100000" ] || fail "cpu.max after update: $(value "$d/cpu.max")"
    [ "$(value "$d/cpu.weight")" = 100 ] || fail "cpu.weight after update: $(value "$d/cpu.weight")"
    # As containerd sends it: LinuxResources on standard input.
    echo '{"memory": {"limit": 50331648, "swap": 67108864}, "pids": {"limit": -1}}' | rt update -r - "$ID" ||
        fail "rt update -r -: exit $?"
    [ "$(value "$d/memory.max")" = 50331648 ] || fail "memory.max after update -r: $(value "$d/memory.max")"
    [ ! -e "$d/memory.swap.max" ] || [ "$(cat "$d/memory.swap.max")" = 16777216 ] ||
        fail "memory.swap.max (swap - limit): $(cat "$d/memory.swap.max")"
    [ "$(value "$d/pids.max")" = max ] || fail "pids.max after update -r: $(value "$d/pids.max")"
    rt delete --force "$ID" || fail "rt delete --force: exit $?"
    ! rt update --memory 64m "$ID" 2> /dev/null || fail "rt update of a deleted container succeeded"
    gone "$ID"
}

check_ps_kill_all() {
    config "$(sh_args 'sleep 1000 & exec sleep 1001')" "$(limits '{}')"
    create_started "$ID"
    i=0
    while [ "$(wc -l < "$(cg "$ID")/cgroup.procs")" -lt 2 ]; do
        i=$((i + 1))
        [ "$i" -le 100 ] || fail "cgroup.procs: $(value "$(cg "$ID")/cgroup.procs")"
        sleep 0.1
    done
    json=$(rt ps --format json "$ID") || fail "rt ps --format json: exit $?"
    procs=$(sort -n "$(cg "$ID")/cgroup.procs" | tr '\n' ',' | sed 's/,$//')
    [ "$json" = "[$procs]" ] || fail "rt ps --format json: $json, cgroup.procs: [$procs]"
    table=$(rt ps "$ID") || fail "rt ps: exit $?"
    echo "$table" | grep -q 'sleep 1000' || fail "rt ps: $table"
    rt kill --all "$ID" KILL || fail "rt kill --all: exit $?"
    wait_status "$ID" stopped || fail "not stopped after kill --all: $(rt state "$ID")"
    [ -z "$(cat "$(cg "$ID")/cgroup.procs")" ] || fail "left after kill --all: $(value "$(cg "$ID")/cgroup.procs")"
    rt delete "$ID" || fail "rt delete: exit $?"
    gone "$ID"
}

check_events_stats() {
    config "$(sh_args 'exec sleep 1000')" "$(limits '{"memory": {"limit": 33554432}, "pids": {"limit": 50}}')"
    create_started "$ID"
    stats=$(rt events --stats "$ID") || fail "rt events --stats: exit $?"
    rt delete --force "$ID" || fail "rt delete --force: exit $?"
    echo "$stats"
    case $stats in
    "{\"type\":\"stats\",\"id\":\"$ID\",\"data\":{\"cpu\":"*'"usage":{"limit":33554432,'*'"pids":{"current":1,"limit":50}'*) ;;
    *) fail "not runc's stats object with the limits" ;;
    esac
    gone "$ID"
}

# exec --cgroup PATH: on v2 a sub-cgroup of the container's one cgroup (which
# must exist); a controller prefix is for v1 and says so.
check_exec_sub_cgroup() {
    config "$(sh_args 'exec sleep 1000')" "$(limits '{}')"
    create_started "$ID"
    mkdir "$(cg "$ID")/sub" || fail "mkdir $(cg "$ID")/sub"
    got=$(rt exec --cgroup sub "$ID" cat /proc/self/cgroup) || fail "rt exec --cgroup sub: exit $?"
    [ "$got" = "0::/$PARENT/$ID/sub" ] || fail "the exec'd process is in $got"
    out=$(rt exec --cgroup pids:sub "$ID" true 2>&1)
    [ $? -eq 255 ] || fail "exec --cgroup pids:sub: not exit 255: $out"
    case $out in *"(on cgroup v2, give the path alone)"*) ;; *) fail "exec --cgroup pids:sub: $out" ;; esac
    rt delete --force "$ID" || fail "rt delete --force: exit $?"
    gone "$ID"
}

# rt spec, as runc spec, adds a cgroup namespace where cgroup v2 is all
# there is.
check_spec_cgroup_namespace() {
    mkdir "$SCRATCH/spec" && rt spec -b "$SCRATCH/spec" || fail "rt spec: exit $?"
    grep -q '"type": "cgroup"' "$SCRATCH/spec/config.json" || fail "no cgroup namespace: $(cat "$SCRATCH/spec/config.json")"
}

# No container's cgroup is left: below the checks' parent, nor below /rt
# (where containers without cgroupsPath go).
check_no_cgroup_left() {
    left=$(find "$CG/$PARENT" "$CG/rt" -mindepth 1 -type d 2>/dev/null)
    [ -z "$left" ] || fail "cgroups left: $left"
    rmdir "$CG/$PARENT" 2>/dev/null
    [ ! -e "$CG/$PARENT" ] || fail "$CG/$PARENT cannot be removed"
}

# --- the runner ---------------------------------------------------------------

n=0 failures=0

# cleanup_containers: force-deletes whatever a failed check left.
cleanup_containers() {
    for id in $(rt list -q 2>/dev/null); do
        rt delete --force "$id" > /dev/null 2>&1 || echo "# cleanup: rt delete --force $id failed"
    done
}

# t NAME FUNCTION: runs one check (output to a file: a container left
# running must not hold a pipe of ours open).
t() {
    n=$((n + 1))
    ID=vm-check-$n
    if ("$2") > "$SCRATCH/check.out" 2>&1 < /dev/null; then
        echo "ok $n - $1"
    else
        failures=$((failures + 1))
        echo "not ok $n - $1"
        sed 's/^/#   /' "$SCRATCH/check.out"
        cleanup_containers
    fi
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
t "memory.max: an allocation past it is OOM-killed, and rt events reports it" check_memory_oom_events
t "pids.max caps forks" check_pids_limit
t "cpu.max and cpu.weight (from shares) are set, and a busy loop is throttled" check_cpu_max
t "hugepageLimits land in hugetlb.2MB.max" check_hugetlb
t "the BPF device filter: denied devices cannot be opened, allowed ones can" check_device_filter
t "rt pause freezes (cgroup.freeze, state paused, no progress), rt resume thaws" check_pause_resume
t "rt update changes live limits, with flags and with -r -" check_update
t "rt ps lists the cgroup's processes, rt kill --all reaches them" check_ps_kill_all
t "rt events --stats prints runc's stats object" check_events_stats
t "rt exec --cgroup runs the process in a sub-cgroup of the container's" check_exec_sub_cgroup
t "rt spec has a cgroup namespace on a cgroup2-only host, as runc spec" check_spec_cgroup_namespace
t "delete leaves no cgroup of any container" check_no_cgroup_left
t "nothing is left: no state, mount or process" check_nothing_left

echo "1..$n"
[ "$failures" -eq 0 ]
