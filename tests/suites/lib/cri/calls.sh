# tests/suites/lib/cri/calls.sh: the CRI calls of tests/suites/cri.sh, made
# as the kubelet makes them, and what the scenarios look at outside
# (namespaces, cgroups, the runtime's state). Sourced after engine-common.sh
# (x, fail_with, expect_*); uses the suite's variables (python, cri_call,
# sock, tmp, cgname, systemd_cgroup, busybox_image, runtime, runtime_root).

cri() { x "$python" "$cri_call" --socket "$sock" --gen "$tmp/cri-gen" "$@"; }
# q FILTER: jq -r FILTER on the last command's stdout.
q() { jq -r "$1" <<< "$out"; }

# pod_slice NAME: (systemd) the pod's slice, in the suite's as the kubelet's
# pod slices are in kubepods.slice: /$cgname.slice/$cgname-NAME.slice.
pod_slice() { echo "$cgname-$1.slice"; }

# pod_config NAME: a PodSandboxConfig as the kubelet sends it: metadata, a
# hostname, a log directory, DNS, labels, the pod's cgroup parent, and the
# kubelet's namespace modes (network and ipc of the pod, a pid namespace per
# container).
pod_config() {
    local parent="/$cgname/$1"
    ((systemd_cgroup)) && parent=$(pod_slice "$1")
    mkdir -p "$tmp/logs/$1"
    jq -nc --arg name "$1" --arg logs "$tmp/logs/$1" --arg parent "$parent" '{
        metadata: {name: $name, uid: ("uid-" + $name), namespace: "rt-test", attempt: 0},
        hostname: ($name + "-host"),
        log_directory: $logs,
        dns_config: {servers: ["192.0.2.53"], searches: ["rt-test.example"]},
        labels: {pod: $name},
        linux: {cgroup_parent: $parent,
                security_context: {namespace_options: {network: "POD", pid: "CONTAINER", ipc: "POD"}}}
    }'
}

# container_config NAME ARGS_JSON [MOUNTS_JSON]: a ContainerConfig of the
# busybox image running ARGS, logging to NAME.log.
container_config() {
    jq -nc --arg name "$1" --arg image "$busybox_image" --argjson args "$2" \
        --argjson mounts "${3:-[]}" '{
        metadata: {name: $name, attempt: 0},
        image: {image: $image},
        command: $args,
        log_path: ($name + ".log"),
        mounts: $mounts,
        labels: {container: $name},
        annotations: {"rt-test/annotation": ("of " + $name)},
        linux: {security_context: {namespace_options: {network: "POD", pid: "CONTAINER", ipc: "POD"}}}
    }'
}

# run_pod NAME HANDLER: RunPodSandbox; sets pod_id.
run_pod() {
    local config
    config=$(pod_config "$1")
    cri RunPodSandbox "{\"config\": $config, \"runtime_handler\": \"$2\"}"
    expect_rc 0 || return 1
    pod_id=$(q .pod_sandbox_id)
}

# start_container POD_NAME POD_ID NAME ARGS_JSON [MOUNTS_JSON]: CreateContainer
# + StartContainer; sets ctr_id.
start_container() {
    local config pod_config_json
    pod_config_json=$(pod_config "$1")
    config=$(container_config "$3" "$4" "${5:-[]}")
    cri CreateContainer "{\"pod_sandbox_id\": \"$2\", \"config\": $config, \"sandbox_config\": $pod_config_json}"
    expect_rc 0 || return 1
    ctr_id=$(q .container_id)
    cri StartContainer "{\"container_id\": \"$ctr_id\"}"
    expect_rc 0
}

# exec_sync ID CMD...: ExecSync; sets out to the command's stdout, err to its
# stderr, rc to its exit code (a failed call: the call's).
exec_sync() {
    local id=$1; shift
    cri ExecSync "$(jq -nc --arg id "$id" '{container_id: $id, cmd: $ARGS.positional}' --args -- "$@")"
    ((rc == 0)) || return 0
    local response=$out
    out=$(jq -r '.stdout' <<< "$response"); out=${out%$'\n'}
    err=$(jq -r '.stderr' <<< "$response"); err=${err%$'\n'}
    rc=$(jq -r '.exit_code' <<< "$response")
    last_cmd="ExecSync $id $*"
}

# container_pid ID, sandbox_pid ID: the pid of a container's (a pod's) process,
# from the verbose status.
container_pid() {
    cri ContainerStatus "{\"container_id\": \"$1\", \"verbose\": true}"
    ((rc == 0)) && q '.info.info' | jq -r '.pid'
}
sandbox_pid() {
    cri PodSandboxStatus "{\"pod_sandbox_id\": \"$1\", \"verbose\": true}"
    ((rc == 0)) && q '.info.info' | jq -r '.pid'
}

# runtime_says ID PID: the runtime's own state has ID running with PID.
runtime_says() {
    x "$runtime" --root "$runtime_root" state "$1"
    expect_rc 0 || return 1
    [[ $(q .status) == running && $(q .pid) == "$2" ]] ||
        fail_with "the runtime's state of $1: $(q .status) pid $(q .pid), expected running pid $2"
}

# cgroup_dir PID CONTROLLER: the directory of PID's cgroup for CONTROLLER:
# its v1 hierarchy, or the v2 one when there is none (v2, or hybrid).
cgroup_dir() {
    local mountpoint path
    # mountinfo: the fields after " - " are type, source, super options.
    mountpoint=$(awk -v c="$2" '{ i = 7; while ($i != "-") i++ }
        $(i + 1) == "cgroup" && ("," $(i + 3) ",") ~ ("," c ",") { print $5; exit }' /proc/self/mountinfo)
    if [[ -n $mountpoint ]]; then
        path=$(awk -F: -v c="$2" '("," $2 ",") ~ ("," c ",") { print $3; exit }' "/proc/$1/cgroup")
    else
        mountpoint=/sys/fs/cgroup
        path=$(awk -F: '$1 == "0" { print $3; exit }' "/proc/$1/cgroup")
    fi
    [[ -n $path ]] && echo "$mountpoint$path"
}
cgroup_v2() { [[ $(stat -f -c %T /sys/fs/cgroup) == cgroup2fs ]]; }

# ns_of PID: "net:[N] ipc:[N] uts:[N] mnt:[N] pid:[N]" of PID, as the host sees it.
ns_of() {
    local n line=()
    for n in net ipc uts mnt pid; do line+=("$(readlink "/proc/$1/ns/$n")"); done
    echo "${line[*]}"
}
ns_script='for n in net ipc uts mnt; do printf "%s " $(readlink /proc/self/ns/$n); done; readlink /proc/1/ns/pid'

# log_lines FILE: the messages of a CRI log ("TIME STREAM TAG MESSAGE").
log_lines() { cut -d' ' -f4- "$1"; }

# no_cgroup_of ID: no cgroup directory of the container is left.
no_cgroup_of() {
    local d
    for d in /sys/fs/cgroup/"$cgname"* /sys/fs/cgroup/*/"$cgname"*; do
        [[ -d $d ]] || continue
        ! find "$d" -type d -name "*$1*" | grep -q . || fail_with "cgroup of $1 left: $(find "$d" -type d -name "*$1*")" || return 1
    done
}

# ---- with SystemdCgroup = true: what `systemctl` shows a kubelet's admin ----
# The shim names each container's (and each sandbox's) cgroup
# "POD_SLICE:cri-containerd:ID": the runtime runs it in the systemd scope
# cri-containerd-ID.scope, in the pod's slice (pod_slice). Each of these is
# true at once with cgroupfs.

# unit_props UNIT PROP...: `systemctl show` of PROPs; prop NAME then gives one.
unit_props() {
    local unit=$1; shift
    x systemctl show "$unit" $(printf -- '-p %s ' "$@")
}
prop() { sed -n "s/^$1=//p" <<< "$out"; }

# in_pod_scope POD_NAME ID PID: ID's scope is active in the pod's slice, and
# PID's cgroup (in every hierarchy systemd manages) is the scope's.
in_pod_scope() {
    ((systemd_cgroup)) || return 0
    local slice unit=cri-containerd-$2.scope group expected
    slice=$(pod_slice "$1")
    expected=/$cgname.slice/$slice/$unit
    unit_props "$unit" ActiveState Slice ControlGroup
    expect_rc 0 || return 1
    group=$(prop ControlGroup)
    [[ $(prop ActiveState) == active && $(prop Slice) == "$slice" && $group == "$expected" ]] ||
        fail_with "systemd unit $unit: expected active in $slice, cgroup $expected" || return 1
    grep -q ":$group\$" "/proc/$3/cgroup" ||
        fail_with "process $3 is not in $unit ($group): $(tr '\n' ' ' < "/proc/$3/cgroup")" || return 1
    # What `systemctl status` says of it: the unit, its cgroup, its process.
    x systemctl status --no-pager --full --lines=0 "$unit"
    grep -qE "^[^[:alnum:]]*$unit( |\$)" <<< "$out" && grep -qE "CGroup: $expected\$" <<< "$out" &&
        grep -qE "[^0-9]$3 " <<< "$out" ||
        fail_with "systemctl status $unit does not show the unit, its cgroup $expected and process $3"
}

# scope_limits ID: (systemd) the limits the scope of ID has as unit
# properties, "memory / quota per second / shares or weight / cpus" in the
# words of `systemctl show`.
scope_limits() {
    local v2_memory=MemoryMax v2_shares=CPUWeight
    cgroup_v2 || v2_memory=MemoryLimit v2_shares=CPUShares
    unit_props "cri-containerd-$1.scope" "$v2_memory" CPUQuotaPerSecUSec "$v2_shares" AllowedCPUs
    ((rc == 0)) || return 1
    echo "$(prop "$v2_memory") / $(prop CPUQuotaPerSecUSec) / $(prop "$v2_shares") / $(prop AllowedCPUs)"
}

# no_unit_of ID: (systemd) systemd knows no unit of ID any more (a stopped
# scope is gone once systemd collects it: waits for that).
no_unit_of() {
    ((systemd_cgroup)) || return 0
    local i
    for i in $(seq 50); do
        x systemctl list-units --all --plain --no-legend "*$1*"
        [[ -n $out ]] || return 0
        sleep 0.1
    done
    fail_with "systemd units of $1 left"
}
