#!/usr/bin/env bash
# rt-test: needs-root
#
# tests/suites/containerd.sh: the runtime under containerd 1.6, as a person
# drives it with `ctr`: containerd's runc v2 shim calls the runtime given by
# `ctr run --runc-binary` (always with --root /run/containerd/runc/<namespace>
# --log <bundle>/log.json --log-format json) for create, start, exec, ps,
# pause, resume, kill and delete.
#
# RUNTIME=runc (or any path) tests another runtime: that is how this suite was
# checked. Default: $RT_BUILD_DIR/rt. containerd runs from its own config with
# its root, state and socket in a temp dir, in a namespace of its own, and is
# stopped at the end; the image is made here from the busybox rootfs
# (scripts/mkrootfs) as an OCI archive and imported with `ctr image import`.
set -euo pipefail
source "$(dirname -- "${BASH_SOURCE[0]}")/lib/engine-common.sh"

echo "1..$(grep -c "^scenario " "${BASH_SOURCE[0]}")"   # one TAP line per scenario below
need_packages containerd
resolve_runtime

ns=rt-test-$$-$RANDOM                  # containerd namespace, cgroup parent (cgroupfs)
slice=rtctr$$.slice                    # the containers' slice (systemd: CGROUP_MANAGER=systemd)
cgparent=$ns
[[ $cgroup_manager == cgroupfs ]] || cgparent=$slice
tmp=$(mktemp -d /tmp/rt-containerd.XXXXXX)
sock=$tmp/containerd.sock
image=docker.io/rt-test/busybox:latest
runtime_root=/run/containerd/runc/$ns  # where the shim tells the runtime to keep state
containerd_pid=

# /run/containerd and its runc/ and s/ (shim sockets) are containerd's fixed
# paths; remove them at the end only if they were not there before.
remember_host_dirs /run/containerd /run/containerd/runc /run/containerd/s

ctr_=(ctr --address "$sock" --namespace "$ns")

cleanup() {
    set +e
    if [[ -n $containerd_pid ]] && kill -0 "$containerd_pid" 2>/dev/null; then
        local c
        for c in $(timeout 10 "${ctr_[@]}" containers ls -q 2>/dev/null); do
            timeout 10 "${ctr_[@]}" task delete --force "$c" &>/dev/null
            timeout 10 "${ctr_[@]}" containers delete "$c" &>/dev/null
        done
        timeout 10 "${ctr_[@]}" images rm "$image" &>/dev/null
    fi
    # Whatever the engine could not remove: containers still in the runtime's
    # state, then shims serving this namespace.
    delete_left_in_runtime "$runtime_root"
    kill_leftovers "$ns"
    if [[ -n $containerd_pid ]]; then
        kill -TERM "$containerd_pid" 2>/dev/null
        wait "$containerd_pid" 2>/dev/null
    fi
    unmount_under "$tmp"
    remove_cgroups "$cgparent"
    rm -rf -- "$runtime_root"
    remove_host_dirs_made /run/containerd/s /run/containerd/runc /run/containerd
    if [[ -n ${suite_failed_log:-} ]]; then
        echo "# containerd's log (last lines):"
        tail -n 20 "$tmp/containerd.log" | sed 's/^/#   /'
    fi
    rm -rf -- "$tmp"
}
trap cleanup EXIT
trap "exit 143" TERM   # a timeout: clean up all the same
trap "exit 130" INT

# containerd of our own: config, root, state and socket under $tmp; no CRI
# plugin (it would want CNI), no /opt/containerd (the opt plugin).
containerd_config_head io.containerd.grpc.v1.cri > "$tmp/config.toml"
start_containerd

make_busybox_rootfs "$tmp/rootfs"
make_oci_archive "$tmp/rootfs" "$tmp/image.tar" "$image" '{"Env":["PATH=/usr/sbin:/usr/bin:/sbin:/bin"],"Cmd":["sh"]}'
x "${ctr_[@]}" images import "$tmp/image.tar"
if ((rc != 0)); then
    echo "Bail out! ctr images import failed: $err"
    exit 1
fi

# ctr keeps its fifos in /run/containerd/fifo unless told (and leaves empty
# dirs there): keep them in $tmp.
run_=("${ctr_[@]}" run --fifo-dir "$tmp/fifo" --runc-binary "$runtime")
if [[ $cgroup_manager == systemd ]]; then
    # The runc v2 shim's SystemdCgroup option (ctr: --runc-systemd-cgroup),
    # which needs a "slice:prefix:name" cgroup per container: ctr-run puts
    # the container's ID (the word after the image) there.
    cat > "$tmp/ctr-run" <<EOF
#!/usr/bin/env bash
args=("\$@") id=
for ((i = 0; i < \${#args[@]}; i++)); do
    [[ \${args[i]} == "$image" ]] && { id=\${args[i + 1]}; break; }
done
exec $(printf '%q ' "${run_[@]}") --runc-systemd-cgroup --cgroup "$slice:ctr:\$id" "\$@"
EOF
    chmod +x "$tmp/ctr-run"
    run_=("$tmp/ctr-run")
fi
exec_=("${ctr_[@]}" task exec --fifo-dir "$tmp/fifo")

# task_status ID, task_pid ID: the STATUS and PID columns of `ctr task ls`
# for ID (empty: no task).
task_status() {
    timeout 10 "${ctr_[@]}" tasks ls 2>/dev/null | awk -v id="$1" '$1 == id { print $3 }'
}
task_pid() {
    timeout 10 "${ctr_[@]}" tasks ls 2>/dev/null | awk -v id="$1" '$1 == id { print $2 }'
}

# wait_status ID STATUS: waits up to 5 s for the task to reach STATUS.
wait_status() {
    local i
    for i in $(seq 50); do
        [[ $(task_status "$1") == "$2" ]] && return 0
        sleep 0.1
    done
    return 1
}

# run_detached ID CMD...: `ctr run -d`; when it fails, the container record
# that ctr leaves behind is removed (so that the last scenario checks only what
# the runtime left).
run_detached() {
    local id=$1; shift
    x "${run_[@]}" -d "$image" "$id" "$@"
    expect_rc 0 && return 0
    timeout 10 "${ctr_[@]}" containers delete "$id" &>/dev/null || true
    return 1
}

# ---- scenarios ----------------------------------------------------------------

sc_output() {
    x "${run_[@]}" --rm "$image" output echo hello from the container
    expect_rc 0 && expect_out "hello from the container"
}

sc_exit_status() {
    x "${run_[@]}" --rm "$image" exit-status sh -c 'echo bye; exit 7'
    expect_rc 7 && expect_out "bye"
}

sc_fds() {
    # Only stdin, stdout and stderr reach the process (3 is the shell's own
    # directory listing): no fd of the engine's (a shim's socket arrives as
    # fd 3) nor of the runtime's.
    x "${run_[@]}" --rm "$image" fds sh -c 'cd /proc/self/fd && echo *'
    expect_rc 0 && expect_out "0 1 2 3"
}

sc_terminal() {
    # ctr sizes the terminal after the start: wait for it.
    x_tty --size 30x100 "${run_[@]}" --rm -t "$image" terminal sh -c '
        tty; test -t 0 && test -t 1 && echo "stdin and stdout are terminals"
        for i in $(seq 30); do s=$(stty size 2>/dev/null) && [ "$s" = "30 100" ] && break; sleep 0.1; done
        echo "size $s"; exit 5'
    expect_rc 5 && expect_out_has /dev/pts/0 && expect_out_has "stdin and stdout are terminals" &&
        expect_out_has "size 30 100"
}

sc_failed_create() {
    x "${run_[@]}" --rm "$image" failed-create /no/such/program
    ((rc != 0)) || fail_with "ctr run of a missing program succeeded" || return 1
    # The shim passes on the runtime's last logged error: it must name the cause.
    expect_err_has /no/such/program || return 1
    x "${ctr_[@]}" containers ls -q
    [[ -z $out ]] || fail_with "a container is left behind" || return 1
    x "$runtime" --root "$runtime_root" list -q
    [[ -z $out ]] || fail_with "the runtime still lists a container"
}

# The long-running container of the scenarios below: its init has a child
# (sleep 1000) and exits 42 on SIGTERM.
bg=background
bg_ok=0 bg_why=""
detached_steps() {
    run_detached "$bg" sh -c 'trap "exit 42" TERM; sleep 1000 & while :; do sleep 0.1; done' || return 1
    wait_status "$bg" RUNNING || fail_with "ctr task ls: status '$(task_status "$bg")', expected RUNNING" || return 1
    # The task is the runtime's: the shim was really told to use it.
    x "$runtime" --root "$runtime_root" state "$bg"
    expect_rc 0 || return 1
    local status pid
    status=$(python3 -c 'import json,sys; print(json.load(sys.stdin)["status"])' <<< "$out")
    pid=$(python3 -c 'import json,sys; print(json.load(sys.stdin)["pid"])' <<< "$out")
    [[ $status == running && $pid == "$(task_pid "$bg")" ]] ||
        fail_with "runtime state: status $status pid $pid; ctr: pid $(task_pid "$bg")" || return 1
    # With systemd: the scope the runtime asked systemd for.
    in_scope "$pid" "ctr-$bg.scope" || return 1
    bg_ok=1
}

sc_exec() {
    need_bg || return 1
    x "${exec_[@]}" --exec-id plain "$bg" sh -c 'echo from exec; tr "\0" " " < /proc/1/cmdline; echo; exit 3'
    # Same pid namespace as the init: its pid 1 is the container's command.
    expect_rc 3 && expect_out_has "from exec" &&
        expect_out_has 'sh -c trap "exit 42" TERM; sleep 1000 & while :; do sleep 0.1; done '
}

sc_exec_tty() {
    need_bg || return 1
    x_tty "${exec_[@]}" -t --exec-id tty "$bg" sh -c 'tty; test -t 0 && test -t 1 && echo "stdin and stdout are terminals"; exit 4'
    expect_rc 4 && expect_out_has "stdin and stdout are terminals" &&
        { grep -qx '/dev/pts/[0-9]*' <<< "$out" || fail_with "expected a /dev/pts/N line from tty"; }
}

sc_ps() {
    need_bg || return 1
    local init child
    init=$(task_pid "$bg")
    child=$(child_pid "$init" "sleep 1000") || fail_with "no 'sleep 1000' child of the init $init" || return 1
    # The runtime's `ps --format json` lists the container's processes.
    x "${ctr_[@]}" task ps "$bg"
    expect_rc 0 || return 1
    local pid
    for pid in "$init" "$child"; do
        awk -v pid="$pid" '$1 == pid { found = 1 } END { exit !found }' <<< "$out" ||
            fail_with "expected pid $pid (the init $init, its child $child)" || return 1
    done
}

pause_ok=0 pause_why=""
pause_steps() {
    need_bg || return 1
    x "${ctr_[@]}" task pause "$bg"
    expect_rc 0 || return 1
    [[ $(task_status "$bg") == PAUSED ]] || fail_with "ctr task ls: status '$(task_status "$bg")', expected PAUSED" || return 1
    pause_ok=1   # paused: the resume scenario undoes it
    local init
    init=$(task_pid "$bg")
    frozen "$init" || fail_with "the init's cgroup is not frozen: $(grep freezer "/proc/$init/cgroup")" || return 1
    x "${exec_[@]}" --exec-id while-paused "$bg" true
    ((rc != 0)) || fail_with "exec into a paused container succeeded"
}
sc_pause() {
    pause_steps && return 0
    pause_why=$(first_line_of_why)
    return 1
}

sc_resume() {
    need_bg || return 1
    ((pause_ok)) || { why="the pause above failed: $pause_why"; return 1; }
    x "${ctr_[@]}" task resume "$bg"
    expect_rc 0 || return 1
    [[ $(task_status "$bg") == RUNNING ]] || fail_with "ctr task ls: status '$(task_status "$bg")', expected RUNNING" || return 1
    x "${exec_[@]}" --exec-id after-resume "$bg" echo alive
    expect_rc 0 && expect_out alive
}

sc_kill() {
    need_bg || return 1
    x "${ctr_[@]}" task kill "$bg"                    # SIGTERM
    expect_rc 0 || return 1
    wait_status "$bg" STOPPED || fail_with "ctr task ls: status '$(task_status "$bg")', expected STOPPED" || return 1
    # Stopped but not yet deleted: the runtime still knows it.
    x "$runtime" --root "$runtime_root" state "$bg"
    expect_rc 0 && { grep -q '"status": *"stopped"' <<< "$out" || fail_with "runtime state: expected stopped"; }
}

sc_delete() {
    need_bg || return 1
    x "${ctr_[@]}" task delete "$bg"
    # ctr reports the exit status of the task's init (the TERM trap's 42).
    expect_rc 0 && expect_err_has "exit code 42" || return 1
    x "${ctr_[@]}" containers delete "$bg"
    expect_rc 0 || return 1
    x "${ctr_[@]}" containers ls -q
    [[ -z $out ]] || fail_with "ctr containers ls still lists it" || return 1
    [[ ! -e $runtime_root/$bg ]] || fail_with "$runtime_root/$bg is left behind" || return 1
    local d
    for d in $(container_cgroups "$cgparent"); do
        [[ $d != */"$bg"/ && $d != */ctr-"$bg".scope/ ]] || fail_with "cgroup $d is left behind" || return 1
    done
    if [[ $cgroup_manager == systemd ]]; then
        [[ $(systemctl show -p ActiveState --value "ctr-$bg.scope") == inactive ]] ||
            fail_with "the unit ctr-$bg.scope is left behind" || return 1
    fi
}

# discard ID: removes a container the scenario made, whatever state it is in
# (nothing to do when the scenario removed it itself).
discard() {
    timeout 10 "${ctr_[@]}" task delete --force "$1" &>/dev/null || true
    timeout 10 "${ctr_[@]}" containers delete "$1" &>/dev/null || true
}

# child_pid PARENT ARGS: the pid of PARENT's child whose command line is ARGS.
child_pid() {
    local pid args
    for pid in $(cat /proc/"$1"/task/*/children 2>/dev/null); do
        args=$(tr '\0' ' ' < "/proc/$pid/cmdline" 2>/dev/null) || continue
        [[ $args == "$2 " ]] && { echo "$pid"; return 0; }
    done
    return 1
}

kill_all_steps() {
    # The init shrugs SIGTERM off; its child (default action) does not.
    run_detached kill-all sh -c 'trap : TERM; sleep 1000 & while :; do sleep 0.1; done' || return 1
    wait_status kill-all RUNNING || fail_with "not RUNNING" || return 1
    local init child
    init=$(task_pid kill-all)
    child=$(child_pid "$init" "sleep 1000") || fail_with "no 'sleep 1000' child of the init $init" || return 1
    x "${ctr_[@]}" task kill --all --signal SIGTERM kill-all
    expect_rc 0 || return 1
    # --all: every process of the container got it, not only the init.
    local i
    for i in $(seq 50); do [[ -e /proc/$child ]] || break; sleep 0.1; done
    [[ ! -e /proc/$child ]] || fail_with "the init's child $child survived kill --all SIGTERM" || return 1
    [[ $(task_status kill-all) == RUNNING ]] || fail_with "the init did not survive SIGTERM: $(task_status kill-all)" || return 1
    x "${ctr_[@]}" task kill --all --signal SIGKILL kill-all
    expect_rc 0 || return 1
    wait_status kill-all STOPPED || fail_with "ctr task ls: status '$(task_status kill-all)', expected STOPPED" || return 1
    x "${ctr_[@]}" task delete kill-all
    expect_rc 0 && expect_err_has "exit code 137" || return 1
    x "${ctr_[@]}" containers delete kill-all
    expect_rc 0
}
sc_kill_all() {
    local r=0
    kill_all_steps || r=1
    discard kill-all
    return $r
}

force_steps() {
    # The shim kills a running init (runtime kill + delete) and removes it.
    run_detached force sleep 1000 || return 1
    local init
    init=$(task_pid force)
    x "${ctr_[@]}" task delete --force force
    expect_rc 0 || return 1
    [[ -z $(task_status force) ]] || fail_with "task still listed: $(task_status force)" || return 1
    [[ ! -e /proc/$init ]] || fail_with "its init $init still runs" || return 1
    x "${ctr_[@]}" containers delete force
    expect_rc 0 && { [[ ! -e $runtime_root/force ]] || fail_with "$runtime_root/force is left behind"; }
}
sc_rm_running() {
    local r=0
    force_steps || r=1
    discard force
    return $r
}

sc_no_leftovers() {
    # Whatever the scenarios above left (after a failure), removed through
    # ctr: then nothing of the runtime's may be left.
    local c
    for c in $(timeout 10 "${ctr_[@]}" containers ls -q 2>/dev/null); do discard "$c"; done
    x "${ctr_[@]}" tasks ls -q
    [[ -z $out ]] || fail_with "tasks left: $out" || return 1
    x "$runtime" --root "$runtime_root" list -q
    [[ -z $out ]] || fail_with "the runtime still lists: $out" || return 1
    local left
    left=$(container_cgroups "$cgparent" | tr '\n' ' ')
    [[ -z $left ]] || fail_with "cgroups left: $left" || return 1
    # The bundles' rootfs mounts (containerd's, unmounted on delete).
    ! grep -qF " $tmp/state/" /proc/self/mountinfo ||
        fail_with "mounts left: $(grep -F " $tmp/state/" /proc/self/mountinfo | cut -d' ' -f5)"
}

scenario "ctr run --rm prints the output of a command" sc_output
scenario "ctr run --rm exits with the command's exit status" sc_exit_status
scenario "ctr run: the process gets no fd but stdin, stdout, stderr" sc_fds
scenario "ctr run --rm -t: the process has a terminal of ctr's size" sc_terminal
scenario "ctr run of a missing program fails naming it, leaving nothing" sc_failed_create
scenario "ctr run -d: the task is RUNNING, in the runtime's state" sc_detached
scenario "ctr task exec: output and exit status, in the container's pid namespace" sc_exec
scenario "ctr task exec -t: the process has a terminal" sc_exec_tty
scenario "ctr task ps lists the init and its child" sc_ps
scenario "ctr task pause: PAUSED, frozen, no exec" sc_pause
scenario "ctr task resume: RUNNING, exec works again" sc_resume
scenario "ctr task kill: SIGTERM reaches the init, task STOPPED" sc_kill
scenario "ctr task delete + containers delete: exit code shown, nothing left" sc_delete
scenario "ctr task kill --all: the signal reaches every process" sc_kill_all
scenario "ctr task delete --force of a running task" sc_rm_running
scenario "no task, runtime state, cgroup or mount left behind" sc_no_leftovers
