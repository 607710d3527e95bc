# tests/suites/lib/engine-common.sh: what the engine suites (containerd.sh,
# podman.sh) share. Sourced, not run: TAP output, commands under a timeout,
# Debian packages installed when missing, the runtime under test, a busybox
# rootfs, and cleanup helpers that touch only what the suite made.

# The runtime the engines are pointed at: RUNTIME (a path or a name on PATH,
# e.g. RUNTIME=runc to check the suite itself), by default the rt that
# scripts/test built.
resolve_runtime() {
    local source_dir=${RT_SOURCE_DIR:-$(cd "$(dirname -- "${BASH_SOURCE[0]}")/../../.." && pwd)}
    local wanted=${RUNTIME:-${RT_BUILD_DIR:-$source_dir/build}/rt}
    runtime=$(command -v -- "$wanted" || true)
    [[ -n $runtime && -x $runtime ]] || { echo "Bail out! runtime $wanted: not found"; exit 1; }
    runtime=$(realpath -- "$runtime")
    runtime_name=$(basename -- "$runtime")
    echo "# runtime under test: $runtime ($("$runtime" --version 2>&1 | head -n 1))"
}

# need_packages PKG...: installs the Debian packages that are missing (CI
# machines are fresh); their output is shown only when apt fails.
need_packages() {
    local pkg status missing=()
    for pkg; do
        status=$(dpkg-query -W -f='${db:Status-Status}' "$pkg" 2>/dev/null || true)
        [[ $status == installed ]] || missing+=("$pkg")
    done
    ((${#missing[@]})) || return 0
    echo "# installing ${missing[*]}"
    local log
    log=$(mktemp)
    if ! { apt-get update -qq && DEBIAN_FRONTEND=noninteractive \
            apt-get install -y -qq --no-install-recommends "${missing[@]}"; } > "$log" 2>&1; then
        sed 's/^/# /' "$log"
        rm -f -- "$log"
        echo "Bail out! apt-get install ${missing[*]} failed"
        exit 1
    fi
    rm -f -- "$log"
}

# --- TAP -------------------------------------------------------------------
tap_n=0
why=""

# A scenario that fails because the runtime refuses, by name, something it
# does not implement yet (rt's "<field>: not supported by this build of rt",
# or `unknown command "pause"`) is reported as `not ok ... # TODO <refusal>`:
# scripts/test counts it as skipped, and it turns into a plain `ok` by itself
# when the feature lands. Any other failure is a failure. RT_SUITES_STRICT=1
# makes refusals failures too.
refusal_in() {
    grep -o -m 1 -E '\.[^ ]*( \(type [^)]*\))?: not supported by this build of rt|unknown command "[^"]*"' <<< "$1" |
        head -n 1 || true
}

# first_line_of_why: the first line of $why, plus the refusal in it if any:
# what a scenario that depends on a failed one says.
first_line_of_why() {
    local line=${why%%$'\n'*} refusal
    refusal=$(refusal_in "$why")
    [[ -z $refusal || $line == *"$refusal"* ]] || line+=" ($refusal)"
    echo "$line"
}

# scenario NAME FUNCTION: runs FUNCTION (in this shell, so that it can set
# variables for the scenarios after it) and prints one TAP line. A failing
# FUNCTION returns non-zero and leaves the reason in $why.
scenario() {
    # (Prefixed locals: a cleanup trap that fires in here sees them.)
    local tap_name=$1 tap_fn=$2 tap_start=${EPOCHREALTIME/./} tap_ms tap_refusal
    why=""
    tap_n=$((tap_n + 1))
    if "$tap_fn"; then
        tap_ms=$(((${EPOCHREALTIME/./} - tap_start) / 1000))
        echo "ok $tap_n - $tap_name"
        echo "#   (${tap_ms} ms)"
    else
        tap_refusal=$(refusal_in "$why")
        if [[ -n $tap_refusal && ${RT_SUITES_STRICT:-0} != 1 ]]; then
            echo "not ok $tap_n - $tap_name # TODO $runtime_name: $tap_refusal"
        else
            echo "not ok $tap_n - $tap_name"
        fi
        printf '%s\n' "${why:-failed}" | sed 's/^/#   /'
    fi
}

# x CMD...: runs CMD under a timeout (CMD_TIMEOUT seconds, default 30) with
# stdin from /dev/null; sets out and err (trailing newlines cut) and rc
# (124 on timeout).
CMD_TIMEOUT=${CMD_TIMEOUT:-30}
x() {
    local errfile
    errfile=$(mktemp)
    rc=0
    out=$(timeout -k 5 "$CMD_TIMEOUT" "$@" < /dev/null 2> "$errfile") || rc=$?
    err=$(< "$errfile")
    rm -f -- "$errfile"
    last_cmd="$*"
}

# x_tty [--size RxC] CMD...: x on a new pseudo-terminal; out gets what CMD
# wrote to it (stdout and stderr, \r removed).
x_tty() {
    x "$suite_lib/pty-run" "$@"
    out=${out//$'\r'/}
    last_cmd="(on a terminal) $*"
}

# fail_with MESSAGE: sets $why to MESSAGE plus what the last command did.
fail_with() {
    why="$1"$'\n'"command: $last_cmd"$'\n'"exit status: $rc"
    [[ -z $out ]] || why+=$'\n'"stdout: $out"
    [[ -z $err ]] || why+=$'\n'"stderr: $err"
    return 1
}

expect_rc() {
    ((rc == $1)) || fail_with "exit status $rc, expected $1"
}

# expect_out TEXT: stdout is exactly TEXT.
expect_out() {
    [[ $out == "$1" ]] || fail_with "expected output: $1"
}

# expect_out_has TEXT: stdout has a line that is exactly TEXT.
expect_out_has() {
    grep -qxF -- "$1" <<< "$out" || fail_with "expected a line: $1"
}

expect_err_has() {
    grep -qF -- "$1" <<< "$err" || fail_with "expected on stderr: $1"
}

# frozen PID: the freezer holds PID's cgroup frozen (cgroup v1's freezer
# hierarchy, or v2's cgroup.events).
frozen() {
    local line
    if line=$(grep -m 1 -E '^[0-9]+:freezer:' "/proc/$1/cgroup" 2>/dev/null); then
        [[ $(< "/sys/fs/cgroup/freezer${line#*:freezer:}/freezer.state") == FROZEN ]]
    else
        line=$(grep -m 1 '^0::' "/proc/$1/cgroup" 2>/dev/null) || return 1
        grep -qx 'frozen 1' "/sys/fs/cgroup${line#0::}/cgroup.events"
    fi
}

# --- cleanup helpers ---------------------------------------------------------

# unmount_under DIR: lazily unmounts every mount at or below DIR, deepest first.
unmount_under() {
    local dir=$1 mnt
    local mounts=()
    while read -r _ _ _ _ mnt _; do
        printf -v mnt '%b' "$mnt"
        [[ $mnt == "$dir" || $mnt == "$dir"/* ]] && mounts+=("$mnt")
    done < /proc/self/mountinfo
    for ((i = ${#mounts[@]} - 1; i >= 0; i--)); do
        umount -l -- "${mounts[i]}" 2>/dev/null || true
    done
}

# The cgroup manager the engine tells the runtime to use: cgroupfs (the
# runtime's own; the default) or systemd (CGROUP_MANAGER=systemd, as in the
# systemd VM): then every container is a systemd scope in a slice the suite
# names, which it stops at the end.
cgroup_manager=${CGROUP_MANAGER:-cgroupfs}
case $cgroup_manager in
cgroupfs|systemd) ;;
*) echo "Bail out! CGROUP_MANAGER=$cgroup_manager: cgroupfs or systemd"; exit 1 ;;
esac

# container_cgroups PARENT [PATTERN]: the cgroup directories (matching
# PATTERN, default *) right below PARENT (a cgroup name, or a slice without
# dashes) in every hierarchy, one a line.
container_cgroups() {
    local d
    for d in /sys/fs/cgroup/"$1"/${2:-*}/ /sys/fs/cgroup/*/"$1"/${2:-*}/; do
        [[ -d $d ]] && echo "$d"
    done
    return 0
}

# in_scope PID UNIT: with CGROUP_MANAGER=systemd, PID is in systemd's unit
# UNIT (active, and PID's cgroup is the unit's); true without systemd.
in_scope() {
    [[ $cgroup_manager == systemd ]] || return 0
    local state group
    state=$(systemctl show -p ActiveState --value "$2")
    group=$(systemctl show -p ControlGroup --value "$2")
    [[ $state == active ]] || fail_with "systemd unit $2: $state, expected active" || return 1
    grep -q ":$group\$" "/proc/$1/cgroup" ||
        fail_with "the init $1 is not in $2 ($group): $(tr '\n' ' ' < "/proc/$1/cgroup")"
}

# remove_cgroups NAME: removes the (empty) cgroup directories /NAME and below in
# every hierarchy: the parents the engines made for this suite's containers
# (unique names) and that no engine removes. rmdir only: a cgroup that still
# holds a process stays, and is reported. A systemd slice (NAME.slice) is
# stopped instead.
remove_cgroups() {
    local name=$1 dir
    if [[ $name == *.slice ]]; then
        timeout 30 systemctl stop "$name" 2>/dev/null
        timeout 30 systemctl reset-failed "$name" 2>/dev/null
    fi
    for dir in /sys/fs/cgroup/"$name" /sys/fs/cgroup/*/"$name"; do
        [[ -d $dir ]] || continue
        find "$dir" -depth -type d -exec rmdir {} + 2>/dev/null || true
        [[ ! -d $dir ]] || echo "# left behind: cgroup $dir (still in use)"
    done
}

# delete_left_in_runtime ROOT: deletes (-f) every container the runtime still
# lists under ROOT, saying so: what the engine could not remove.
delete_left_in_runtime() {
    [[ -d $1 ]] || return 0
    local id
    for id in $(timeout 10 "$runtime" --root "$1" list -q 2>/dev/null); do
        echo "# left behind by the engine: container $id; deleting it"
        timeout 10 "$runtime" --root "$1" delete -f "$id" &>/dev/null || true
    done
}

# remember_host_dirs DIR...: notes which of these fixed host paths (an
# engine's, whatever its config says) exist now; remove_host_dirs_made DIR...
# later removes, in the order given (deepest first), those that did not and
# are empty.
host_dirs_before=()
remember_host_dirs() {
    local d
    for d; do
        [[ -e $d ]] && host_dirs_before+=("$d")
    done
    return 0
}
remove_host_dirs_made() {
    local d
    for d; do
        [[ " ${host_dirs_before[*]} " == *" $d "* ]] || rmdir -- "$d" 2>/dev/null || true
    done
}

# pids_with_arg TEXT: pids of processes with an argument containing TEXT (a
# name unique to this run of the suite), other than this shell.
pids_with_arg() {
    local text=$1 proc args
    for proc in /proc/[0-9]*; do
        [[ ${proc#/proc/} == "$$" || ${proc#/proc/} == "$BASHPID" ]] && continue
        { mapfile -d '' -t args < "$proc/cmdline"; } 2>/dev/null || continue
        [[ " ${args[*]} " == *"$text"* ]] && echo "${proc#/proc/}"
    done
    return 0
}

# kill_leftovers TEXT: gives the processes pids_with_arg TEXT finds 3 s to end,
# then kills them, saying so, until none is left (one may start another as it
# dies: conmon runs podman's exit command).
kill_leftovers() {
    local pid pids round
    # First let them end on their own (a shim exiting, podman's exit command).
    for round in $(seq 30); do
        [[ -n $(pids_with_arg "$1") ]] || return 0
        sleep 0.1
    done
    for round in 1 2 3 4 5; do
        pids=$(pids_with_arg "$1")
        [[ -n $pids ]] || return 0
        for pid in $pids; do
            echo "# left behind: process $pid ($(tr '\0' ' ' < "/proc/$pid/cmdline" 2>/dev/null | cut -c1-200)); killing it"
            kill -KILL "$pid" 2>/dev/null || true
        done
        sleep 0.2
    done
}

suite_lib=$(cd "$(dirname -- "${BASH_SOURCE[0]}")" && pwd)

# make_busybox_rootfs DIR: the project's busybox rootfs (scripts/mkrootfs).
make_busybox_rootfs() {
    local source_dir
    source_dir=$(cd "$suite_lib/../../.." && pwd)
    "${RT_SOURCE_DIR:-$source_dir}/scripts/mkrootfs" "$1" > /dev/null ||
        { echo "Bail out! scripts/mkrootfs $1 failed"; exit 1; }
}

# containerd_config_head [PLUGIN...]: the start of a containerd config.toml
# whose root, state and socket ($sock) are in $tmp, with PLUGIN... and those
# the engine suites never use disabled (/opt/containerd's opt, the
# snapshotters this host lacks, tracing).
containerd_config_head() {
    echo 'version = 2'
    echo "root = \"$tmp/root\""
    echo "state = \"$tmp/state\""
    echo 'disabled_plugins = ['
    local plugin
    for plugin in "$@" io.containerd.internal.v1.opt io.containerd.snapshotter.v1.aufs \
            io.containerd.snapshotter.v1.btrfs io.containerd.snapshotter.v1.devmapper \
            io.containerd.snapshotter.v1.zfs io.containerd.tracing.processor.v1.otlp; do
        echo "  \"$plugin\","
    done
    echo ']'
    echo '[grpc]'
    echo "  address = \"$sock\""
    echo '[debug]'
    echo '  level = "info"'
}

# start_containerd: runs containerd with $tmp/config.toml, its log in
# $tmp/containerd.log, and waits until it answers on $sock; sets
# containerd_pid. Bails out when it does not start.
start_containerd() {
    # In a session of its own: a timeout or ^C signals our process group, and
    # containerd must outlive us long enough for the cleanup to use it.
    setsid containerd --config "$tmp/config.toml" > "$tmp/containerd.log" 2>&1 &
    containerd_pid=$!
    for _ in $(seq 100); do
        timeout 5 ctr --address "$sock" version &>/dev/null && break
        kill -0 "$containerd_pid" 2>/dev/null || break
        sleep 0.1
    done
    if ! timeout 5 ctr --address "$sock" version &>/dev/null; then
        suite_failed_log=1
        echo "Bail out! containerd did not start"
        exit 1
    fi
}

# make_oci_archive DIR ARCHIVE NAME CONFIG: an OCI image archive (an image
# layout in a tar, as `ctr images import` takes) holding DIR as its one layer,
# named NAME (registry/repository:tag), with CONFIG as the image config's
# "config" object (Env, Entrypoint, Cmd...).
make_oci_archive() {
    local dir=$1 archive=$2 name=$3 config=$4 layout blobs arch digest size tag=latest
    [[ ${name##*/} == *:* ]] && tag=${name##*:}
    layout=$(mktemp -d "$archive.layout.XXXXXX")
    blobs=$layout/blobs/sha256
    arch=$(dpkg --print-architecture)   # Debian's names are the OCI ones but for:
    case $arch in i386) arch=386 ;; armhf|armel) arch=arm ;; ppc64el) arch=ppc64le ;; esac
    mkdir -p "$blobs"
    # add_blob FILE: moves FILE into the blobs; sets digest, size.
    add_blob() {
        digest=$(sha256sum "$1" | cut -d' ' -f1)
        size=$(stat -c %s "$1")
        mv -- "$1" "$blobs/$digest"
    }
    tar -C "$dir" --numeric-owner -cf "$layout/layer" .
    add_blob "$layout/layer"
    local layer_digest=$digest layer_size=$size
    printf '{"architecture":"%s","os":"linux","config":%s,"rootfs":{"type":"layers","diff_ids":["sha256:%s"]}}' \
        "$arch" "$config" "$layer_digest" > "$layout/config"
    add_blob "$layout/config"
    printf '{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"sha256:%s","size":%d},"layers":[{"mediaType":"application/vnd.oci.image.layer.v1.tar","digest":"sha256:%s","size":%d}]}' \
        "$digest" "$size" "$layer_digest" "$layer_size" > "$layout/manifest"
    add_blob "$layout/manifest"
    printf '{"schemaVersion":2,"manifests":[{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"sha256:%s","size":%d,"annotations":{"io.containerd.image.name":"%s","org.opencontainers.image.ref.name":"%s"},"platform":{"architecture":"%s","os":"linux"}}]}' \
        "$digest" "$size" "$name" "$tag" "$arch" > "$layout/index.json"
    echo '{"imageLayoutVersion":"1.0.0"}' > "$layout/oci-layout"
    tar -C "$layout" -cf "$archive" .
    rm -rf -- "$layout"
}

# The background container both suites start once and later scenarios use:
# each suite defines detached_steps, which sets bg_ok=1 when it runs.
sc_detached() {
    detached_steps && return 0
    bg_why=$(first_line_of_why)
    return 1
}

# A scenario that needs the background container fails with the reason it
# did not start.
need_bg() { ((bg_ok)) || { why="the background container did not start: $bg_why"; return 1; }; }

# podman_containers_conf GRAPHROOT TMPDIR DIR: podman's containers.conf (on
# stdout) for a suite that keeps all of podman's state of its own: storage
# dirs under GRAPHROOT, podman's tmp dir TMPDIR, events, hooks and network
# config in DIR; k8s-file logs, file locks, $cgroup_manager, and $runtime_name
# among the runtimes that take --log-format=json.
podman_containers_conf() {
    # This machine lacks CAP_SYS_RESOURCE (hard RLIMIT_NOFILE 20000, below
    # podman's default of 1048576): without default_ulimits every run fails.
    cat <<CONF
[containers]
default_ulimits = ["nofile=1024:1024", "nproc=4096:4096"]
log_driver = "k8s-file"

[engine]
cgroup_manager = "$cgroup_manager"
events_logger = "file"
events_logfile_path = "$3/events.log"
hooks_dir = ["$3/hooks"]
lock_type = "file"
runtime_supports_json = ["crun", "runc", "$runtime_name"]
static_dir = "$1/libpod"
tmp_dir = "$2"
volume_path = "$1/volumes"

[network]
network_config_dir = "$3/net"
CONF
}

# podman_storage_conf GRAPHROOT RUNROOT: podman's storage.conf (on stdout):
# the vfs driver (no overlay mounts to clean up), GRAPHROOT and RUNROOT.
podman_storage_conf() {
    printf '[storage]\ndriver = "vfs"\ngraphroot = "%s"\nrunroot = "%s"\n' "$1" "$2"
}

# podman_none_left: removes through podman ("${podman_[@]}") whatever
# container the scenarios left (after a failure), then fails unless
# `podman ps -a` lists none.
podman_none_left() {
    local ids
    ids=$(timeout 20 "${podman_[@]}" ps -a -q 2>/dev/null) || true
    [[ -z $ids ]] || timeout 60 "${podman_[@]}" rm -f -t 0 $ids &>/dev/null || true
    x "${podman_[@]}" ps -a -q
    [[ -z $out ]] || fail_with "containers left: $out"
}
