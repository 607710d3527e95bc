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

t "systemd is PID 1 with dbus, on cgroup $WANT_VERSION" check_systemd_is_pid1
t "the container's cgroup is a scope: Delegate=yes, its slice, the init in it, accounting" check_scope
t "SLICE:PREFIX:NAME with a nested slice and with the root slice" check_slices
t "the device rules as DevicePolicy=strict and DeviceAllow" check_device_properties
t "a unit of that name already there: a clear error, nothing left, the other unit untouched" check_unit_exists
t "a create failing after the unit started stops it" check_failed_create_stops_the_unit
t "systemd unreachable: an error naming D-Bus and systemd, nothing made" check_unreachable
run_cgroup_checks
finish
