#!/bin/sh
# tests/vm/systemd-checks.sh [v1|v2]: rt --systemd-cgroup against a real
# systemd (PID 1, with dbus), in the VM of scripts/vm-systemd.
#
# First what only the systemd driver does: the scope (Delegate=yes, the
# init's PID, its slice, accounting), the forms of linux.cgroupsPath, a
# unit of the same name already there, a create that fails after the unit
# started, and a systemd that cannot be reached. Then rt's cgroup
# expectations (tests/cgroups/checks.sh, the same checks as on the cgroup v1
# host and in the cgroup v2 VM) through systemd: every resource in its file
# and in its unit property, and delete leaving no unit and no cgroup.
#
# The argument is the cgroup version the VM was booted with (checked).
# Runs as root; RT_BIN, ROOTFS: see tests/cgroups/lib.sh (the VM's are
# /opt/rt/bin/rt and /opt/rt/rootfs). Prints TAP.

# shellcheck disable=SC2016

CHECKS_DIR=${CHECKS_DIR:-$(dirname -- "$0")/../cgroups}
RT_BIN=${RT_BIN:-/opt/rt/bin/rt}
ROOTFS=${ROOTFS:-/opt/rt/rootfs}
RT_ROOT=${RT_ROOT:-/run/rt-systemd-checks}
DRIVER=systemd
. "$CHECKS_DIR/lib.sh"
. "$CHECKS_DIR/checks.sh"
WANT_VERSION=${1:-v2}

check_systemd_is_pid1() {
    [ "$(cat /proc/1/comm)" = systemd ] || fail "PID 1 is $(cat /proc/1/comm)"
    [ -S /run/dbus/system_bus_socket ] || fail "no system bus"
    [ "$VERSION" = "$WANT_VERSION" ] || fail "cgroup $VERSION, booted for $WANT_VERSION: $(grep cgroup /proc/mounts)"
    if [ "$VERSION" = v1 ]; then
        [ -n "$(hierarchy memory)" ] || fail "no v1 memory hierarchy: $(grep cgroup /proc/mounts)"
    fi
    systemctl --version | head -n 1
}

# The scope: Delegate=yes, in its slice, with the init in it (systemd's own
# view and the kernel's), accounting on, and gone after delete.
check_scope() {
    config '["/bin/rt-testhelper", "pause"]' "$(limits '{}')"
    create "$ID"
    pid=$(pid_of "$ID")
    unit=$(unit_of "$ID")
    for pair in "Delegate=yes" "Slice=$SLICE" "ActiveState=active" "ControlGroup=$(cgroup_of "$ID")" \
                "Description=rt container $ID" "MemoryAccounting=yes" "CPUAccounting=yes" "TasksAccounting=yes"; do
        got=$(property "$ID" "${pair%%=*}")
        [ "$got" = "${pair#*=}" ] || fail "$unit: ${pair%%=*}=$got, expected ${pair#*=}"
    done
    systemctl status "$unit" | grep -q "[^0-9]$pid " || fail "systemctl status $unit does not list the init $pid: $(systemctl status "$unit")"
    [ "$(value "$(cg "$ID")/cgroup.procs")" = "$pid" ] || fail "cgroup.procs: $(value "$(cg "$ID")/cgroup.procs")"
    rt start "$ID" || fail "rt start: exit $?"
    [ "$(status_of "$ID")" = running ] || fail "after start: $(rt state "$ID")"
    rt kill "$ID" KILL || fail "rt kill: exit $?"
    wait_status "$ID" stopped || fail "not stopped after kill"
    rt delete "$ID" || fail "rt delete: exit $?"
    gone "$ID"
}

# A slice with dashes is a slice inside slices; the root slice "-.slice".
check_slices() {
    nested=rt-nested$$.slice
    for path in "$nested:nest:$ID" "-.slice:root:$ID"; do
        config '["/bin/rt-testhelper", "pause"]' "\"cgroupsPath\": \"$path\""
        create "$ID"
        pid=$(pid_of "$ID")
        case $path in
        -.slice*) want=/root-$ID.scope unit=root-$ID.scope ;;
        *) want=/rt.slice/$nested/nest-$ID.scope unit=nest-$ID.scope ;;
        esac
        grep -q "^0::$want\$\|:name=systemd:$want\$" "/proc/$pid/cgroup" || fail "/proc/$pid/cgroup: $(cat "/proc/$pid/cgroup"), expected $want"
        [ "$(systemctl show -p ControlGroup --value "$unit")" = "$want" ] || fail "$unit: ControlGroup=$(systemctl show -p ControlGroup --value "$unit")"
        rt delete --force "$ID" || fail "rt delete --force: exit $?"
        [ "$(systemctl show -p ActiveState --value "$unit")" = inactive ] || fail "$unit left after delete"
    done
    systemctl stop "$nested" rt.slice
}

# The device rules as systemd's DevicePolicy and DeviceAllow.
check_device_properties() {
    config '["/bin/rt-testhelper", "pause"]' "$(limits '{"devices": [{"allow": true, "type": "c", "major": 1, "minor": 11, "access": "r"}]}')"
    create "$ID"
    [ "$(property "$ID" DevicePolicy)" = strict ] || fail "DevicePolicy=$(property "$ID" DevicePolicy)"
    allow=$(property "$ID" DeviceAllow)
    echo "DeviceAllow: $allow"
    for entry in "/dev/char/1:11 r" "/dev/char/1:3 rwm" "char-136 rwm" "char-* m" "block-* m"; do
        case " $allow " in *"$entry"*) ;; *) fail "no \"$entry\" in DeviceAllow" ;; esac
    done
    rt delete --force "$ID" || fail "rt delete --force: exit $?"
    gone "$ID"
}

# A unit of that name is there (another scope): the create fails naming it,
# leaves nothing of its own, and the other scope lives on.
check_unit_exists() {
    unit=$(unit_of "$ID")
    systemd-run --quiet --scope --unit="$unit" --slice="$SLICE" sleep 1000 > /dev/null 2>&1 &
    eventually '[ "$(systemctl show -p ActiveState --value "$unit")" = active ]' || fail "systemd-run did not make $unit"
    config '["/bin/rt-testhelper", "pause"]' "$(limits '{}')"
    err=$(rt create --bundle "$BUNDLE" "$ID" 2>&1 < /dev/null) && fail "rt create succeeded over $unit"
    echo "$err"
    case $err in *"systemd already has a unit $unit"*) ;; *) fail "rt create said: $err" ;; esac
    [ ! -e "$RT_ROOT/$ID" ] || fail "$RT_ROOT/$ID is left"
    [ "$(systemctl show -p ActiveState --value "$unit")" = active ] || fail "the other $unit was stopped"
    [ "$(wc -l < "$(cg "$ID")/cgroup.procs")" = 1 ] || fail "the other scope's cgroup: $(value "$(cg "$ID")/cgroup.procs")"
    systemctl stop "$unit"
    gone "$ID"
}

# A value the files refuse after systemd made the scope: the create fails
# and stops the unit it started.
check_failed_create_stops_the_unit() {
    if [ "$VERSION" = v2 ]; then
        config '["/bin/rt-testhelper", "pause"]' "$(limits '{"unified": {"cpu.max.burst": "lots"}}')"
        file=cpu.max.burst
    else
        config '["/bin/rt-testhelper", "pause"]' "$(limits '{"cpu": {"realtimeRuntime": 1000}}')"
        file=cpu.rt_runtime_us
    fi
    err=$(rt create --bundle "$BUNDLE" "$ID" 2>&1 < /dev/null) && fail "rt create succeeded"
    echo "$err"
    case $err in *"$file"*) ;; *) fail "rt create said: $err" ;; esac
    [ ! -e "$RT_ROOT/$ID" ] || fail "$RT_ROOT/$ID is left"
    gone "$ID"
}

# systemd unreachable (its sockets hidden in a mount namespace of rt's
# own): a clear error naming D-Bus and systemd, before anything is made.
check_unreachable() {
    config '["/bin/rt-testhelper", "pause"]' "$(limits '{}')"
    err=$(unshare -m --propagation private sh -c '
        mount --bind /dev/null /run/dbus/system_bus_socket &&
        mount --bind /dev/null /run/systemd/private &&
        exec "$@"' sh timeout "$TIMEOUT" "$RT_BIN" --root "$RT_ROOT" --systemd-cgroup create --bundle "$BUNDLE" "$ID" 2>&1 < /dev/null) &&
        fail "rt create succeeded without systemd"
    echo "$err"
    case $err in
    *"--systemd-cgroup: cannot reach systemd over D-Bus: connect /run/dbus/system_bus_socket: Connection refused; connect /run/systemd/private: Connection refused"*) ;;
    *) fail "rt create said: $err" ;;
    esac
    [ ! -e "$RT_ROOT/$ID" ] || fail "$RT_ROOT/$ID is left"
    [ "$(systemctl show -p LoadState --value "$(unit_of "$ID")")" = not-found ] || fail "a unit was made"
    gone "$ID"
}

# Rootless: rtuser (uid 1000, with subordinate IDs) and its own systemd
# instance (lingering, so that user@1000.service runs without a login).
USER_UID=1000
USER_RUNTIME=/run/user/$USER_UID

user_manager_up() {
    loginctl enable-linger rtuser || fail "loginctl enable-linger rtuser: exit $?"
    # Its start takes long under emulation: polled for up to 3 minutes.
    i=0
    until [ "$(systemctl is-active user@$USER_UID.service)" = active ] && [ -S "$USER_RUNTIME/bus" ]; do
        i=$((i + 1))
        [ "$i" -le 1800 ] ||
            fail "user@$USER_UID.service: $(systemctl is-active user@$USER_UID.service), $(ls -l "$USER_RUNTIME" 2>&1)"
        sleep 0.1
    done
}

# A command as rtuser in its session's environment (no inherited bus).
as_user() {
    setpriv --reuid="$USER_UID" --regid="$USER_UID" --init-groups \
        env -u DBUS_SESSION_BUS_ADDRESS HOME=/home/rtuser XDG_RUNTIME_DIR="$USER_RUNTIME" "$@"
}
user_rt() { as_user timeout "$TIMEOUT" "$RT_BIN" --systemd-cgroup "$@" < /dev/null; }
user_unit_property() { as_user systemctl --user show -p "$2" --value "rt-$1.scope"; }

# A bundle of rtuser's: `rt spec --rootless` with the checks' rootfs, the
# given args and resources, without a cgroup namespace (so that the
# container sees its own cgroup's path).
user_bundle() {
    UBUNDLE=/tmp/rt-user-bundle-$ID  # rtuser's: $SCRATCH is root's alone
    rm -rf "$UBUNDLE" && mkdir -p "$UBUNDLE" && chown "$USER_UID:$USER_UID" "$UBUNDLE" || fail "mkdir $UBUNDLE"
    (cd "$UBUNDLE" && as_user "$RT_BIN" spec --rootless) || fail "rt spec --rootless as rtuser"
    as_user python3 - "$UBUNDLE/config.json" "$ROOTFS" "$1" "$2" <<'PY' || fail "editing $UBUNDLE/config.json"
import json, sys
path, rootfs, args, resources = sys.argv[1:]
c = json.load(open(path))
c["root"] = {"path": rootfs, "readonly": True}
c["process"]["args"] = json.loads(args)
c["process"]["terminal"] = False
c["linux"]["namespaces"] = [n for n in c["linux"]["namespaces"] if n["type"] != "cgroup"]
c["linux"]["resources"] = json.loads(resources)
json.dump(c, open(path, "w"))
PY
}

# Nothing of the container is left: no state, no unit in rtuser's manager.
user_gone() {
    [ ! -e "$USER_RUNTIME/rt/$1" ] || fail "$USER_RUNTIME/rt/$1 is left"
    state=$(user_unit_property "$1" LoadState)
    [ "$state" = not-found ] || fail "rt-$1.scope is left in rtuser's systemd: LoadState=$state"
    [ -z "$(find /sys/fs/cgroup -name "rt-$1.scope" 2>/dev/null)" ] || fail "cgroup left: $(find /sys/fs/cgroup -name "rt-$1.scope")"
    rm -rf "/tmp/rt-user-bundle-$1"
}

# The first of the unified and the name=systemd line (a v1 boot of systemd in
# hybrid mode has both, naming the same cgroup).
SHOW_CGROUP='["/bin/sh", "-c", "p=$(sed -n \"s/^0:://p; s/^[0-9]*:name=systemd://p\" /proc/self/cgroup | head -n 1); echo cgroup=$p; cat /sys/fs/cgroup$p/memory.max 2>/dev/null || true"]'

# v2: the scope is in rtuser's own systemd (user.slice of user@1000), its
# memory.max the limit, seen from inside and from systemctl --user.
check_user_scope_v2() {
    user_manager_up
    user_bundle "$SHOW_CGROUP" '{"memory": {"limit": 33554432}}'
    out=$(cd "$UBUNDLE" && user_rt run "$ID" 2>&1) || fail "rootless rt --systemd-cgroup run: exit $?: $out"
    echo "$out"
    want=/user.slice/user-$USER_UID.slice/user@$USER_UID.service/user.slice/rt-$ID.scope
    printf '%s\n' "$out" | grep -qx "cgroup=$want" || fail "inside: not in $want: $out"
    printf '%s\n' "$out" | grep -qx 33554432 || fail "inside: memory.max is not the limit: $out"
    user_gone "$ID"
}

# The lifecycle through rtuser's systemd: create (the unit with the limit,
# Delegate, the init), start, ps, pause, resume, update, kill, delete.
check_user_lifecycle_v2() {
    user_manager_up
    user_bundle '["/bin/sh", "-c", "exec sleep 1000"]' '{"memory": {"limit": 33554432}, "pids": {"limit": 50}}'
    (cd "$UBUNDLE" && user_rt create "$ID") || fail "create: exit $?"
    pid=$(user_rt state "$ID" | sed -n 's/.*"pid": *\([0-9]*\).*/\1/p')
    for pair in ActiveState=active Delegate=yes Slice=user.slice MemoryMax=33554432 TasksMax=50 \
                "ControlGroup=/user.slice/user-$USER_UID.slice/user@$USER_UID.service/user.slice/rt-$ID.scope"; do
        got=$(user_unit_property "$ID" "${pair%%=*}")
        [ "$got" = "${pair#*=}" ] || fail "systemctl --user: ${pair%%=*}=$got, expected ${pair#*=}"
    done
    dir=/sys/fs/cgroup/user.slice/user-$USER_UID.slice/user@$USER_UID.service/user.slice/rt-$ID.scope
    [ "$(cat "$dir/memory.max")" = 33554432 ] || fail "memory.max: $(cat "$dir/memory.max")"
    [ "$(cat "$dir/cgroup.procs")" = "$pid" ] || fail "cgroup.procs: $(cat "$dir/cgroup.procs"), init $pid"
    user_rt start "$ID" || fail "start: exit $?"
    user_rt ps "$ID" | grep -qw "$pid" || fail "ps: $(user_rt ps "$ID")"
    user_rt pause "$ID" || fail "pause: exit $?"
    user_rt state "$ID" | grep -q '"status": *"paused"' || fail "after pause: $(user_rt state "$ID")"
    [ "$(cat "$dir/cgroup.freeze")" = 1 ] || fail "cgroup.freeze after pause: $(cat "$dir/cgroup.freeze")"
    user_rt resume "$ID" || fail "resume: exit $?"
    user_rt state "$ID" | grep -q '"status": *"running"' || fail "after resume: $(user_rt state "$ID")"
    user_rt update --memory 67108864 "$ID" || fail "update: exit $?"
    [ "$(user_unit_property "$ID" MemoryMax)" = 67108864 ] || fail "MemoryMax after update: $(user_unit_property "$ID" MemoryMax)"
    [ "$(cat "$dir/memory.max")" = 67108864 ] || fail "memory.max after update: $(cat "$dir/memory.max")"
    user_rt events --stats "$ID" | grep -q '"memory"' || fail "events --stats: $(user_rt events --stats "$ID")"
    user_rt kill --all "$ID" KILL || fail "kill --all: exit $?"
    eventually "! alive $pid" || fail "the init $pid lives on after kill --all"
    user_rt delete "$ID" || fail "delete: exit $?"
    user_gone "$ID"
}

# v1: a user's systemd is delegated no controller: a limit is a clear error
# (nothing made); a run without limits is in the user's scope.
check_user_v1() {
    user_manager_up
    user_bundle "$SHOW_CGROUP" '{"memory": {"limit": 33554432}}'
    err=$(cd "$UBUNDLE" && user_rt run "$ID" 2>&1) && fail "a limit rootless on v1 was taken: $err"
    echo "$err"
    case $err in
    *memory*"cgroup v1: the user's systemd instance is delegated no controller"*) ;;
    *) fail "rt said: $err" ;;
    esac
    user_gone "$ID"
    user_bundle "$SHOW_CGROUP" '{}'
    out=$(cd "$UBUNDLE" && user_rt run "$ID" 2>&1) || fail "a run without limits: exit $?: $out"
    echo "$out"
    want=/user.slice/user-$USER_UID.slice/user@$USER_UID.service/user.slice/rt-$ID.scope
    printf '%s\n' "$out" | grep -qx "cgroup=$want" || fail "inside: not in $want: $out"
    user_gone "$ID"
}

# No user bus: an error naming D-Bus and the user's systemd, nothing made.
check_user_no_bus() {
    user_manager_up
    user_bundle '["/bin/true"]' '{}'
    err=$(cd "$UBUNDLE" && as_user env XDG_RUNTIME_DIR=/tmp/rt-no-such-runtime-dir timeout "$TIMEOUT" "$RT_BIN" \
        --root "$USER_RUNTIME/rt" --systemd-cgroup run "$ID" 2>&1 < /dev/null) && fail "run succeeded without a bus"
    echo "$err"
    case $err in
    *"cannot reach the user's systemd instance (systemd --user) over D-Bus"*"/tmp/rt-no-such-runtime-dir/bus"*) ;;
    *) fail "rt said: $err" ;;
    esac
    user_gone "$ID"
}

t "systemd is PID 1 with dbus, on cgroup $WANT_VERSION" check_systemd_is_pid1
t "the container's cgroup is a scope: Delegate=yes, its slice, the init in it, accounting" check_scope
t "SLICE:PREFIX:NAME with a nested slice and with the root slice" check_slices
t "the device rules as DevicePolicy=strict and DeviceAllow" check_device_properties
t "a unit of that name already there: a clear error, nothing left, the other unit untouched" check_unit_exists
t "a create failing after the unit started stops it" check_failed_create_stops_the_unit
t "systemd unreachable: an error naming D-Bus and systemd, nothing made" check_unreachable
if [ "$VERSION" = v2 ]; then
    t "rootless: the scope in the user's systemd, memory.max the limit inside" check_user_scope_v2
    t "rootless: create/start/ps/pause/resume/update/kill --all/delete through the user's systemd" check_user_lifecycle_v2
else
    t "rootless on v1: a limit is a clear error, a run without limits is in the user's scope" check_user_v1
fi
t "rootless without the user's bus: an error naming D-Bus and the user's systemd, nothing made" check_user_no_bus
run_cgroup_checks
finish
