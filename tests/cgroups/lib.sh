# tests/cgroups/lib.sh: what the cgroup check scripts share (sourced, POSIX
# sh: they run under busybox sh in the initramfs VM, and under bash or dash
# elsewhere). A TAP runner, an rt wrapper, a config writer, and where the
# container's cgroups are for the driver and cgroup version at hand.
#
# Environment (all optional):
#   RT_BIN   the rt under test (default /bin/rt, the initramfs VM's)
#   RT_ROOT  its --root (default /run/rt-cgroup-checks)
#   ROOTFS   a busybox rootfs with /bin/rt-testhelper (scripts/mkrootfs
#            --with-helper; default /bundle/rootfs); used read-only
#   DRIVER   cgroupfs (default) or systemd (rt --systemd-cgroup)

# Commands for inside containers are written in single quotes on purpose.
# shellcheck disable=SC2016

RT_BIN=${RT_BIN:-/bin/rt}
RT_ROOT=${RT_ROOT:-/run/rt-cgroup-checks}
ROOTFS=${ROOTFS:-/bundle/rootfs}
DRIVER=${DRIVER:-cgroupfs}
TIMEOUT=60    # seconds any one rt command may take before it is killed
SCRATCH=$(mktemp -d) || exit 1
BUNDLE=$SCRATCH/bundle
mkdir -p "$BUNDLE"
CG=/sys/fs/cgroup

# --- the host ---------------------------------------------------------------

# VERSION: v2 on a cgroup2-only host, v1 on a legacy or hybrid one; HYBRID=1
# when v1 comes with cgroup2 at $CG/unified.
if [ -f "$CG/cgroup.controllers" ]; then VERSION=v2; else VERSION=v1; fi
HYBRID=0
grep -q " $CG/unified cgroup2 " /proc/mounts && HYBRID=1
CONFIG=$DRIVER-$VERSION    # what the container's state names as its driver

# hierarchy CONTROLLER: the mount point of the v1 hierarchy holding
# CONTROLLER ("memory", "name=systemd"), or "" when there is none; "unified"
# is the cgroup2 one of a hybrid host.
hierarchy() {
    if [ "$1" = unified ]; then
        [ "$HYBRID" = 1 ] && echo "$CG/unified"
        return 0
    fi
    awk -v c="$1" '$3 == "cgroup" { n = split($4, o, ","); for (i = 1; i <= n; i++) if (o[i] == c) { print $2; exit } }' /proc/mounts
}

# hierarchies: every cgroup mount point under $CG, one a line.
hierarchies() { awk -v cg="$CG" '($3 == "cgroup" || $3 == "cgroup2") && ($2 == cg || index($2, cg "/") == 1) { print $2 }' /proc/mounts; }

# --- where containers go -------------------------------------------------------

# cgroupfs: below a parent of the check's own (t sets PARENT); systemd:
# scopes in a slice of this run's own (no dash in it: a dash means a parent
# slice).
PARENTS=rt-cgroup-checks-$$
PARENT=$PARENTS
SLICE=rtchecks$$.slice
PREFIX=rtcheck

# cgroups_path ID: linux.cgroupsPath for a container of the checks.
cgroups_path() {
    if [ "$DRIVER" = systemd ]; then echo "$SLICE:$PREFIX:$1"; else echo "/$PARENT/$1"; fi
}
# cgroup_of ID: its cgroup inside every hierarchy.
cgroup_of() {
    if [ "$DRIVER" = systemd ]; then echo "/$SLICE/$PREFIX-$1.scope"; else echo "/$PARENT/$1"; fi
}
# unit_of ID: its systemd unit.
unit_of() { echo "$PREFIX-$1.scope"; }

# cg ID [CONTROLLER]: the container's cgroup directory: on v2 the one; on v1
# the one in CONTROLLER's hierarchy ("unified": the hybrid cgroup2 one).
cg() {
    if [ "$VERSION" = v2 ]; then
        echo "$CG$(cgroup_of "$1")"
    else
        echo "$(hierarchy "${2:-pids}")$(cgroup_of "$1")"
    fi
}

# limits RESOURCES_JSON: .linux members putting the container in its cgroup,
# with these resources.
limits() { printf '"cgroupsPath": "%s", "resources": %s' "$(cgroups_path "$ID")" "$1"; }

# gone ID: delete left no cgroup of the container, in any hierarchy, and
# (systemd) no unit.
gone() {
    for h in $(hierarchies); do
        [ ! -e "$h$(cgroup_of "$1")" ] || fail "cgroup $h$(cgroup_of "$1") is left after delete"
    done
    if [ "$DRIVER" = systemd ]; then
        state=$(systemctl show -p LoadState -p ActiveState --value "$(unit_of "$1")" | tr '\n' ' ')
        case $state in
        "not-found inactive "|"loaded inactive ") ;;
        *) fail "unit $(unit_of "$1") is left after delete: $state" ;;
        esac
    fi
}

# --- running rt ------------------------------------------------------------------

# rt ARGS...: the rt under test, with the driver's flag.
rt() {
    if [ "$DRIVER" = systemd ]; then
        timeout "$TIMEOUT" "$RT_BIN" --root "$RT_ROOT" --systemd-cgroup "$@"
    else
        timeout "$TIMEOUT" "$RT_BIN" --root "$RT_ROOT" "$@"
    fi
}

fail() { echo "$*"; exit 1; }

# sh_args 'COMMAND': the JSON array ["/bin/sh", "-c", "COMMAND"].
sh_args() {
    printf '["/bin/sh", "-c", "%s"]' "$(printf '%s' "$1" | sed 's/[\\"]/\\&/g')"
}

# The namespaces and extra mounts of the next `config`; a check may change
# them (they are its own: it runs in a subshell).
NAMESPACES='{"type": "pid"}, {"type": "mount"}, {"type": "ipc"}, {"type": "uts"}, {"type": "network"}'
MOUNTS=

# config ARGS_JSON [LINUX_MEMBERS]: writes $BUNDLE/config.json running
# ARGS_JSON (a JSON array: see sh_args) as root in $ROOTFS (read-only, with
# a tmpfs on /tmp), with LINUX_MEMBERS (JSON members such as
# "$(limits '{"pids": {"limit": 10}}')") added to .linux. With CAPS set (a
# JSON array of capability names), those are the process's bounding,
# effective and permitted capabilities; without, it has none.
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
  "root": {"path": "$ROOTFS", "readonly": true},
  "hostname": "checks",
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

# eventually 'CODE': waits up to 30 s for CODE (evaluated again each time,
# so write it in single quotes) to succeed.
eventually() {
    i=0
    until eval "$1"; do
        i=$((i + 1))
        [ "$i" -le 300 ] || return 1
        sleep 0.1
    done
}

# alive PID: the process exists and is not a zombie.
alive() {
    state=$(sed -n 's/^State:[[:space:]]*\([A-Z]\).*/\1/p' "/proc/$1/status" 2>/dev/null)
    [ -n "$state" ] && [ "$state" != Z ] && [ "$state" != X ]
}

# create ID / create_started ID: rt create (+ start) of the bundle, stdio
# away from our pipes (the container keeps them open).
create() {
    rt create --bundle "$BUNDLE" "$1" < /dev/null > /dev/null 2> "$SCRATCH/create.err" ||
        fail "rt create $1: exit $?: $(cat "$SCRATCH/create.err")"
}
create_started() {
    create "$1"
    rt start "$1" || fail "rt start $1: exit $?"
}

# value FILE: a file's content, or a word saying it is missing.
value() { cat "$1" 2>/dev/null || echo "(no $1)"; }

# property ID NAME: a property of the container's unit, as systemctl shows it.
property() { systemctl show -p "$2" --value "$(unit_of "$1")"; }

# --- the TAP runner ---------------------------------------------------------------

n=0 failures=0

# cleanup_containers: force-deletes whatever a failed check left; then runs
# the function named by CLEANUP_MORE, if set (containers of other users).
CLEANUP_MORE=
cleanup_containers() {
    for id in $(rt list -q 2>/dev/null); do
        rt delete --force "$id" > /dev/null 2>&1 || echo "# cleanup: rt delete --force $id failed"
    done
    [ -z "$CLEANUP_MORE" ] || "$CLEANUP_MORE"
}

# t NAME FUNCTION: runs one check in a subshell with $ID set to a container
# ID of its own (output to a file: a container left running must not hold a
# pipe of ours open). A check exits 0 when it passes, else calls `fail WHY`
# (what it printed before is shown as # lines too).
t() {
    n=$((n + 1))
    ID=check-$n
    PARENT=$PARENTS-$n
    read -r t_start _ < /proc/uptime
    if ("$2") > "$SCRATCH/check.out" 2>&1 < /dev/null && leftovers >> "$SCRATCH/check.out"; then
        read -r t_end _ < /proc/uptime
        echo "ok $n - $1"
        echo "#   ($(awk -v a="$t_start" -v b="$t_end" 'BEGIN { printf "%.1f", b - a }') s)"
    else
        failures=$((failures + 1))
        echo "not ok $n - $1"
        sed 's/^/#   /' "$SCRATCH/check.out"
        cleanup_containers
        leftovers > /dev/null   # removes the check's parent cgroups too
    fi
}

# leftovers: true when the check left no cgroup of a container (its
# parent's children; systemd: units of the checks' slice); removes the parent.
leftovers() {
    left=
    for h in $(hierarchies); do
        [ -d "$h/$PARENT" ] || continue
        for d in "$h/$PARENT"/*/; do
            [ -d "$d" ] && left="$left $d" && rmdir "$d" 2>/dev/null
        done
        rmdir "$h/$PARENT" 2>/dev/null
    done
    if [ "$DRIVER" = systemd ]; then
        units=$(systemctl list-units --all --plain --no-legend "$PREFIX-*.scope" 2>/dev/null | awk '{ print $1 }')
        left="$left $units"
    fi
    [ -z "$(echo $left)" ] && return 0
    echo "cgroups left behind:$left"
    return 1
}

# finish: the plan, the cleanup of what the checks' parents were; the exit
# status says whether all passed.
finish() {
    [ "$DRIVER" != systemd ] || systemctl stop "$SLICE" 2>/dev/null
    rm -rf -- "$SCRATCH"
    echo "1..$n"
    [ "$failures" -eq 0 ]
}
