#!/bin/sh
# tests/cgroups/checks.sh: rt's cgroup expectations, written once, run in
# every place rt's cgroups are tested:
#   - this machine (cgroupfs on cgroup v1 or hybrid): tests/suites/cgroups.sh;
#   - the cgroup-v2-only VM (cgroupfs on v2): tests/vm/cgroup-v2-checks.sh;
#   - the systemd VM on v2 and on v1 (DRIVER=systemd, rt --systemd-cgroup):
#     tests/vm/systemd-checks.sh.
# Each check looks where the driver and the cgroup version at hand put
# things: the table below says, for each resource, the cgroup v1 file, the
# cgroup v2 file and the systemd unit property (v1 and v2) it must land in;
# the other checks read the matching file themselves (freezer.state or
# cgroup.freeze, memory.oom_control or memory.events, ...). A check that
# only means something in some places says where it runs (run_cgroup_checks).
#
# Run it directly (as root; prints TAP), or source it after lib.sh and call
# run_cgroup_checks between other checks (the VM scripts do). Environment:
# see lib.sh.
#
# To add an expectation: a row in `expectations` (or a group of its own).
# To add a check: a function that exits 0 when it passes and otherwise calls
# `fail WHY`, and a `t "what it shows" function` line in run_cgroup_checks.

# shellcheck disable=SC2016

# --- the expectations ---------------------------------------------------------
#
# "@ NAME WHERE RESOURCES_JSON" starts a group: one container (running
# `sleep`) with these resources, in the configurations WHERE names (all, v1,
# v2, block: where there is a block device, io-weight: cgroup v2 without
# BFQ (io.weight, not io.bfq.weight), hugetlb: where a hugetlb
# controller takes hugepageLimits, hybrid-hugetlb: a hybrid host whose
# hugetlb controller is on cgroup2). Then, in order:
#   FIELD | V1 FILE | V2 FILE | SYSTEMD V1 PROPERTY | SYSTEMD V2 PROPERTY
# a row checked right there; a file is [CONTROLLER:]NAME (v1: in CONTROLLER's
# hierarchy, "unified" the hybrid cgroup2 one), then "= VALUE" (the whole
# content) or "~ TEXT" (contained); a property is NAME = VALUE as
# `systemctl show` prints it; "-" expects nothing there. A systemd property
# is checked on top of the file (the driver writes both).
#   > FLAGS      rt update FLAGS ID
#   >> JSON      rt update -r - ID, JSON on standard input
# @DEV@, @MAJOR@ and @MINOR@ are a block device of the host.
expectations() {
    cat <<'EOF'
@ limits all {"memory": {"limit": 67108864, "reservation": 33554432, "swap": 100663296}, "cpu": {"shares": 512, "quota": 20000, "period": 100000, "cpus": "0", "mems": "0"}, "pids": {"limit": 100}}
memory.limit       | memory:memory.limit_in_bytes = 67108864       | memory.max = 67108864      | MemoryLimit = 67108864     | MemoryMax = 67108864
memory.reservation | memory:memory.soft_limit_in_bytes = 33554432  | memory.low = 33554432      | -                          | MemoryLow = 33554432
memory.swap        | memory:memory.memsw.limit_in_bytes = 100663296 | memory.swap.max = 33554432 | -                         | MemorySwapMax = 33554432
cpu.shares         | cpu:cpu.shares = 512                          | cpu.weight = 59            | CPUShares = 512            | CPUWeight = 59
cpu.quota          | cpu:cpu.cfs_quota_us = 20000                  | cpu.max = 20000 100000     | CPUQuotaPerSecUSec = 200ms | CPUQuotaPerSecUSec = 200ms
cpu.period         | cpu:cpu.cfs_period_us = 100000                | cpu.max ~ 100000           | CPUQuotaPeriodUSec = 100ms | CPUQuotaPeriodUSec = 100ms
cpu.cpus           | cpuset:cpuset.cpus = 0                        | cpuset.cpus = 0            | AllowedCPUs = 0            | AllowedCPUs = 0
cpu.mems           | cpuset:cpuset.mems = 0                        | cpuset.mems = 0            | AllowedMemoryNodes = 0     | AllowedMemoryNodes = 0
pids.limit         | pids:pids.max = 100                           | pids.max = 100             | TasksMax = 100             | TasksMax = 100
@ v1-memory v1 {"memory": {"limit": 67108864, "swappiness": 30, "disableOOMKiller": true}}
memory.swappiness        | memory:memory.swappiness = 30                 | - | - | -
memory.disableOOMKiller  | memory:memory.oom_control ~ oom_kill_disable 1 | - | - | -
@ throttle block {"blockIO": {"throttleReadBpsDevice": [{"major": @MAJOR@, "minor": @MINOR@, "rate": 1048576}], "throttleWriteIOPSDevice": [{"major": @MAJOR@, "minor": @MINOR@, "rate": 300}]}}
blockIO.throttleReadBpsDevice   | blkio:blkio.throttle.read_bps_device = @DEV@ 1048576 | io.max ~ @DEV@ rbps=1048576 | - | -
blockIO.throttleWriteIOPSDevice | blkio:blkio.throttle.write_iops_device = @DEV@ 300   | io.max ~ wiops=300          | - | -
@ io-weight io-weight {"blockIO": {"weight": 500}}
blockIO.weight | - | io.weight = default 4950 | - | IOWeight = 4950
@ hugetlb hugetlb {"hugepageLimits": [{"pageSize": "2MB", "limit": 4194304}]}
hugepageLimits | hugetlb:hugetlb.2MB.limit_in_bytes = 4194304 | hugetlb.2MB.max = 4194304 | - | -
@ unified-hugetlb hybrid-hugetlb {"unified": {"hugetlb.2MB.max": "4194304"}}
unified | unified:hugetlb.2MB.max = 4194304 | - | - | -
@ unified v2 {"unified": {"memory.high": "50331648", "pids.max": "42"}}
unified.memory.high | - | memory.high = 50331648 | - | MemoryHigh = 50331648
unified.pids.max    | - | pids.max = 42          | - | TasksMax = 42
@ update all {"memory": {"limit": 67108864}, "pids": {"limit": 10}}
> --memory 128m --pids-limit 20 --cpu-share 256 --cpu-quota 30000 --cpu-period 60000 --cpuset-cpus 0
--memory       | memory:memory.limit_in_bytes = 134217728 | memory.max = 134217728  | MemoryLimit = 134217728    | MemoryMax = 134217728
--pids-limit   | pids:pids.max = 20                       | pids.max = 20           | TasksMax = 20              | TasksMax = 20
--cpu-share    | cpu:cpu.shares = 256                     | cpu.weight = 35         | CPUShares = 256            | CPUWeight = 35
--cpu-quota    | cpu:cpu.cfs_quota_us = 30000             | cpu.max = 30000 60000   | CPUQuotaPerSecUSec = 500ms | CPUQuotaPerSecUSec = 500ms
--cpu-period   | cpu:cpu.cfs_period_us = 60000            | cpu.max ~ 60000         | CPUQuotaPeriodUSec = 60ms  | CPUQuotaPeriodUSec = 60ms
--cpuset-cpus  | cpuset:cpuset.cpus = 0                   | cpuset.cpus = 0         | AllowedCPUs = 0            | AllowedCPUs = 0
>> {"devices": [{"allow": false, "access": "rwm"}], "memory": {"limit": 100663296, "swap": 134217728}, "pids": {"limit": -1}, "blockIO": {}}
memory.limit   | memory:memory.limit_in_bytes = 100663296       | memory.max = 100663296     | MemoryLimit = 100663296 | MemoryMax = 100663296
memory.swap    | memory:memory.memsw.limit_in_bytes = 134217728 | memory.swap.max = 33554432 | -                       | MemorySwapMax = 33554432
pids.limit -1  | pids:pids.max = max                            | pids.max = max             | TasksMax = infinity     | TasksMax = infinity
EOF
}

# A whole block device of this machine (not a partition): "MAJ:MIN".
block_device() {
    awk 'NR > 2 { print $1 ":" $2 }' /proc/partitions | while read -r dev; do
        [ -e "/sys/dev/block/$dev/partition" ] || { echo "$dev"; break; }
    done
}

# applies WHERE: true when a group marked WHERE applies here.
applies() {
    case $1 in
    all) return 0 ;;
    v1|v2) [ "$VERSION" = "$1" ] ;;
    block) [ -n "$(block_device)" ] ;;
    io-weight) [ "$VERSION" = v2 ] && [ ! -d /sys/module/bfq ] ;;  # BFQ would take io.bfq.weight
    hugetlb) [ -e /sys/kernel/mm/hugepages/hugepages-2048kB ] &&
             { [ "$VERSION" = v2 ] || [ -n "$(hierarchy hugetlb)" ]; } ;;
    hybrid-hugetlb) [ "$HYBRID" = 1 ] && [ -e /sys/kernel/mm/hugepages/hugepages-2048kB ] &&
                    grep -qw hugetlb "$CG/unified/cgroup.controllers" ;;
    *) return 1 ;;
    esac
}

trim() { sed 's/^[[:space:]]*//; s/[[:space:]]*$//'; }

# check_cell ID KIND CELL: one cell of a row (KIND file or property); prints
# what it found; false when it is not what the cell says.
check_cell() {
    cell=$3
    [ "$cell" = - ] && return 0
    case $cell in
    *" = "*) op="="; name=${cell%% = *}; want=${cell#* = } ;;
    *" ~ "*) op="~"; name=${cell%% ~ *}; want=${cell#* ~ } ;;
    *) echo "bad cell: $cell"; return 1 ;;
    esac
    if [ "$2" = property ]; then
        got=$(property "$1" "$name")
        where="unit property $name"
    else
        controller=
        case $name in *:*) controller=${name%%:*}; name=${name#*:} ;; esac
        file=$(cg "$1" "$controller")/$name
        got=$(value "$file" | tr '\n' ' ' | trim)
        where=$file
    fi
    if [ "$op" = "=" ] && [ "$got" = "$want" ]; then return 0; fi
    if [ "$op" = "~" ]; then case $got in *"$want"*) return 0 ;; esac; fi
    echo "$where: \"$got\", expected $([ "$op" = "~" ] && echo "to contain ")\"$want\""
    return 1
}

# check_row ID ROW
check_row() {
    IFS='|' read -r field v1_file v2_file v1_prop v2_prop <<EOF
$2
EOF
    if [ "$VERSION" = v1 ]; then file=$v1_file prop=$v1_prop; else file=$v2_file prop=$v2_prop; fi
    file=$(echo "$file" | trim)
    prop=$(echo "$prop" | trim)
    [ "$DRIVER" = systemd ] || prop=-
    ok=0
    check_cell "$1" file "$file" || ok=1
    check_cell "$1" property "$prop" || ok=1
    [ $ok = 0 ] || echo "  ^ $(echo "$field" | trim)"
    return $ok
}

# check_group: the group $GROUP of the table.
check_group() {
    dev=$(block_device)
    expectations | sed "s/@DEV@/$dev/g; s/@MAJOR@/${dev%:*}/g; s/@MINOR@/${dev#*:}/g" |
        awk -v g="$GROUP" '/^@ / { on = ($2 == g); if (on) print; next } on' > "$SCRATCH/group"
    header=$(head -n 1 "$SCRATCH/group")
    resources=${header#@ * * }
    config "$(sh_args 'exec sleep 1000')" "$(limits "$resources")"
    # On a hybrid host rt enables controllers (hugetlb) in the cgroup2 root
    # for `unified`: they are disabled again after (the host's, not ours).
    root_controllers=
    [ "$HYBRID" = 0 ] || root_controllers=$(cat "$CG/unified/cgroup.subtree_control")
    create_started "$ID"
    bad=0
    tail -n +2 "$SCRATCH/group" > "$SCRATCH/rows"
    while IFS= read -r row; do
        case $row in
        ">> "*) echo "${row#>> }" | rt update -r - "$ID" || fail "rt update -r - with ${row#>> }: exit $?" ;;
        "> "*) # shellcheck disable=SC2086 # the flags are words
               rt update ${row#> } "$ID" || fail "rt update ${row#> }: exit $?" ;;
        *) check_row "$ID" "$row" || bad=1 ;;
        esac
    done < "$SCRATCH/rows"
    rt delete --force "$ID" || fail "rt delete --force: exit $?"
    gone "$ID"
    if [ "$HYBRID" = 1 ] && [ "$DRIVER" = cgroupfs ]; then
        for controller in $(cat "$CG/unified/cgroup.subtree_control"); do
            case " $root_controllers " in *" $controller "*) ;; *)
                rmdir "$CG/unified/$PARENT" 2>/dev/null
                echo "-$controller" > "$CG/unified/cgroup.subtree_control" ;;
            esac
        done
    fi
    [ $bad = 0 ]
}

# --- the checks ------------------------------------------------------------------

# Created, not started: the init is in its cgroup in every hierarchy, as
# /proc/PID/cgroup says, and the state remembers them.
check_init_in_every_cgroup() {
    config '["/bin/rt-testhelper", "pause"]' "$(limits '{}')"
    create "$ID"
    pid=$(pid_of "$ID")
    want=$(cgroup_of "$ID")
    lines=0
    while IFS= read -r line; do
        lines=$((lines + 1))
        [ "${line##*:}" = "$want" ] || fail "/proc/$pid/cgroup: $line, expected the path $want"
    done < "/proc/$pid/cgroup"
    [ "$lines" = "$(hierarchies | wc -l)" ] || fail "$lines lines in /proc/$pid/cgroup for $(hierarchies | wc -l) hierarchies"
    for h in $(hierarchies); do
        [ "$(value "$h$want/cgroup.procs")" = "$pid" ] || fail "$h$want/cgroup.procs: $(value "$h$want/cgroup.procs")"
    done
    state=$RT_ROOT/$ID/state.json
    grep -q "\"cgroupDriver\": *\"$CONFIG\"" "$state" || fail "state.json: not driver $CONFIG: $(cat "$state")"
    grep -q "\"$(cg "$ID" memory)\"" "$state" || fail "state.json: no path $(cg "$ID" memory): $(cat "$state")"
    rt delete --force "$ID" || fail "rt delete --force: exit $?"
    gone "$ID"
}

# The init, and a process of rt exec, join their cgroups as they are born:
# rt never moves them by pid, which takes the kernel's global lock on
# migrations and, after a quiet moment, waits for an RCU grace period
# (7 to 15 ms on the test VM: more than the rest of `rt run`). The kernel's
# cgroup_attach_task events say who moved whom: into cgroup2 (hierarchy 0)
# nobody (born there, CLONE_INTO_CGROUP), into a v1 hierarchy only the
# process itself (it writes "0" to tasks). A move by pid of a process of
# the check's own shows that the events are seen. cgroupfs only: systemd
# moves the init into its scope itself.
check_joins_at_birth() {
    tracing=/sys/kernel/tracing
    if [ ! -e "$tracing/instances" ]; then
        mount -t tracefs tracefs "$tracing" || fail "cannot mount tracefs on $tracing"
        mounted_tracing=1
    fi
    instance=$tracing/instances/rt-check-$$
    mkdir "$instance" || fail "cannot make the tracing instance $instance"
    untrace() {
        rmdir "$instance"
        [ -z "${mounted_tracing:-}" ] || umount "$tracing"
    }
    echo 1 > "$instance/events/cgroup/cgroup_attach_task/enable" || { untrace; fail "no cgroup_attach_task event"; }
    config '["/bin/rt-testhelper", "pause"]' "$(limits '{}')"
    rt create --bundle "$BUNDLE" "$ID" < /dev/null > /dev/null 2>&1 || { untrace; fail "rt create: exit $?"; }
    rt exec "$ID" /bin/true || { untrace; fail "rt exec: exit $?"; }
    init=$(pid_of "$ID")
    want=$(cgroup_of "$ID")
    first=$(hierarchies | head -n 1)
    sleep 60 &
    mover=$!
    echo "$mover" > "$first$want/cgroup.procs" || { kill "$mover"; untrace; fail "cannot move $mover into $first$want"; }
    kill "$mover"
    wait "$mover" 2> /dev/null
    # "WRITER_PID ROOT MOVED_PID" for each event into the container's cgroups.
    sed -n "s/^.*-\([0-9]*\) *\[[0-9]*\].*cgroup_attach_task: dst_root=\([0-9]*\) .*dst_path=$(echo "$want" | sed 's|/|\\/|g') pid=\([0-9]*\) .*/\1 \2 \3/p" \
        "$instance/trace" > "$SCRATCH/attaches"
    untrace
    grep -q " $mover\$" "$SCRATCH/attaches" || fail "the tracing saw no move of $mover: $(cat "$SCRATCH/attaches")"
    v1=$(awk -v cg="$CG" '$3 == "cgroup" && index($2, cg "/") == 1' /proc/mounts | wc -l)
    self=0 exec_self=0
    while read -r writer root moved; do
        [ "$moved" = "$mover" ] && continue
        [ "$root" != 0 ] || fail "process $moved was moved into cgroup2 by $writer, not born there"
        [ "$writer" = "$moved" ] || fail "process $moved was moved into hierarchy $root by $writer, not by itself"
        if [ "$moved" = "$init" ]; then self=$((self + 1)); else exec_self=$((exec_self + 1)); fi
    done < "$SCRATCH/attaches"
    [ "$self" = "$v1" ] || fail "the init joined $self of the $v1 cgroup v1 hierarchies itself: $(cat "$SCRATCH/attaches")"
    [ "$exec_self" = "$v1" ] ||
        fail "the exec'd process joined $exec_self of the $v1 cgroup v1 hierarchies itself: $(cat "$SCRATCH/attaches")"
    rt delete --force "$ID" || fail "rt delete --force: exit $?"
}

# No cgroupsPath: cgroupfs puts the container below /rt, systemd in
# system.slice as rt-ID.scope.
check_default_path() {
    config '["/bin/rt-testhelper", "pause"]'
    create "$ID"
    pid=$(pid_of "$ID")
    if [ "$DRIVER" = systemd ]; then want=/system.slice/rt-$ID.scope; else want=/rt/$ID; fi
    grep -q ":$want\$" "/proc/$pid/cgroup" || fail "/proc/$pid/cgroup does not name $want: $(cat "/proc/$pid/cgroup")"
    if [ "$DRIVER" = systemd ]; then
        [ "$(systemctl show -p ActiveState --value "rt-$ID.scope")" = active ] || fail "rt-$ID.scope is not active"
    fi
    rt delete --force "$ID" || fail "rt delete --force: exit $?"
    for h in $(hierarchies); do
        [ ! -e "$h$want" ] || fail "$h$want is left after delete"
        [ "$DRIVER" = systemd ] || rmdir "$h/rt" 2>/dev/null   # unless another container uses it
    done
    if [ "$DRIVER" = systemd ]; then
        [ "$(systemctl show -p ActiveState --value "rt-$ID.scope")" = inactive ] || fail "rt-$ID.scope is left"
    fi
}

# An allocation past memory.limit is OOM-killed, the kernel counts it, and
# `rt events` reports it, its stream ending by itself with the container.
check_oom_events() {
    config '["/bin/rt-testhelper", "eat-memory", "256"]' "$(limits '{"memory": {"limit": 33554432, "swap": 33554432}}')"
    create "$ID"
    if [ "$VERSION" = v1 ]; then
        limit_file=$(cg "$ID" memory)/memory.limit_in_bytes kills_file=$(cg "$ID" memory)/memory.oom_control
    else
        limit_file=$(cg "$ID")/memory.max kills_file=$(cg "$ID")/memory.events
    fi
    [ "$(value "$limit_file")" = 33554432 ] || fail "$limit_file: $(value "$limit_file")"
    rt events --interval 1s "$ID" > "$SCRATCH/events" 2>&1 &
    events=$!
    sleep 1    # registered before the start
    pid=$(pid_of "$ID")
    rt start "$ID" || fail "rt start: exit $?"
    wait_status "$ID" stopped || fail "not stopped 30 s after start: $(rt state "$ID")"
    # The kernel's own count of OOM kills; with systemd, the scope (and its
    # count) is gone as soon as it is empty: the kernel's log says it then.
    if [ "$DRIVER" = systemd ]; then
        eventually 'dmesg | grep -q "Memory cgroup out of memory: Killed process $pid "' ||
            fail "no OOM kill of $pid in the kernel's log: $(dmesg | tail -n 5)"
    else
        kills=$(sed -n 's/^oom_kill //p' "$kills_file")
        [ "${kills:-0}" -ge 1 ] || fail "no OOM kill counted in $kills_file: $(value "$kills_file")"
    fi
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

# systemd removes an empty scope's cgroup at once: the cgroup of a container
# that an OOM kill ended can be gone before rt events reads what the kernel
# told it. rt events is stopped from before the kill until the cgroup is
# gone (removed here as systemd would on cgroupfs), so it reads late.
check_oom_events_after_removal() {
    config '["/bin/rt-testhelper", "eat-memory", "256"]' "$(limits '{"memory": {"limit": 33554432, "swap": 33554432}}')"
    create "$ID"
    flag=
    [ "$DRIVER" = systemd ] && flag=--systemd-cgroup
    # Not through rt(): $! must be rt itself, to stop it.
    # shellcheck disable=SC2086
    "$RT_BIN" --root "$RT_ROOT" $flag events --interval 1h "$ID" > "$SCRATCH/events" 2>&1 &
    events=$!
    sleep 1    # registered before the start
    kill -STOP "$events"
    rt start "$ID" || { kill -KILL "$events"; fail "rt start: exit $?"; }
    wait_status "$ID" stopped || { kill -KILL "$events"; fail "not stopped 30 s after start: $(rt state "$ID")"; }
    memory=$(cg "$ID" memory)
    if [ "$DRIVER" = systemd ]; then
        eventually '[ ! -e "$memory" ]' || { kill -KILL "$events"; fail "systemd left the empty scope's cgroup $memory"; }
    else
        eventually 'rmdir "$memory" 2>/dev/null' || { kill -KILL "$events"; fail "cannot remove $memory"; }
    fi
    kill -CONT "$events"
    i=0
    while kill -0 "$events" 2>/dev/null; do
        i=$((i + 1))
        [ "$i" -le 300 ] || { kill -KILL "$events"; fail "rt events still running 30 s after the container stopped"; }
        sleep 0.1
    done
    grep -q "^{\"type\":\"oom\",\"id\":\"$ID\"}\$" "$SCRATCH/events" ||
        fail "no oom event from rt events once the cgroup was gone: $(head -c 400 "$SCRATCH/events")"
    rt delete "$ID" || fail "rt delete: exit $?"
    gone "$ID"
}

check_pids_limit() {
    config '["/bin/rt-testhelper", "fork", "50"]' "$(limits '{"pids": {"limit": 10}}')"
    out=$(rt run --bundle "$BUNDLE" "$ID" < /dev/null 2> "$SCRATCH/run.err") || fail "rt run: exit $?: $(cat "$SCRATCH/run.err")"
    # The helper itself is one of the ten.
    [ "$out" = 9 ] || fail "forks that succeeded under a pids limit of 10: $out"
    grep -q EAGAIN "$SCRATCH/run.err" || fail "no EAGAIN from the failed forks: $(cat "$SCRATCH/run.err")"
    gone "$ID"
}

check_cpuset_binds() {
    config '["/bin/rt-testhelper", "status", "Cpus_allowed_list"]' "$(limits '{"cpu": {"cpus": "0"}}')"
    out=$(rt run --bundle "$BUNDLE" "$ID" < /dev/null 2> "$SCRATCH/run.err") || fail "rt run: exit $?: $(cat "$SCRATCH/run.err")"
    [ "$out" = 0 ] || fail "Cpus_allowed_list inside: $out"
    gone "$ID"
}

check_cpu_throttled() {
    config "$(sh_args 'while :; do :; done')" "$(limits '{"cpu": {"quota": 20000, "period": 100000}}')"
    create_started "$ID"
    sleep 2
    throttled=$(sed -n 's/^nr_throttled //p' "$(cg "$ID" cpu)/cpu.stat")
    rt delete --force "$ID" || fail "rt delete --force: exit $?"
    [ "${throttled:-0}" -ge 1 ] || fail "a busy loop under a quota was never throttled (cpu.stat nr_throttled $throttled)"
    gone "$ID"
}

# The devices a container may open: the defaults, and what its rules add or
# take away (a later rule wins). /dev/kmsg (c 1:11, readable with
# CAP_SYSLOG) is not a default device; mknod of any device is allowed
# (runc's defaults): the node is made inside, on /dev (a tmpfs without nodev).
check_devices() {
    try() {
        rules=$1 want=$2
        CAPS='["CAP_MKNOD", "CAP_SYSLOG"]' config "$(sh_args 'mknod /dev/kmsg2 c 1 11 && rt-testhelper open /dev/kmsg2 rw && rt-testhelper open /dev/kmsg2 r && rt-testhelper open /dev/null rw && rt-testhelper open /dev/kmsg2 w')" \
            "$(limits "{\"devices\": $rules}")"
        out=$(rt run --bundle "$BUNDLE" "$ID" < /dev/null 2> "$SCRATCH/run.err") || fail "rt run: exit $?: $(cat "$SCRATCH/run.err")"
        got=$(echo "$out" | tr '\n' ' ')
        [ "$got" = "$want" ] || fail "devices $rules: kmsg rw, kmsg r, null rw, kmsg w gave: $got, expected: $want"
        gone "$ID"
    }
    try '[]' "EPERM EPERM ok EPERM "
    try '[{"allow": true, "type": "c", "major": 1, "minor": 11, "access": "r"}]' "EPERM ok ok EPERM "
    try '[{"allow": true, "type": "c", "major": 1, "access": "rw"}]' "ok ok ok ok "
    # Allow everything, then take a device away again: the later rule wins.
    try '[{"allow": true, "access": "rwm"}, {"allow": false, "type": "c", "major": 1, "minor": 11, "access": "w"}]' "EPERM ok ok EPERM "
}

# frozen_file ID: the file saying whether the container's cgroup is frozen,
# and its frozen content.
frozen() {
    if [ "$VERSION" = v1 ]; then
        [ "$(value "$(cg "$1" freezer)/freezer.state")" = FROZEN ]
    else
        [ "$(value "$(cg "$1")/cgroup.freeze")" = 1 ] && grep -q '^frozen 1$' "$(cg "$1")/cgroup.events"
    fi
}

check_pause_resume() {
    config "$(sh_args 'i=0; while :; do i=$((i+1)); echo $i > /tmp/p.new; mv /tmp/p.new /tmp/p; done')" "$(limits '{}')"
    create_started "$ID"
    pid=$(pid_of "$ID")
    progress() { cat "/proc/$pid/root/tmp/p" 2>/dev/null || echo 0; }
    eventually '[ "$(progress)" -gt 0 ]' || fail "no progress at all"
    rt pause "$ID" || fail "rt pause: exit $?"
    [ "$(status_of "$ID")" = paused ] || fail "after pause: $(rt state "$ID")"
    frozen "$ID" || fail "the cgroup is not frozen"
    rt list | grep -q "^$ID .*paused" || fail "rt list does not say paused: $(rt list)"
    p1=$(progress)
    sleep 1
    p2=$(progress)
    [ "$p1" = "$p2" ] || fail "made progress while paused: $p1 -> $p2"
    err=$(rt pause "$ID" 2>&1) && fail "a second rt pause succeeded"
    case $err in *"container not running"*) ;; *) fail "a second rt pause said: $err" ;; esac
    err=$(rt delete "$ID" 2>&1) && fail "rt delete of a paused container succeeded"
    case $err in *"not stopped: paused"*) ;; *) fail "rt delete of a paused container said: $err" ;; esac
    rt resume "$ID" || fail "rt resume: exit $?"
    [ "$(status_of "$ID")" = running ] || fail "after resume: $(rt state "$ID")"
    ! frozen "$ID" || fail "still frozen after resume"
    eventually '[ "$(progress)" -gt "$p2" ]' || fail "no progress after resume"
    err=$(rt resume "$ID" 2>&1) && fail "a second rt resume succeeded"
    case $err in *"container not paused"*) ;; *) fail "a second rt resume said: $err" ;; esac
    # delete --force of a paused container thaws it so that SIGKILL acts.
    rt pause "$ID" || fail "rt pause (again): exit $?"
    rt delete --force "$ID" || fail "rt delete --force of a paused container: exit $?"
    gone "$ID"
}

# What update refuses, and that it needs a live container.
check_update_errors() {
    config '["/bin/rt-testhelper", "pause"]' "$(limits '{"memory": {"limit": 67108864}}')"
    create_started "$ID"
    err=$(rt update --memory lots "$ID" 2>&1) && fail "rt update --memory lots succeeded"
    case $err in *'--memory: invalid size: "lots"'*) ;; *) fail "rt update --memory lots said: $err" ;; esac
    if [ "$VERSION" = v1 ]; then
        # A limit below what it uses now: the kernel refuses, rt says why.
        err=$(rt update --memory 4096 "$ID" 2>&1) && fail "a memory limit below the usage was taken"
        case $err in *"memory.limit: unable to set memory limit to 4096 (current usage: "*) ;;
        *) fail "rt update --memory 4096 said: $err" ;; esac
        # New device rules cannot be put in place on cgroup v1.
        err=$(echo '{"devices": [{"allow": true, "access": "rwm"}]}' | rt update -r - "$ID" 2>&1) &&
            fail "new device rules were taken on cgroup v1"
        case $err in *"devices: cgroup v1 cannot change the device rules"*) ;; *) fail "rt update of devices said: $err" ;; esac
    fi
    rt kill "$ID" KILL || fail "rt kill: exit $?"
    wait_status "$ID" stopped || fail "not stopped after kill"
    err=$(rt update --memory 128m "$ID" 2>&1) && fail "rt update of a stopped container succeeded"
    case $err in *"container not running"*) ;; *) fail "rt update of a stopped container said: $err" ;; esac
    rt delete "$ID" || fail "rt delete: exit $?"
    ! rt update --memory 64m "$ID" 2> /dev/null || fail "rt update of a deleted container succeeded"
    gone "$ID"
}

# An updated pids limit holds inside: the container forks only once the
# update is in (it waits on a fifo in its /tmp).
check_update_holds_inside() {
    config "$(sh_args 'mkfifo /tmp/go; read x < /tmp/go; rt-testhelper fork 30 > /tmp/forks 2>/dev/null; exec sleep 1000')" \
        "$(limits '{"pids": {"limit": 5}}')"
    create_started "$ID"
    pid=$(pid_of "$ID")
    eventually '[ -p "/proc/$pid/root/tmp/go" ]' || fail "no fifo in the container"
    rt update --pids-limit 12 "$ID" || fail "rt update --pids-limit 12: exit $?"
    echo go > "/proc/$pid/root/tmp/go"
    eventually '[ -s "/proc/$pid/root/tmp/forks" ]' || fail "the container never forked"
    # The shell and the helper are two of the 12.
    forks=$(cat "/proc/$pid/root/tmp/forks")
    rt delete --force "$ID" || fail "rt delete --force: exit $?"
    [ "$forks" = 10 ] || fail "forks that succeeded after an update to 12: $forks"
    gone "$ID"
}

check_ps() {
    config "$(sh_args 'sleep 1000 & exec rt-testhelper pause')" "$(limits '{}')"
    create_started "$ID"
    procs=$(cg "$ID")/cgroup.procs
    eventually '[ "$(wc -l < "$procs")" -ge 2 ]' || fail "cgroup.procs: $(value "$procs")"
    json=$(rt ps --format json "$ID") || fail "rt ps --format json: exit $?"
    want=$(sort -n "$procs" | tr '\n' ',' | sed 's/,$//')
    [ "$json" = "[$want]" ] || fail "rt ps --format json: $json, cgroup.procs: [$want]"
    table=$(rt ps "$ID") || fail "rt ps: exit $?"
    echo "$table"
    # ps -ef's header (procps: "UID PID ...", busybox: "PID USER ...").
    echo "$table" | head -n 1 | grep -qw PID || fail "not ps -ef's header"
    echo "$table" | grep -q 'sleep 1000' || fail "no sleep 1000"
    echo "$table" | grep -q 'rt-testhelper pause' || fail "no rt-testhelper pause"
    [ "$(echo "$table" | wc -l)" = 3 ] || fail "not a header and two processes"
    table=$(rt ps "$ID" -- -o pid,comm) || fail "rt ps -- -o pid,comm: exit $?"
    echo "$table" | head -n 1 | grep -q "PID *COMMAND" || fail "rt ps -o pid,comm: $table"
    echo "$table" | grep -q "^ *${want%%,*} " || fail "rt ps -o pid,comm: no ${want%%,*}: $table"
    err=$(rt ps "$ID" -o comm 2>&1) && fail "rt ps -o comm succeeded"
    case $err in *"couldn't find PID field in ps output"*) ;; *) fail "rt ps -o comm said: $err" ;; esac
    rt delete --force "$ID" || fail "rt delete --force: exit $?"
    gone "$ID"
}

# Without a pid namespace the init's death leaves its child: kill --all
# reaches it through the cgroup.
check_kill_all() {
    NAMESPACES='{"type": "mount"}, {"type": "ipc"}, {"type": "uts"}, {"type": "network"}'
    config "$(sh_args 'sleep 1000 & exec rt-testhelper pause')" "$(limits '{}')"
    create_started "$ID"
    procs=$(cg "$ID")/cgroup.procs
    eventually '[ "$(wc -l < "$procs")" -ge 2 ]' || fail "cgroup.procs: $(value "$procs")"
    init=$(pid_of "$ID")
    sleeper=$(grep -vx "$init" "$procs")
    rt kill "$ID" KILL || fail "rt kill: exit $?"
    wait_status "$ID" stopped || fail "not stopped after kill"
    alive "$sleeper" || fail "the background process $sleeper died with the init"
    rt kill --all "$ID" KILL || fail "rt kill --all: exit $?"
    eventually '! alive "$sleeper"' || fail "the background process $sleeper survived kill --all"
    rt delete "$ID" || fail "rt delete: exit $?"
    gone "$ID"
}

check_events_stats() {
    config '["/bin/rt-testhelper", "pause"]' "$(limits '{"memory": {"limit": 67108864}, "pids": {"limit": 50}}')"
    create_started "$ID"
    stats=$(rt events --stats "$ID") || fail "rt events --stats: exit $?"
    echo "$stats"
    [ "$(echo "$stats" | wc -l)" = 1 ] || fail "not one line"
    case $stats in "{\"type\":\"stats\",\"id\":\"$ID\",\"data\":{\"cpu\":{\"usage\":{\"total\":"[1-9]*) ;; *) fail "not runc's stats object with CPU time used" ;; esac
    for key in cpu memory pids blkio hugetlb; do
        case $stats in *"\"$key\":"*) ;; *) fail "no \"$key\"" ;; esac
    done
    case $stats in *'"memory":{"usage":{"limit":67108864,"usage":'[1-9]*) ;; *) fail "not the memory limit and a usage" ;; esac
    case $stats in *'"pids":{"current":1,"limit":50}'*) ;; *) fail "not one process of 50" ;; esac
    err=$(rt events --interval 0s "$ID" 2>&1) && fail "rt events --interval 0s succeeded"
    case $err in *"duration interval must be greater than 0"*) ;; *) fail "rt events --interval 0s said: $err" ;; esac
    rt kill "$ID" KILL || fail "rt kill: exit $?"
    wait_status "$ID" stopped || fail "not stopped after kill"
    err=$(rt events --stats "$ID" 2>&1) && fail "rt events --stats of a stopped container succeeded"
    case $err in *"container with id $ID is not running"*) ;; *) fail "rt events --stats of a stopped container said: $err" ;; esac
    rt delete "$ID" || fail "rt delete: exit $?"
    gone "$ID"
}

# A value the kernel refuses fails the create, and nothing is left: no
# state, no cgroup, not even the parent rt made for it (v1: the parent rt
# makes has no realtime budget to give).
check_kernel_refusal_leaves_nothing() {
    config '["/bin/rt-testhelper", "pause"]' "$(limits '{"memory": {"limit": 67108864}, "cpu": {"realtimeRuntime": 1000}}')"
    err=$(rt create --bundle "$BUNDLE" "$ID" 2>&1 < /dev/null) && fail "rt create succeeded"
    # (EINVAL, or ENOENT from a kernel without realtime group scheduling)
    case $err in *"cpu.realtimeRuntime: write $(cg "$ID" cpu)/cpu.rt_runtime_us \"1000\": "*) ;;
    *) fail "rt create said: $err" ;; esac
    [ ! -e "$RT_ROOT/$ID" ] || fail "$RT_ROOT/$ID is left"
    gone "$ID"
    if [ "$DRIVER" = cgroupfs ]; then
        for h in $(hierarchies); do [ ! -e "$h/$PARENT" ] || fail "$h/$PARENT is left"; done
    fi
}

# v1: a cpuset parent rt makes has the kernel fill in each container's
# cpuset at its mkdir (cgroup.clone_children), so that rt need not write
# cpuset.cpus, which costs a check against every sibling. The first
# container is made with the parent (rt fills it in itself), the second
# below the parent as it is then (the kernel did): both have the parent's
# CPUs and nodes and their process in them (a cpuset without takes none).
check_cpuset_parent_clones() {
    cpuset=$(hierarchy cpuset)
    first=$ID
    config '["/bin/rt-testhelper", "pause"]' "$(limits '{}')"
    create "$first"
    ID=$first-2
    config '["/bin/rt-testhelper", "pause"]' "$(limits '{}')"
    create "$ID"
    [ "$(value "$cpuset/$PARENT/cgroup.clone_children")" = 1 ] ||
        fail "$cpuset/$PARENT/cgroup.clone_children: $(value "$cpuset/$PARENT/cgroup.clone_children")"
    for c in "$first" "$ID"; do
        for f in cpuset.cpus cpuset.mems; do
            [ "$(value "$cpuset/$PARENT/$c/$f")" = "$(value "$cpuset/$PARENT/$f")" ] ||
                fail "$cpuset/$PARENT/$c/$f: '$(value "$cpuset/$PARENT/$c/$f")', the parent's: '$(value "$cpuset/$PARENT/$f")'"
        done
        [ "$(value "$cpuset/$PARENT/$c/cgroup.procs")" = "$(pid_of "$c")" ] ||
            fail "$cpuset/$PARENT/$c/cgroup.procs: $(value "$cpuset/$PARENT/$c/cgroup.procs")"
    done
    rt delete --force "$first" || fail "rt delete --force $first: exit $?"
    rt delete --force "$ID" || fail "rt delete --force $ID: exit $?"
    gone "$first"
    gone "$ID"
}

# What this host cannot apply is refused before anything is made, naming
# the field.
check_refused_before_anything() {
    refused() {
        config '["/bin/rt-testhelper", "pause"]' "$(limits "$1")"
        err=$(rt create --bundle "$BUNDLE" "$ID" 2>&1 < /dev/null) && fail "rt create with $1 succeeded"
        case $err in *"config.json: .linux.resources: $2"*) ;; *) fail "rt create with $1 said: $err" ;; esac
        [ ! -e "$RT_ROOT/$ID" ] || fail "$RT_ROOT/$ID is left"
        for h in $(hierarchies); do
            [ ! -e "$h$(cgroup_of "$ID")" ] || fail "$h$(cgroup_of "$ID") is left"
            [ "$DRIVER" = systemd ] || [ ! -e "$h/$PARENT" ] || fail "$h/$PARENT is left"
        done
        if [ "$DRIVER" = systemd ]; then
            [ "$(systemctl show -p LoadState --value "$(unit_of "$ID")")" = not-found ] || fail "a unit was made"
        fi
        echo "refused: $1"
    }
    if [ "$VERSION" = v2 ]; then
        refused '{"network": {"classID": 1}}' "network: cgroup v2 has no net_cls or net_prio controller"
        refused '{"memory": {"swappiness": 10}}' "memory.swappiness: cgroup v2 has no per-cgroup swappiness"
        refused '{"cpu": {"realtimeRuntime": 1000}}' "cpu.realtimeRuntime: cgroup v2 has no realtime CPU budget"
        refused '{"memory": {"kernel": 1048576}}' "memory.kernel: cgroup v2 has no separate kernel memory limit"
        return 0
    fi
    [ -n "$(hierarchy net_cls)" ] ||
        refused '{"network": {"classID": 1}}' 'network.classID: this host has no cgroup v1 "net_cls" hierarchy'
    [ -n "$(hierarchy rdma)" ] ||
        refused '{"rdma": {"mlx5_1": {"hcaHandles": 3}}}' 'rdma: this host has no cgroup v1 "rdma" hierarchy'
    [ -n "$(hierarchy hugetlb)" ] ||
        refused '{"hugepageLimits": [{"pageSize": "2MB", "limit": 2097152}]}' "hugepageLimits: this host has no"
    if [ "$HYBRID" = 1 ]; then
        grep -qw memory "$CG/unified/cgroup.controllers" ||
            refused '{"unified": {"memory.high": "1000000"}}' 'unified: "memory.high": controller "memory" is not on this hybrid host'
    else
        refused '{"unified": {"memory.high": "1000000"}}' "unified: cgroup v2 settings, but this host has cgroup v1 only"
    fi
}

# run_cgroup_checks: every check that means something here (driver, version).
run_cgroup_checks() {
    t "the init is in its cgroup in every hierarchy before it starts, and the state names them" check_init_in_every_cgroup
    t "without cgroupsPath the container gets the driver's default cgroup" check_default_path
    [ "$DRIVER" = systemd ] ||
        t "the init and an exec'd process join their cgroups as they are born, never moved by pid" check_joins_at_birth
    for GROUP in $(expectations | awk '/^@ / { print $2 ":" $3 }'); do
        where=${GROUP#*:}
        GROUP=${GROUP%%:*}
        applies "$where" || continue
        what="files"
        [ "$DRIVER" = systemd ] && what="files and unit properties"
        t "expectations \"$GROUP\": each resource lands in its $what" check_group
    done
    t "an allocation past the memory limit is OOM-killed, counted, and reported by rt events" check_oom_events
    t "an OOM kill is reported by rt events even when the cgroup is gone before it reads it" check_oom_events_after_removal
    t "a pids limit caps forks" check_pids_limit
    t "a cpuset from the config binds the process" check_cpuset_binds
    t "a busy loop under a CPU quota is throttled" check_cpu_throttled
    t "a denied device cannot be opened, an allowed one can" check_devices
    t "rt pause freezes (state paused, no progress), rt resume thaws" check_pause_resume
    t "rt update refuses what it cannot do, and needs a live container" check_update_errors
    t "an updated pids limit holds inside" check_update_holds_inside
    t "rt ps lists the cgroup's processes" check_ps
    t "rt kill --all reaches a background process even after the init is gone" check_kill_all
    t "rt events --stats prints one object in runc's format" check_events_stats
    if [ "$VERSION" = v1 ]; then
        t "a value the kernel refuses fails the create and leaves nothing" check_kernel_refusal_leaves_nothing
        [ "$DRIVER" = systemd ] ||
            t "a cpuset parent rt makes fills in its containers' cpusets itself" check_cpuset_parent_clones
    fi
    t "what this host cannot apply is refused before anything is made" check_refused_before_anything
}

# Run directly (not sourced): the checks alone.
if [ "${0##*/}" = checks.sh ]; then
    . "$(dirname -- "$0")/lib.sh"
    run_cgroup_checks
    finish
fi
