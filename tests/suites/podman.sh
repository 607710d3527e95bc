#!/usr/bin/env bash
# rt-test: needs-root
#
# tests/suites/podman.sh: the runtime under podman 4.3 and conmon, as a person
# drives podman: `podman --runtime RUNTIME --cgroup-manager cgroupfs run
# --rootfs DIR ...`. conmon calls the runtime's create and exec (with
# --log-format=json --log FILE, since the runtime's name is listed in
# runtime_supports_json); podman itself calls start, kill, pause, resume and
# delete --force with no --root and an almost empty environment, so the
# runtime's default root and PATH independence are tested too.
#
# RUNTIME=runc (or any path) tests another runtime: that is how this suite was
# checked. Default: $RT_BUILD_DIR/rt. All of podman's state (containers.conf,
# storage.conf, root, runroot, tmp dir, file locks, events file, network
# config) lives in a temp dir; vfs storage, no network, cgroupfs under a
# cgroup parent of this run's own, removed at the end.
set -euo pipefail
source "$(dirname -- "${BASH_SOURCE[0]}")/lib/engine-common.sh"

echo "1..$(grep -c "^scenario " "${BASH_SOURCE[0]}")"   # one TAP line per scenario below
need_packages podman conmon
resolve_runtime

cgparent=rt-test-$$-$RANDOM          # cgroup parent of the containers
parent_flag=/$cgparent
if [[ $cgroup_manager == systemd ]]; then
    cgparent=rtpod$$.slice             # with systemd: a slice (libpod-ID.scope in it)
    parent_flag=$cgparent
fi
tmp=$(mktemp -d /tmp/rt-podman.XXXXXX)
runtime_default_root=/run/$runtime_name
runtime_root_existed=0
[[ -e $runtime_default_root ]] && runtime_root_existed=1

podman_containers_conf "$tmp/root" "$tmp/tmp" "$tmp" > "$tmp/containers.conf"
podman_storage_conf "$tmp/root" "$tmp/runroot" > "$tmp/storage.conf"
export CONTAINERS_CONF=$tmp/containers.conf CONTAINERS_STORAGE_CONF=$tmp/storage.conf
unset CONTAINERS_REGISTRIES_CONF

podman_=(podman --root "$tmp/root" --runroot "$tmp/runroot" --storage-driver vfs
         --runtime "$runtime" --cgroup-manager "$cgroup_manager")
run_=("${podman_[@]}" run --network none --cgroup-parent "$parent_flag" --rootfs)
rootfs=$tmp/rootfs

cleanup() {
    set +e
    local ids id
    ids=$(timeout 20 "${podman_[@]}" ps -a -q --no-trunc 2>/dev/null)
    [[ -z $ids ]] || timeout 60 "${podman_[@]}" rm -f -t 0 $ids &>/dev/null
    # What podman could not remove: the runtime's containers of this run.
    for id in $ids; do
        if timeout 10 "$runtime" state "$id" &>/dev/null; then
            echo "# left behind by podman: container $id; deleting it"
            timeout 10 "$runtime" delete -f "$id" &>/dev/null
        fi
    done
    kill_leftovers "$tmp"
    unmount_under "$tmp"
    remove_cgroups "$cgparent"
    # The runtime's default root, when this run made it, with the seccomp
    # cache rt keeps there (podman passes its default profile).
    if ! ((runtime_root_existed)); then
        rm -rf -- "$runtime_default_root/@seccomp"
        rmdir -- "$runtime_default_root" 2>/dev/null
    fi
    rm -rf -- "$tmp"
}
trap cleanup EXIT
trap "exit 143" TERM   # a timeout: clean up all the same
trap "exit 130" INT

make_busybox_rootfs "$rootfs"

# inspect ID FORMAT: podman inspect --format FORMAT.
inspect() {
    timeout 20 "${podman_[@]}" inspect --format "$2" "$1" 2>/dev/null
}

# wait_status ID STATUS: waits up to 5 s for podman to show STATUS.
wait_status() {
    local i
    for i in $(seq 50); do
        [[ $(inspect "$1" '{{.State.Status}}') == "$2" ]] && return 0
        sleep 0.1
    done
    return 1
}

status_is() {
    local got
    got=$(inspect "$1" '{{.State.Status}}')
    [[ $got == "$2" ]] || fail_with "podman inspect: status '$got', expected $2"
}

# run_detached NAME ARG...: `podman run -d --name NAME ARG...`; when it fails,
# the container record podman keeps is removed (so that the last scenario
# checks only what the runtime left).
run_detached() {
    local id=$1; shift
    x "${run_[@]}" -d --name "$id" "$@"
    expect_rc 0 && return 0
    timeout 30 "${podman_[@]}" rm -f -t 0 "$id" &>/dev/null || true
    return 1
}

# ---- scenarios ----------------------------------------------------------------

sc_version() {
    # podman info shows what the runtime's --version prints.
    x "${podman_[@]}" info --format '{{.Host.OCIRuntime.Version}}'
    expect_rc 0 || return 1
    local want
    want=$("$runtime" --version 2>&1)
    [[ $out == "$want" ]] || fail_with "expected: $want"
}

sc_output() {
    x "${run_[@]}" --rm "$rootfs" echo hello from the container
    expect_rc 0 && expect_out "hello from the container"
}

sc_exit_status() {
    x "${run_[@]}" --rm "$rootfs" sh -c 'echo bye; exit 3'
    expect_rc 3 && expect_out "bye"
}

sc_fds() {
    # Only stdin, stdout and stderr reach the process (3 is the shell's own
    # directory listing): no fd of the engine's (a shim's socket arrives as
    # fd 3) nor of the runtime's.
    x "${run_[@]}" --rm "$rootfs" sh -c 'cd /proc/self/fd && echo *'
    expect_rc 0 && expect_out "0 1 2 3"
}

sc_terminal() {
    x_tty --size 30x100 "${run_[@]}" --rm -t "$rootfs" sh -c '
        tty; test -t 0 && test -t 1 && echo "stdin and stdout are terminals"
        for i in $(seq 30); do s=$(stty size 2>/dev/null) && [ "$s" = "30 100" ] && break; sleep 0.1; done
        echo "size $s"; exit 5'
    expect_rc 5 && expect_out_has /dev/pts/0 && expect_out_has "stdin and stdout are terminals" &&
        expect_out_has "size 30 100"
}

sc_failed_create() {
    x "${run_[@]}" --rm "$rootfs" /no/such/program
    # podman's code for a command that cannot be found, and the runtime's
    # logged error passed on by conmon, naming it.
    expect_rc 127 && expect_err_has /no/such/program || return 1
    x "${podman_[@]}" ps -a -q
    [[ -z $out ]] || fail_with "a container is left behind"
}

sc_env_and_user() {
    # What podman's spec asks of the process: its environment, cwd, user.
    x "${run_[@]}" --rm -e GREETING=hi -w /tmp -u 65534:65534 "$rootfs" sh -c 'echo "$GREETING $(pwd) $(id -u):$(id -g)"'
    expect_rc 0 && expect_out "hi /tmp 65534:65534"
}

bg=background
bg_ok=0 bg_why=""
detached_steps() {
    run_detached "$bg" "$rootfs" sh -c 'echo started; trap "echo got TERM; exit 42" TERM; while :; do sleep 0.1; done' || return 1
    wait_status "$bg" running || status_is "$bg" running || return 1
    # The runtime keeps it in its default root (podman passes no --root).
    local id pid
    id=$(inspect "$bg" '{{.Id}}')
    pid=$(inspect "$bg" '{{.State.Pid}}')
    x "$runtime" state "$id"
    expect_rc 0 || return 1
    grep -q '"status": *"running"' <<< "$out" && grep -q "\"pid\": *$pid," <<< "$out" ||
        fail_with "runtime state: expected running with pid $pid" || return 1
    # With systemd: the scope the runtime asked systemd for.
    in_scope "$pid" "libpod-$id.scope" || return 1
    bg_ok=1
}

sc_exec() {
    need_bg || return 1
    x "${podman_[@]}" exec "$bg" sh -c 'echo from exec; tr "\0" " " < /proc/1/cmdline; echo; exit 3'
    expect_rc 3 && expect_out_has "from exec" &&
        expect_out_has 'sh -c echo started; trap "echo got TERM; exit 42" TERM; while :; do sleep 0.1; done '
}

sc_exec_tty() {
    need_bg || return 1
    x_tty "${podman_[@]}" exec -t "$bg" sh -c 'tty; test -t 0 && test -t 1 && echo "stdin and stdout are terminals"; exit 4'
    expect_rc 4 && expect_out_has "stdin and stdout are terminals" &&
        { grep -qx '/dev/pts/[0-9]*' <<< "$out" || fail_with "expected a /dev/pts/N line from tty"; }
}

sc_logs() {
    need_bg || return 1
    x "${podman_[@]}" logs "$bg"
    expect_rc 0 && expect_out started
}

pause_ok=0 pause_why=""
pause_steps() {
    need_bg || return 1
    x "${podman_[@]}" pause "$bg"
    expect_rc 0 && status_is "$bg" paused || return 1
    pause_ok=1   # paused: the resume scenario undoes it
    local pid
    pid=$(inspect "$bg" '{{.State.Pid}}')
    frozen "$pid" || fail_with "the init's cgroup is not frozen: $(grep freezer "/proc/$pid/cgroup")" || return 1
    x "${podman_[@]}" exec "$bg" true
    ((rc != 0)) || fail_with "exec into a paused container succeeded"
}
sc_pause() {
    pause_steps && return 0
    pause_why=$(first_line_of_why)
    return 1
}

sc_unpause() {
    need_bg || return 1
    ((pause_ok)) || { why="the pause above failed: $pause_why"; return 1; }
    x "${podman_[@]}" unpause "$bg"
    expect_rc 0 && status_is "$bg" running || return 1
    x "${podman_[@]}" exec "$bg" echo alive
    expect_rc 0 && expect_out alive
}

sc_stop() {
    need_bg || return 1
    x "${podman_[@]}" stop -t 10 "$bg"      # SIGTERM: the trap exits 42 at once
    expect_rc 0 && status_is "$bg" exited || return 1
    local code
    code=$(inspect "$bg" '{{.State.ExitCode}}')
    [[ $code == 42 ]] || fail_with "exit code $code, expected 42 (SIGTERM's trap)" || return 1
    x "${podman_[@]}" logs "$bg"
    expect_rc 0 && expect_out_has "got TERM"
}

sc_rm() {
    need_bg || return 1
    local id
    id=$(inspect "$bg" '{{.Id}}')
    x "${podman_[@]}" rm "$bg"
    expect_rc 0 || return 1
    x "${podman_[@]}" ps -a -q
    [[ -z $out ]] || fail_with "podman ps -a still lists it" || return 1
    x "$runtime" state "$id"
    ((rc != 0)) || fail_with "the runtime still knows it"
}

sc_kill() {
    run_detached killed "$rootfs" sleep 1000 || return 1
    x "${podman_[@]}" kill -s KILL killed
    expect_rc 0 || return 1
    wait_status killed exited || status_is killed exited || return 1
    local code
    code=$(inspect killed '{{.State.ExitCode}}')
    [[ $code == 137 ]] || fail_with "exit code $code, expected 137" || return 1
    x "${podman_[@]}" rm killed
    expect_rc 0
}

sc_rm_force() {
    run_detached forced "$rootfs" sleep 1000 || return 1
    local id pid
    id=$(inspect forced '{{.Id}}')
    pid=$(inspect forced '{{.State.Pid}}')
    x "${podman_[@]}" rm -f -t 0 forced
    expect_rc 0 || return 1
    x "${podman_[@]}" ps -a -q
    [[ -z $out ]] || fail_with "podman ps -a still lists it" || return 1
    [[ ! -e /proc/$pid ]] || fail_with "its process $pid still runs" || return 1
    x "$runtime" state "$id"
    ((rc != 0)) || fail_with "the runtime still knows it"
}

sc_no_leftovers() {
    # Whatever the scenarios above left (after a failure), removed through
    # podman: then nothing of the runtime's may be left.
    podman_none_left || return 1
    local left
    left=$(pids_with_arg "$tmp/runroot" | tr '\n' ' ')
    [[ -z $left ]] || fail_with "processes left (conmon?): $left" || return 1
    local cgroups
    cgroups=$(container_cgroups "$cgparent" 'libpod-*' | tr '\n' ' ')
    [[ -z $cgroups ]] || fail_with "container cgroups left: $cgroups" || return 1
    ! grep -qF " $tmp/" /proc/self/mountinfo ||
        fail_with "mounts left: $(grep -F " $tmp/" /proc/self/mountinfo | cut -d' ' -f5)"
}

scenario "podman info shows the runtime's --version" sc_version
scenario "podman run --rm prints the output of a command" sc_output
scenario "podman run --rm exits with the command's exit status" sc_exit_status
scenario "podman run: the process gets no fd but stdin, stdout, stderr" sc_fds
scenario "podman run --rm -t: the process has a terminal of podman's size" sc_terminal
scenario "podman run of a missing program: 127, naming it, nothing left" sc_failed_create
scenario "podman run -e -w -u: environment, cwd and user" sc_env_and_user
scenario "podman run -d: running, in the runtime's default root" sc_detached
scenario "podman exec: output and exit status, in the container's pid namespace" sc_exec
scenario "podman exec -t: the process has a terminal" sc_exec_tty
scenario "podman logs shows the container's output" sc_logs
scenario "podman pause: paused, frozen, no exec" sc_pause
scenario "podman unpause: running, exec works again" sc_unpause
scenario "podman stop: SIGTERM reaches the init, exited 42, logs" sc_stop
scenario "podman rm: gone from podman and the runtime" sc_rm
scenario "podman kill -s KILL: exited 137" sc_kill
scenario "podman rm -f of a running container: process and state gone" sc_rm_force
scenario "no container, conmon, cgroup or mount left behind" sc_no_leftovers
