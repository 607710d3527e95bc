#!/usr/bin/env bash
# rt-test: needs-root
#
# tests/suites/podman-rootless.sh: the runtime under ROOTLESS podman 4.3, as an
# ordinary user drives it. The suite runs as root only to set the user up: a
# system user of its own (made if missing), a subordinate ID range for it
# appended to /etc/subuid and /etc/subgid (both files restored byte for byte at
# the end), a HOME and an XDG_RUNTIME_DIR of its own (0700), the runtime copied
# where the user can execute it, podman's config all in the suite's temp dir
# (vfs storage, cgroupfs, no network), and a busybox image made offline with
# `podman import`. Every podman command then runs as that user (setpriv, no
# login): podman puts itself in a user namespace mapping the user and the
# subordinate range (newuidmap/newgidmap), and conmon calls the runtime in it,
# so the runtime is rootless (its state under $XDG_RUNTIME_DIR/NAME).
#
# RUNTIME=runc (or any path) tests another runtime: that is how this suite was
# checked. Default: $RT_BUILD_DIR/rt.
set -euo pipefail
source "$(dirname -- "${BASH_SOURCE[0]}")/lib/engine-common.sh"

echo "1..$(grep -c "^scenario " "${BASH_SOURCE[0]}")"   # one TAP line per scenario below
need_packages podman conmon uidmap
resolve_runtime
cgroup_manager=cgroupfs   # rootless with no systemd: the runtime's own cgroupfs driver

user=rt-podman-rootless-test
sub_start=400000 sub_count=65536       # the user's subordinate IDs
tmp=$(mktemp -d /tmp/rt-podman-rootless.XXXXXX)
chmod 0711 "$tmp"                      # the user reaches its own dirs below
subid_saved=()                         # /etc/subuid, /etc/subgid: saved copies

# restore_subids: puts /etc/subuid and /etc/subgid back as they were (content,
# mode, owner), or removes them if the suite made them.
restore_subids() {
    local f
    for f in "${subid_saved[@]}"; do
        if [[ -e $tmp/saved${f//\//_} ]]; then
            cp -p -- "$tmp/saved${f//\//_}" "$f"
        else
            rm -f -- "$f"
        fi
    done
}

# user_pids: the processes of the suite's user (podman's pause process,
# conmon, the containers' processes as seen from the host). Not zombies:
# they have ended, and reaping them is their parent's business; conmon's,
# reparented to pid 1 when it daemonizes, wait for an init that may reap
# late (the test VMs' own reaps within a second or so).
user_pids() {
    local proc
    for proc in /proc/[0-9]*; do
        [[ $(stat -c %u "$proc" 2>/dev/null) == "$uid" ]] || continue
        grep -q '^State:[[:space:]]*Z' "$proc/status" 2>/dev/null || echo "${proc#/proc/}"
    done
    return 0
}

cleanup() {
    set +e
    if [[ -n ${uid:-} ]]; then
        local ids
        ids=$(timeout 20 "${podman_[@]}" ps -a -q 2>/dev/null)
        [[ -z $ids ]] || timeout 60 "${podman_[@]}" rm -f -t 0 $ids &>/dev/null
        local pid round pause
        pause=$(cat "$xdg/libpod-tmp/pause.pid" 2>/dev/null)
        for round in 1 2 3; do
            for pid in $(user_pids); do
                # podman's pause process (its user namespace) is meant to stay.
                [[ $pid == "$pause" ]] ||
                    echo "# left behind: process $pid ($(tr '\0' ' ' < "/proc/$pid/cmdline" 2>/dev/null | cut -c1-120)); killing it"
                kill -KILL "$pid" 2>/dev/null
            done
            [[ -n $(user_pids) ]] || break
            sleep 0.2
        done
    fi
    restore_subids
    unmount_under "$tmp"
    rm -rf -- "$tmp"
}
trap cleanup EXIT
trap "exit 143" TERM   # a timeout: clean up all the same
trap "exit 130" INT

# --- the user ------------------------------------------------------------------
getent passwd "$user" > /dev/null ||
    useradd --system --no-create-home --shell /usr/sbin/nologin "$user" ||
    { echo "Bail out! useradd $user failed"; exit 1; }
uid=$(id -u "$user") gid=$(id -g "$user")
[[ -z $(user_pids) ]] || { echo "Bail out! processes of $user already run: $(user_pids | tr '\n' ' ')"; exit 1; }

for f in /etc/subuid /etc/subgid; do
    subid_saved+=("$f")
    [[ ! -e $f ]] || cp -p -- "$f" "$tmp/saved${f//\//_}"
    echo "$user:$sub_start:$sub_count" >> "$f"
done

home=$tmp/home xdg=$tmp/xdg bin=$tmp/bin
mkdir -m 0700 "$home" "$xdg"
mkdir -m 0755 "$bin"
chown "$uid:$gid" "$home" "$xdg"
install -m 0755 -- "$runtime" "$bin/$runtime_name"
runtime_copy=$bin/$runtime_name
state_root=$xdg/$runtime_name           # the runtime's rootless default root

podman_containers_conf "$home/storage" "$xdg/libpod-tmp" "$home" > "$tmp/containers.conf"
podman_storage_conf "$home/storage" "$xdg/containers" > "$tmp/storage.conf"
chmod 0644 "$tmp/containers.conf" "$tmp/storage.conf"

# as_user CMD...: CMD as the suite's user, in an environment of its own.
as_user=(setpriv --reuid="$uid" --regid="$gid" --init-groups
         env -i HOME="$home" XDG_RUNTIME_DIR="$xdg" USER="$user" LOGNAME="$user"
         PATH=/usr/local/bin:/usr/bin:/bin:/usr/local/sbin:/usr/sbin:/sbin
         CONTAINERS_CONF="$tmp/containers.conf" CONTAINERS_STORAGE_CONF="$tmp/storage.conf")
podman_=("${as_user[@]}" podman --runtime "$runtime_copy" --cgroup-manager "$cgroup_manager")
image=localhost/rt-test-busybox:latest
run_=("${podman_[@]}" run --network none)

# --- the image -----------------------------------------------------------------
make_busybox_rootfs "$tmp/rootfs"
tar -C "$tmp/rootfs" --numeric-owner -cf "$tmp/busybox.tar" .
chmod 0644 "$tmp/busybox.tar"
x "${podman_[@]}" import --change 'CMD ["/bin/sh"]' "$tmp/busybox.tar" "$image"
if ((rc != 0)); then
    echo "Bail out! podman import as $user failed: $(tr '\n' ' ' <<< "$err")"
    exit 1
fi

inspect() {
    timeout 20 "${podman_[@]}" inspect --format "$2" "$1" 2>/dev/null
}

status_is() {
    local got
    got=$(inspect "$1" '{{.State.Status}}')
    [[ $got == "$2" ]] || fail_with "podman inspect: status '$got', expected $2"
}

# ---- scenarios ----------------------------------------------------------------

sc_run() {
    x "${run_[@]}" --rm "$image" sh -c 'echo hello from the container; exit 3'
    expect_rc 3 && expect_out "hello from the container"
}

sc_userns() {
    # podman's user namespace, in which the container runs: root is the
    # user, 1.. its subordinate range (a mapping of more than one ID, which
    # only newuidmap/newgidmap may write for an unprivileged user).
    x "${run_[@]}" --rm "$image" sh -c 'cat /proc/self/uid_map /proc/self/gid_map'
    expect_rc 0 || return 1
    local want_uid want_gid
    printf -v want_uid '0 %s 1\n1 %s %s' "$uid" "$sub_start" "$sub_count"
    printf -v want_gid '0 %s 1\n1 %s %s' "$gid" "$sub_start" "$sub_count"
    local got
    got=$(tr -s ' ' <<< "$out" | sed 's/^ //')
    [[ $got == "$want_uid"$'\n'"$want_gid" ]] ||
        fail_with "expected uid_map and gid_map: $want_uid / $want_gid"
}

sc_user() {
    # A non-root user inside: a subordinate ID outside, its files its own.
    x "${run_[@]}" --rm --user 1000:1000 "$image" sh -c 'id -u; id -g; touch /tmp/f && stat -c %u:%g /tmp/f; grep "^Uid:" /proc/self/status'
    expect_rc 0 || return 1
    local want
    want=$'1000\n1000\n1000:1000\nUid:\t1000\t1000\t1000\t1000'
    [[ $out == "$want" ]] || fail_with "expected: $want" || return 1
    # From the host: the process would run as sub_start + 999.
}

bg=background
bg_ok=0 bg_why=""
detached_steps() {
    x "${run_[@]}" -d --name "$bg" --hostname rootless-box "$image" \
        sh -c 'echo started; trap "echo got TERM; exit 42" TERM; while :; do sleep 0.1; done'
    expect_rc 0 || return 1
    x "${podman_[@]}" ps --filter status=running --format '{{.Names}}'
    expect_rc 0 && expect_out "$bg" && status_is "$bg" running || return 1
    # The runtime keeps it in its rootless root, as the user: running, that pid.
    local id pid
    id=$(inspect "$bg" '{{.Id}}')
    pid=$(inspect "$bg" '{{.State.Pid}}')
    [[ -d $state_root/$id ]] || fail_with "no $state_root/$id" || return 1
    [[ $(stat -c %u "/proc/$pid") == "$uid" ]] ||
        fail_with "the init $pid runs as uid $(stat -c %u "/proc/$pid"), expected $uid (the user)" || return 1
    bg_ok=1
}

sc_exec() {
    need_bg || return 1
    x "${podman_[@]}" exec "$bg" sh -c 'id -u; hostname; tr "\0" " " < /proc/1/cmdline; echo; exit 4'
    expect_rc 4 && expect_out_has 0 && expect_out_has rootless-box &&
        expect_out_has 'sh -c echo started; trap "echo got TERM; exit 42" TERM; while :; do sleep 0.1; done '
}

sc_stop() {
    need_bg || return 1
    local id
    id=$(inspect "$bg" '{{.Id}}')
    x "${podman_[@]}" stop -t 10 "$bg"      # SIGTERM: the trap exits 42 at once
    expect_rc 0 && status_is "$bg" exited || return 1
    local code
    code=$(inspect "$bg" '{{.State.ExitCode}}')
    [[ $code == 42 ]] || fail_with "exit code $code, expected 42 (SIGTERM's trap)" || return 1
    # The runtime's record: gone (podman deletes it) or stopped.
    if [[ -e $state_root/$id ]]; then
        x "${as_user[@]}" "$runtime_copy" state "$id"
        grep -q '"status": *"stopped"' <<< "$out" || fail_with "runtime state: expected stopped" || return 1
    fi
    x "${podman_[@]}" logs "$bg"
    expect_rc 0 && expect_out_has "got TERM"
}

sc_rm() {
    need_bg || return 1
    x "${podman_[@]}" rm "$bg"
    expect_rc 0 || return 1
    x "${podman_[@]}" ps -a -q
    [[ -z $out ]] || fail_with "podman ps -a still lists it" || return 1
    local left
    left=$(containers_in_state_root)
    [[ -z $left ]] || fail_with "left in $state_root: $left"
}

# containers_in_state_root: the entries of the runtime's root but those whose
# name starts with "@", which no container ID may: rt's own caches (the
# compiled seccomp filters in @seccomp, kept for the next container).
containers_in_state_root() {
    ls -A "$state_root" 2>/dev/null | grep -v '^@' | tr '\n' ' '
    return 0
}

sc_no_leftovers() {
    podman_none_left || return 1
    [[ -z $(containers_in_state_root) ]] || fail_with "left in $state_root: $(containers_in_state_root)" || return 1
    local pid left=""
    for pid in $(user_pids); do
        # podman's pause process (holding its user namespace) stays by design.
        [[ $(cat "$xdg/libpod-tmp/pause.pid" 2>/dev/null) == "$pid" ]] && continue
        left+="$pid ($(tr '\0' ' ' < "/proc/$pid/cmdline" 2>/dev/null | cut -c1-80); $(grep -E '^(Name|State|PPid):' "/proc/$pid/status" 2>/dev/null | tr '\n\t' '  ')) "
    done
    [[ -z $left ]] || fail_with "processes of $user left: $left"
}

scenario "rootless podman run: the output, and the exit status passes through" sc_run
scenario "rootless podman run: the user namespace maps the user and its subordinate range" sc_userns
scenario "rootless podman run --user 1000: a non-root process inside" sc_user
scenario "rootless podman run -d: podman ps shows it running, the runtime's state in XDG_RUNTIME_DIR" sc_detached
scenario "rootless podman exec: uid 0, the container's hostname and pid namespace" sc_exec
scenario "rootless podman stop: SIGTERM reaches the init, exited 42, runtime state gone or stopped" sc_stop
scenario "rootless podman rm: gone from podman, nothing left under XDG_RUNTIME_DIR" sc_rm
scenario "no container, runtime state or process of the user left behind" sc_no_leftovers
