#!/usr/bin/env bash
# rt-test: needs-root
#
# tests/suites/cri.sh: the runtime on the kubelet's path. A Kubernetes node
# reaches the runtime only through the CRI (Container Runtime Interface):
# this suite makes the kubelet's gRPC calls to containerd 1.6's CRI plugin,
# which runs the pods' containers through the runc v2 shim with the runtime
# as its BinaryName (runtime handler "rt"): RunPodSandbox, CreateContainer,
# StartContainer, ExecSync, ContainerStats, UpdateContainerResources,
# ContainerStatus, List*, StopContainer, RemoveContainer, StopPodSandbox,
# RemovePodSandbox; and a second handler, "rt-userns", whose
# base_runtime_spec gives every container a user namespace and an idmapped
# volume (containerd 1.6 ignores the CRI's own userns_options: 1.7 added it).
#
# The CRI client is lib/cri/cri-call (Debian's python3-grpcio and
# python3-protobuf) with the messages of lib/cri/runtime_v1.proto, compiled
# here with Debian's protoc; containerd runs as its own daemon with its
# config, root, state, socket, CNI config (a bridge of Debian's
# containernetworking-plugins, no IP on the host side: nothing is routed or
# masqueraded) and the runtime's --root all in a temp dir; the pause and
# busybox images are made here and imported with `ctr -n k8s.io images
# import` (sandbox_image names the pause image: nothing is ever pulled).
# Everything is removed at the end, also on failure.
#
# RUNTIME=runc (or any path) tests another runtime. CRI_SYSTEMD_CGROUP=1
# runs the shim with SystemdCgroup = true (for a host whose PID 1 is systemd,
# as in the systemd VM): each pod then has a slice in the suite's, as the
# kubelet's pods have in kubepods.slice, each container (and sandbox) is a
# scope in it, and the scenarios also check the units: where they are, their
# limits after UpdateContainerResources, none left after the removals.
# RT_TESTHELPER: the rt-testhelper to put in the images (default: the
# build's).
set -euo pipefail
source "$(dirname -- "${BASH_SOURCE[0]}")/lib/engine-common.sh"
source "$suite_lib/cri/containerd-cri.sh"
source "$suite_lib/cri/calls.sh"

echo "1..$(grep -c "^scenario " "${BASH_SOURCE[0]}")"   # one TAP line per scenario below
# What the suite needs beyond rt's build: a VM image that runs it installs these.
need_packages containerd containernetworking-plugins python3-grpcio python3-protobuf \
    protobuf-compiler jq iproute2
resolve_runtime
source_dir=$(cd "$suite_lib/../../.." && pwd)
helper=${RT_TESTHELPER:-${RT_BUILD_DIR:-$source_dir/build}/tests/helper/rt-testhelper}
[[ -x $helper ]] || { echo "Bail out! $helper: not built"; exit 1; }
python=/usr/bin/python3   # Debian's, with python3-grpcio (not a python of the user's PATH)
cri_call=$suite_lib/cri/cri-call

systemd_cgroup=${CRI_SYSTEMD_CGROUP:-0}
tag=$$r$RANDOM
cgname=rtcri$tag                       # the pods' cgroup parent (a slice with systemd)
netname=rt-cri-$tag                    # the CNI network
bridge=rtcri$RANDOM                    # its bridge (at most 15 characters)
while ip link show "$bridge" &>/dev/null; do bridge=rtcri$RANDOM; done
subnet=10.244.$((RANDOM % 256))        # the pods' /24, which the host never routes
tmp=$(mktemp -d /tmp/rt-cri.XXXXXX)
sock=$tmp/containerd.sock
rt_root=$tmp/rt-root                   # the shims' --root for the runtime, plus /k8s.io
runtime_root=$rt_root/k8s.io
pause_image=rt-test.invalid/pause:1    # .invalid: a pull could never reach anything
busybox_image=rt-test.invalid/busybox:1
containerd_pid=

remember_host_dirs "${cri_host_dirs[@]}"
trap cri_cleanup EXIT
trap "exit 143" TERM   # a timeout: clean up all the same
trap "exit 130" INT
cri_compile_messages
cri_make_images
cri_write_network
cri_write_userns_spec
cri_write_config
cri_start_containerd

# ---- scenarios: the kubelet's calls ------------------------------------------

sc_version() {
    # The kubelet (1.26 and later) speaks runtime.v1 only; older ones asked
    # v1alpha2, which containerd 1.6 serves too (2.0 no longer does).
    cri Version '{"version": "v1"}'
    expect_rc 0 || return 1
    [[ $(q .runtime_name) == containerd && $(q .runtime_api_version) == v1 ]] ||
        fail_with "expected containerd speaking runtime.v1" || return 1
    echo "# $(q .runtime_name) $(q .runtime_version), CRI $(q .runtime_api_version)"
    cri --api v1alpha2 Version '{"version": "v1alpha2"}'
    if ((rc == 0)); then
        [[ $(q .runtime_api_version) == v1alpha2 ]] || fail_with "runtime.v1alpha2 answers $(q .runtime_api_version)"
    else
        expect_err_has UNIMPLEMENTED
    fi
}

sc_status() {
    cri Status '{}'
    expect_rc 0 || return 1
    local cond
    for cond in RuntimeReady NetworkReady; do
        [[ $(q ".status.conditions[] | select(.type == \"$cond\") | .status") == true ]] ||
            fail_with "$cond is not true" || return 1
    done
}

sc_images() {
    # ctr's import reaches the CRI plugin's image store by an event: wait for it.
    local image i
    for image in "$pause_image" "$busybox_image"; do
        for i in $(seq 50); do
            cri ImageStatus "{\"image\": {\"image\": \"$image\"}}"
            [[ $rc == 0 && $(q '.image.id // ""') != "" ]] && break
            sleep 0.1
        done
        [[ $(q '.image.repo_tags[0] // ""') == "$image" ]] || fail_with "ImageStatus does not find $image" || return 1
    done
}

# The pod of the scenarios below: pod1, handler rt, two containers.
pod1_ok=0 pod1_why="" pod1=""
pod1_steps() {
    run_pod pod1 rt || return 1
    pod1=$pod_id
    cri PodSandboxStatus "{\"pod_sandbox_id\": \"$pod1\"}"
    expect_rc 0 || return 1
    [[ $(q .status.state) == SANDBOX_READY && $(q .status.runtime_handler) == rt ]] ||
        fail_with "expected SANDBOX_READY, handler rt" || return 1
    # The CNI bridge gave the pod its address.
    [[ $(q .status.network.ip) == "$subnet".* ]] || fail_with "pod IP $(q .status.network.ip), expected one of $subnet.0/24" || return 1
    pod1_ip=$(q .status.network.ip)
    local pid
    pid=$(sandbox_pid "$pod1") && [[ $pid =~ ^[0-9]+$ ]] || fail_with "no pid for the sandbox" || return 1
    pod1_pid=$pid
    [[ $(tr '\0' ' ' < "/proc/$pid/cmdline") == "/pause pause " ]] ||
        fail_with "the sandbox's process is not the pause image's: $(tr '\0' ' ' < "/proc/$pid/cmdline")" || return 1
    runtime_says "$pod1" "$pid" || return 1
    in_pod_scope pod1 "$pod1" "$pid" || return 1
    pod1_ok=1
}
sc_run_pod() {
    pod1_steps && return 0
    pod1_why=$(first_line_of_why)
    return 1
}
need_pod1() { ((pod1_ok)) || { why="pod1 did not start: $pod1_why"; return 1; }; }

# c1 waits for a signal and prints its name; c2 says "got TERM" on SIGTERM
# and goes on (its SIGKILL comes after StopContainer's timeout).
c1="" c2="" containers_ok=0 containers_why=""
containers_steps() {
    need_pod1 || return 1
    start_container pod1 "$pod1" c1 '["/bin/rt-testhelper", "pause"]' || return 1
    c1=$ctr_id
    start_container pod1 "$pod1" c2 '["sh", "-c", "trap \"echo got TERM\" TERM; echo started; while :; do sleep 0.1; done"]' || return 1
    c2=$ctr_id
    local id pid
    for id in "$c1" "$c2"; do
        cri ContainerStatus "{\"container_id\": \"$id\"}"
        [[ $(q .status.state) == CONTAINER_RUNNING ]] || fail_with "container $id: $(q .status.state)" || return 1
        pid=$(container_pid "$id") || return 1
        runtime_says "$id" "$pid" || return 1
        # In the pod's cgroup parent, in a cgroup of its own.
        local memory
        memory=$(cgroup_dir "$pid" memory)
        [[ $memory == *"$cgname"*"$id"* ]] || fail_with "container $id in cgroup $memory" || return 1
        in_pod_scope pod1 "$id" "$pid" || return 1
    done
    containers_ok=1
}
sc_containers() {
    containers_steps && return 0
    containers_why=$(first_line_of_why)
    return 1
}
need_containers() { ((containers_ok)) || { why="the containers did not start: $containers_why"; return 1; }; }

sc_shared_namespaces() {
    need_containers || return 1
    local pod_ns id inside pod
    pod_ns=$(ns_of "$pod1_pid")
    for id in "$c1" "$c2"; do
        exec_sync "$id" sh -c "$ns_script"
        expect_rc 0 || return 1
        inside=($out) pod=($pod_ns)
        [[ ${inside[0]} == "${pod[0]}" && ${inside[1]} == "${pod[1]}" && ${inside[2]} == "${pod[2]}" ]] ||
            fail_with "container $id: net ipc uts ${inside[*]:0:3}, the pod's: ${pod[*]:0:3}" || return 1
        exec_sync "$id" sh -c 'hostname; ip -o -4 addr show eth0 | awk "{ print \$4 }"; grep nameserver /etc/resolv.conf'
        expect_rc 0 && expect_out "pod1-host"$'\n'"$pod1_ip/24"$'\n'"nameserver 192.0.2.53" || return 1
    done
}

sc_own_namespaces() {
    need_containers || return 1
    local a b pod
    exec_sync "$c1" sh -c "$ns_script; tr '\0' ' ' < /proc/1/cmdline"
    expect_rc 0 || return 1
    a=($out)
    exec_sync "$c2" sh -c "$ns_script"
    expect_rc 0 || return 1
    b=($out) pod=($(ns_of "$pod1_pid"))
    # mount and pid: neither the pod's nor the other container's.
    [[ ${a[3]} != "${pod[3]}" && ${a[3]} != "${b[3]}" && ${a[4]} != "${pod[4]}" && ${a[4]} != "${b[4]}" &&
       ${b[3]} != "${pod[3]}" && ${b[4]} != "${pod[4]}" ]] ||
        fail_with "mnt/pid: c1 ${a[*]:3:2}, c2 ${b[*]:3:2}, pod ${pod[*]:3:2}" || return 1
    # In its own pid namespace, the container's command is pid 1.
    [[ ${a[*]:5} == "/bin/rt-testhelper pause" ]] || fail_with "c1's pid 1 is: ${a[*]:5}"
}

sc_exec_sync() {
    need_containers || return 1
    # The command runs in the container's cgroups: those of its pid 1. (Not
    # "named after the container": on cgroup v2 the container has a cgroup
    # namespace, whose root it is, and /proc/self/cgroup says "0::/".)
    exec_sync "$c2" sh -c 'echo out; echo err >&2; [ "$(cat /proc/self/cgroup)" = "$(cat /proc/1/cgroup)" ] && echo in-its-cgroups; exit 3'
    expect_rc 3 && expect_out "out"$'\n'"in-its-cgroups" || return 1
    [[ $err == err ]] || fail_with "stderr: '$err', expected 'err'" || return 1
    # A command past ExecSync's timeout fails the call and is killed.
    cri ExecSync "{\"container_id\": \"$c2\", \"cmd\": [\"sleep\", \"1000\"], \"timeout\": \"1\"}"
    ((rc != 0)) || fail_with "ExecSync past its timeout succeeded" || return 1
    expect_err_has DEADLINE_EXCEEDED || return 1
    local i
    for i in $(seq 50); do
        exec_sync "$c2" ps -o args
        grep -qx 'sleep 1000' <<< "$out" || return 0
        sleep 0.1
    done
    fail_with "the timed-out 'sleep 1000' still runs"
}

sc_stats() {
    need_containers || return 1
    local pid cpu memory before after ballast=$((32 << 20))
    pid=$(container_pid "$c1") || return 1
    cpu=$(cgroup_dir "$pid" cpuacct) memory=$(cgroup_dir "$pid" memory)
    # Memory the container keeps (shmem: never reclaimed as cache) and CPU
    # time it spent, both charged to its cgroup.
    exec_sync "$c1" sh -c "head -c $ballast /dev/zero > /dev/shm/ballast; i=0; while [ \$i -lt 100000 ]; do i=\$((i+1)); done"
    expect_rc 0 || return 1
    cpu_ns() {   # cgroup CPU time in ns
        if cgroup_v2; then echo $(( $(awk '$1 == "usage_usec" { print $2 }' "$cpu/cpu.stat") * 1000 ))
        else cat "$cpu/cpuacct.usage"; fi
    }
    before=$(cpu_ns)
    cri ContainerStats "{\"container_id\": \"$c1\"}"
    after=$(cpu_ns)
    expect_rc 0 || return 1
    local used working_set peak
    used=$(q .stats.cpu.usage_core_nano_seconds.value)
    working_set=$(q .stats.memory.working_set_bytes.value)
    if cgroup_v2; then peak=$(< "$memory/memory.peak"); else peak=$(< "$memory/memory.max_usage_in_bytes"); fi
    ((before <= used && used <= after && used > 0)) ||
        fail_with "CPU: stats say $used ns, the cgroup $before..$after ns" || return 1
    ((working_set >= ballast && working_set <= peak)) ||
        fail_with "memory: working set $working_set, expected >= the $ballast bytes ballast and <= the cgroup's peak $peak" || return 1
    [[ $(q .stats.attributes.id) == "$c1" && $(q .stats.attributes.metadata.name) == c1 ]] ||
        fail_with "stats of the wrong container"
}

sc_update() {
    need_containers || return 1
    cri UpdateContainerResources "{\"container_id\": \"$c1\", \"linux\": {\"memory_limit_in_bytes\": \"268435456\",
        \"cpu_period\": \"100000\", \"cpu_quota\": \"50000\", \"cpu_shares\": \"512\", \"cpuset_cpus\": \"0\"}}"
    expect_rc 0 || return 1
    local pid memory cpu cpuset got expected
    # cgroup v2's weight for the 512 shares: 59 by the conversion of crun and
    # runc 1.3 (and rt), ceil(10^((l^2 + 125 l) / 612 - 7/34)) with l = log2(512);
    # (runc 1.1's linear one said 20).
    local weight_of_512=59
    pid=$(container_pid "$c1") || return 1
    memory=$(cgroup_dir "$pid" memory) cpu=$(cgroup_dir "$pid" cpu) cpuset=$(cgroup_dir "$pid" cpuset)
    if cgroup_v2; then
        got="$(< "$memory/memory.max") / $(< "$cpu/cpu.max") / $(< "$cpu/cpu.weight") / $(< "$cpuset/cpuset.cpus")"
        expected="268435456 / 50000 100000 / $weight_of_512 / 0"
    else
        got="$(< "$memory/memory.limit_in_bytes") / $(< "$cpu/cpu.cfs_quota_us") $(< "$cpu/cpu.cfs_period_us") / $(< "$cpu/cpu.shares") / $(< "$cpuset/cpuset.cpus")"
        expected="268435456 / 50000 100000 / 512 / 0"
    fi
    [[ $got == "$expected" ]] || fail_with "cgroup files: $got, expected $expected" || return 1
    ((systemd_cgroup)) || return 0
    # The scope's own limits too: systemd would put its unit's back in the
    # files at its next reload.
    got=$(scope_limits "$c1") || fail_with "systemctl show of $c1's scope failed" || return 1
    if cgroup_v2; then expected="268435456 / 500ms / $weight_of_512 / 0"
    else expected="268435456 / 500ms / 512 / 0"; fi
    [[ $got == "$expected" ]] || fail_with "the scope's MemoryMax|MemoryLimit / CPUQuotaPerSecUSec / CPUWeight|CPUShares / AllowedCPUs: $got, expected $expected"
}

sc_status_and_lists() {
    need_containers || return 1
    cri ContainerStatus "{\"container_id\": \"$c1\"}"
    expect_rc 0 || return 1
    [[ $(q .status.state) == CONTAINER_RUNNING && $(q .status.metadata.name) == c1 &&
       $(q .status.image.image) == "$busybox_image" && $(q .status.labels.container) == c1 &&
       $(q '.status.annotations["rt-test/annotation"]') == "of c1" &&
       $(q .status.log_path) == "$tmp/logs/pod1/c1.log" && $(q .status.started_at) -gt 0 ]] ||
        fail_with "ContainerStatus of c1" || return 1
    cri ListContainers "{\"filter\": {\"pod_sandbox_id\": \"$pod1\"}}"
    expect_rc 0 || return 1
    [[ $(q '[.containers[].metadata.name] | sort | join(" ")') == "c1 c2" ]] || fail_with "ListContainers of pod1" || return 1
    cri ListContainers '{"filter": {"label_selector": {"container": "c2"}}}'
    [[ $(q '[.containers[].id] | join(" ")') == "$c2" ]] || fail_with "ListContainers by label" || return 1
    cri ListContainers '{"filter": {"state": {"state": "CONTAINER_EXITED"}}}'
    [[ $(q '.containers | length') == 0 ]] || fail_with "ListContainers of exited containers" || return 1
    cri ListPodSandbox '{"filter": {"label_selector": {"pod": "pod1"}}}'
    [[ $(q '[.items[] | .id + " " + .state + " " + .runtime_handler] | join(",")') == "$pod1 SANDBOX_READY rt" ]] ||
        fail_with "ListPodSandbox"
}

sc_stop_term() {
    need_containers || return 1
    cri StopContainer "{\"container_id\": \"$c1\", \"timeout\": \"30\"}"
    expect_rc 0 || return 1
    cri ContainerStatus "{\"container_id\": \"$c1\"}"
    [[ $(q .status.state) == CONTAINER_EXITED && $(q .status.exit_code) == 0 && $(q .status.reason) == Completed ]] ||
        fail_with "c1: expected exited 0 (Completed)" || return 1
    # Its own words: the signal it got.
    [[ $(log_lines "$tmp/logs/pod1/c1.log") == SIGTERM ]] || fail_with "c1's log: $(< "$tmp/logs/pod1/c1.log")"
}

sc_stop_timeout() {
    need_containers || return 1
    cri StopContainer "{\"container_id\": \"$c2\", \"timeout\": \"2\"}"
    expect_rc 0 || return 1
    cri ContainerStatus "{\"container_id\": \"$c2\"}"
    # SIGTERM first (the trap ran), SIGKILL after the timeout: 128 + 9.
    [[ $(q .status.state) == CONTAINER_EXITED && $(q .status.exit_code) == 137 ]] ||
        fail_with "c2: expected exited 137" || return 1
    [[ $(log_lines "$tmp/logs/pod1/c2.log") == "started"$'\n'"got TERM" ]] || fail_with "c2's log: $(< "$tmp/logs/pod1/c2.log")"
}

sc_remove_containers() {
    need_containers || return 1
    local id
    for id in "$c1" "$c2"; do
        cri RemoveContainer "{\"container_id\": \"$id\"}"
        expect_rc 0 || return 1
        [[ ! -e $runtime_root/$id ]] || fail_with "$runtime_root/$id is left" || return 1
        no_cgroup_of "$id" || return 1
        no_unit_of "$id" || return 1
    done
    cri ListContainers '{}'
    [[ $(q '.containers | length') == 0 ]] || fail_with "ListContainers still lists some"
}

sc_stop_pod() {
    need_pod1 || return 1
    local netns
    netns=$(sandbox_pid "$pod1" >/dev/null; q '.info.info' | jq -r '.runtimeSpec.linux.namespaces[] | select(.type == "network") | .path')
    cri StopPodSandbox "{\"pod_sandbox_id\": \"$pod1\"}"
    expect_rc 0 || return 1
    cri PodSandboxStatus "{\"pod_sandbox_id\": \"$pod1\"}"
    [[ $(q .status.state) == SANDBOX_NOTREADY ]] || fail_with "expected SANDBOX_NOTREADY" || return 1
    [[ ! -e /proc/$pod1_pid ]] || fail_with "the pause process $pod1_pid still runs" || return 1
    [[ -n $netns && ! -e $netns ]] || fail_with "the pod's network namespace '$netns' is left" || return 1
    [[ ! -e $tmp/ipam/$netname/$pod1_ip ]] || fail_with "the pod's IP $pod1_ip is still reserved"
}

sc_remove_pod() {
    need_pod1 || return 1
    cri RemovePodSandbox "{\"pod_sandbox_id\": \"$pod1\"}"
    expect_rc 0 || return 1
    cri ListPodSandbox '{}'
    [[ $(q '.items | length') == 0 ]] || fail_with "ListPodSandbox still lists some" || return 1
    [[ ! -e $runtime_root/$pod1 ]] || fail_with "$runtime_root/$pod1 is left" || return 1
    no_cgroup_of "$pod1" || return 1
    no_unit_of "$pod1" || return 1
    ! grep -qF "$pod1" /proc/self/mountinfo || fail_with "mounts of the pod left: $(grep -F "$pod1" /proc/self/mountinfo | cut -d' ' -f5)" || return 1
    # Its shim (-id POD) exits once the pod's task is deleted: give it time.
    local i
    for i in $(seq 50); do
        [[ -n $(pids_with_arg "$pod1") ]] || return 0
        sleep 0.1
    done
    fail_with "processes of the pod left (its shim?): $(pids_with_arg "$pod1")"
}

# ---- a pod whose containers have user namespaces ------------------------------
upod="" u1="" upod_ok=0 upod_why=""
upod_steps() {
    mkdir -p "$tmp/volume-plain"
    echo hosts-file > "$tmp/volume-idmapped/by-host-root"
    echo hosts-file > "$tmp/volume-plain/by-host-root"
    chmod 0755 "$tmp/volume-idmapped" "$tmp/volume-plain"
    run_pod upod rt-userns || return 1
    upod=$pod_id
    start_container upod "$upod" u1 '["/bin/rt-testhelper", "pause"]' \
        "[{\"container_path\": \"/plain\", \"host_path\": \"$tmp/volume-plain\"}]" || return 1
    u1=$ctr_id
    local pid
    pid=$(container_pid "$u1") || return 1
    runtime_says "$u1" "$pid" || return 1
    in_pod_scope upod "$u1" "$pid" || return 1
    upod_pid=$(sandbox_pid "$upod") || return 1
    in_pod_scope upod "$upod" "$upod_pid" || return 1
    u1_pid=$pid
    upod_ok=1
}
sc_userns_pod() {
    upod_steps && return 0
    upod_why=$(first_line_of_why)
    return 1
}
need_upod() { ((upod_ok)) || { why="the user-namespace pod did not start: $upod_why"; return 1; }; }

sc_userns_identity() {
    need_upod || return 1
    exec_sync "$u1" sh -c 'cat /proc/self/uid_map /proc/self/gid_map; id -u'
    expect_rc 0 && expect_out "         0     200000      65536"$'\n'"         0     200000      65536"$'\n'"0" || return 1
    # Outside, the container's root is host uid 200000, in a user namespace
    # that is not the host's.
    [[ $(awk '/^Uid:/ { print $2 }' "/proc/$u1_pid/status") == 200000 ]] ||
        fail_with "the container's process runs as host uid $(awk '/^Uid:/ { print $2 }' "/proc/$u1_pid/status")" || return 1
    [[ $(readlink "/proc/$u1_pid/ns/user") != "$(readlink /proc/self/ns/user)" ]] || fail_with "in the host's user namespace"
}

sc_userns_pod_namespaces() {
    need_upod || return 1
    local pod inside
    pod=($(ns_of "$upod_pid"))
    exec_sync "$u1" sh -c "$ns_script; hostname; ls /sys/class/net | tr '\n' ' '; echo; grep -E ' /sys | /dev/mqueue ' /proc/self/mounts; touch /dev/mqueue/rt-test-queue && echo queued"
    expect_rc 0 || return 1
    inside=($(head -n 1 <<< "$out"))
    [[ ${inside[*]:0:3} == "${pod[*]:0:3}" ]] || fail_with "net ipc uts: ${inside[*]:0:3}, the pod's: ${pod[*]:0:3}" || return 1
    # sysfs and mqueue are those of the pod's network and ipc namespaces
    # (the pod's eth0, the queue seen in the pause container's /dev/mqueue),
    # not the host's.
    expect_out "$(head -n 1 <<< "$out")"$'\n'"upod-host"$'\n'"eth0 lo "$'\n'"mqueue /dev/mqueue mqueue rw,nosuid,nodev,noexec,relatime 0 0"$'\n'"sysfs /sys sysfs ro,nosuid,nodev,noexec,relatime 0 0"$'\n'"queued" || return 1
    [[ -e /proc/$upod_pid/root/dev/mqueue/rt-test-queue ]] || fail_with "the queue is not in the pod's ipc namespace"
}

sc_idmapped_volume() {
    need_upod || return 1
    # The idmapped volume shows the host root's files as the container root's
    # and what it writes lands as the host's root; the plain one shows them as
    # nobody's and refuses the write.
    exec_sync "$u1" sh -c 'stat -c "%u:%g" /idmapped/by-host-root /plain/by-host-root;
        echo new > /idmapped/by-container-root && echo written;
        /bin/rt-testhelper write /plain/by-container-root x'
    expect_rc 0 && expect_out "0:0"$'\n'"65534:65534"$'\n'"written"$'\n'"EACCES" || return 1
    [[ $(stat -c %u:%g "$tmp/volume-idmapped/by-container-root") == 0:0 ]] ||
        fail_with "on the host, the file is $(stat -c %u:%g "$tmp/volume-idmapped/by-container-root")'s"
}

sc_userns_pod_removed() {
    need_upod || return 1
    cri StopPodSandbox "{\"pod_sandbox_id\": \"$upod\"}"
    expect_rc 0 || return 1
    cri RemovePodSandbox "{\"pod_sandbox_id\": \"$upod\"}"
    expect_rc 0 || return 1
    local id
    for id in "$upod" "$u1"; do
        [[ ! -e $runtime_root/$id ]] || fail_with "$runtime_root/$id is left" || return 1
        no_cgroup_of "$id" || return 1
        no_unit_of "$id" || return 1
    done
    [[ ! -e /proc/$u1_pid ]] || fail_with "the container's process $u1_pid still runs"
}

sc_nothing_left() {
    # Whatever pods the scenarios above left (after a failure), removed the
    # kubelet's way: then nothing of the runtime's may be left.
    local pod
    cri ListPodSandbox '{}'
    for pod in $(q '.items[].id'); do
        echo "# removing pod $pod, left by a failure above"
        cri StopPodSandbox "{\"pod_sandbox_id\": \"$pod\"}"
        expect_rc 0 || return 1
        cri RemovePodSandbox "{\"pod_sandbox_id\": \"$pod\"}"
        expect_rc 0 || return 1
    done
    x "$runtime" --root "$runtime_root" list -q
    [[ -z $out ]] || fail_with "the runtime still lists: $out" || return 1
    local d left=()
    # The containers' cgroups: /$cgname/POD/ID, or with systemd
    # /$cgname.slice/POD_SLICE/ID_SCOPE (the pod slices are the kubelet's to
    # remove: the cleanup stops them).
    local parent=$cgname
    ((systemd_cgroup)) && parent=$cgname.slice
    for d in /sys/fs/cgroup/"$parent"/*/*/ /sys/fs/cgroup/*/"$parent"/*/*/; do
        [[ -d $d ]] && left+=("$d")
    done
    ((${#left[@]} == 0)) || fail_with "cgroups left: ${left[*]}" || return 1
    if ((systemd_cgroup)); then
        x systemctl list-units --all --plain --no-legend 'cri-containerd-*'
        [[ -z $out ]] || fail_with "systemd units left" || return 1
    fi
    ! grep -qF " $tmp/" /proc/self/mountinfo ||
        fail_with "mounts left: $(grep -F " $tmp/" /proc/self/mountinfo | cut -d' ' -f5)" || return 1
    [[ -z $(ls -A "$tmp/state/io.containerd.grpc.v1.cri/netns" 2>/dev/null) ]] || fail_with "network namespaces left" || return 1
    [[ -z $(ls -A "/sys/class/net/$bridge/brif" 2>/dev/null) ]] || fail_with "veths left on $bridge" || return 1
    local shims
    shims=$(for p in $(pids_with_arg "$sock"); do tr '\0' ' ' < "/proc/$p/cmdline"; echo; done)
    [[ -z $shims ]] || fail_with "shims left: $shims" || return 1
    # Every image was imported: containerd never tried a pull.
    ! grep -q 'PullImage' "$tmp/containerd.log" || fail_with "containerd tried to pull: $(grep -m 1 PullImage "$tmp/containerd.log")"
}

scenario "CRI Version: containerd speaks runtime.v1 (the kubelet's), and v1alpha2" sc_version
scenario "CRI Status: runtime and network (the suite's CNI bridge) ready" sc_status
scenario "ImageStatus: the pause and busybox images imported with ctr" sc_images
scenario "RunPodSandbox (handler rt): READY, a pod IP, the pause process is the runtime's container (systemd: in a scope of the pod's slice)" sc_run_pod
scenario "CreateContainer + StartContainer: two containers RUNNING, the runtime's, in the pod's cgroup (systemd: scopes of the pod's slice)" sc_containers
scenario "the containers share the pod's network, ipc and uts namespaces, hostname, IP and DNS" sc_shared_namespaces
scenario "each container has a mount and pid namespace of its own" sc_own_namespaces
scenario "ExecSync: stdout, stderr, exit code, the container's cgroup; a timeout kills the command" sc_exec_sync
scenario "ContainerStats: CPU time and memory of the container's cgroup" sc_stats
scenario "UpdateContainerResources: memory, CPU quota, shares and cpuset in the cgroup files (systemd: and the scope's properties)" sc_update
scenario "ContainerStatus, ListContainers, ListPodSandbox: state, labels, annotations, filters" sc_status_and_lists
scenario "StopContainer: the process gets SIGTERM and exits 0" sc_stop_term
scenario "StopContainer with a timeout: SIGTERM, then SIGKILL after it (137)" sc_stop_timeout
scenario "RemoveContainer: gone from the CRI, the runtime's state and the cgroups (systemd: no unit left)" sc_remove_containers
scenario "StopPodSandbox: NOTREADY, pause process, network namespace and IP gone" sc_stop_pod
scenario "RemovePodSandbox: no runtime state, cgroup, systemd unit, mount or process of the pod left" sc_remove_pod
scenario "a pod of the rt-userns handler (base_runtime_spec with a user namespace) runs" sc_userns_pod
scenario "rt-userns: the container's root is host uid 200000, in a user namespace of its own" sc_userns_identity
scenario "rt-userns: the pod's network, ipc and uts namespaces joined, with their sysfs and mqueue" sc_userns_pod_namespaces
scenario "rt-userns: an idmapped volume is the container root's; a plain one is nobody's" sc_idmapped_volume
scenario "rt-userns: StopPodSandbox + RemovePodSandbox leave nothing of the pod" sc_userns_pod_removed
scenario "nothing left: pods, runtime state, cgroups, mounts, network namespaces, shims; no pull" sc_nothing_left
