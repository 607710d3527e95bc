# tests/suites/lib/cri/containerd-cri.sh: containerd 1.6 with its CRI plugin,
# as tests/suites/cri.sh runs it: everything in the suite's temp dir, the
# images made and imported here, and the cleanup. Sourced after
# engine-common.sh; the suite sets the variables these functions use (tmp,
# sock, runtime, rt_root, runtime_root, helper, python, cri_call, cgname,
# netname, bridge, subnet, pause_image, busybox_image, systemd_cgroup) and
# containerd_pid= before the trap.

# Fixed paths that containerd and CNI use whatever the config: the shims'
# sockets under /run/containerd/s, the CNI results cache under
# /var/lib/cni/results. Removed at the end only if this suite made them.
cri_host_dirs=(/run/containerd/s /run/containerd /var/lib/cni/results /var/lib/cni)

cri_cleanup() {
    set +e
    if [[ -n $containerd_pid ]] && kill -0 "$containerd_pid" 2>/dev/null; then
        # The kubelet's way out: stopping a pod stops its containers and tears
        # its network down; removing it removes them.
        local pod
        for pod in $(timeout 30 "$python" "$cri_call" --socket "$sock" --gen "$tmp/cri-gen" \
                ListPodSandbox 2>/dev/null | jq -r '.items[].id' 2>/dev/null); do
            timeout 30 "$python" "$cri_call" --socket "$sock" --gen "$tmp/cri-gen" \
                StopPodSandbox "{\"pod_sandbox_id\":\"$pod\"}" &>/dev/null
            timeout 30 "$python" "$cri_call" --socket "$sock" --gen "$tmp/cri-gen" \
                RemovePodSandbox "{\"pod_sandbox_id\":\"$pod\"}" &>/dev/null
        done
    fi
    # What containerd could not remove: containers in the runtime's state,
    # then the shims of this containerd (their command lines name its socket).
    delete_left_in_runtime "$runtime_root"
    kill_leftovers "$sock"
    if [[ -n $containerd_pid ]]; then
        kill -TERM "$containerd_pid" 2>/dev/null
        wait "$containerd_pid" 2>/dev/null
    fi
    unmount_under "$tmp"   # rootfs, /dev/shm and network namespace mounts
    ip link del "$bridge" &>/dev/null
    if ((systemd_cgroup)); then
        systemctl stop "$cgname.slice" &>/dev/null
    else
        remove_cgroups "$cgname"
    fi
    rm -f -- /var/lib/cni/results/"$netname"-*
    remove_host_dirs_made "${cri_host_dirs[@]}"
    if [[ -n ${suite_failed_log:-} ]]; then
        echo "# containerd's log (last lines):"
        tail -n 20 "$tmp/containerd.log" | sed 's/^/#   /'
    fi
    rm -rf -- "$tmp"
}

# cri_compile_messages: the CRI's messages, compiled for this run into
# $tmp/cri-gen (nothing generated is kept).
cri_compile_messages() {
    mkdir "$tmp/cri-gen"
    if ! err=$(protoc -I "$suite_lib/cri" --python_out="$tmp/cri-gen" runtime_v1.proto 2>&1); then
        echo "Bail out! protoc runtime_v1.proto: $err"
        exit 1
    fi
}

# cri_make_images: the OCI archives $tmp/pause.tar and $tmp/busybox.tar.
cri_make_images() {
    # The sandbox's: nothing but the static helper, whose `pause` waits for a
    # signal (the pause container's job: hold the pod's namespaces).
    mkdir -p "$tmp/pause-rootfs"
    install -m 0755 "$helper" "$tmp/pause-rootfs/pause"
    make_oci_archive "$tmp/pause-rootfs" "$tmp/pause.tar" "$pause_image" '{"Entrypoint":["/pause","pause"]}'
    # The containers': busybox and the helper. A container in a user namespace
    # of its own (rt-userns) cannot make mount points in a rootfs that the host's
    # root owns (containerd 1.6 neither chowns nor idmaps the snapshot): the
    # image carries them, as such an image has to.
    make_busybox_rootfs "$tmp/busybox-rootfs"
    install -m 0755 "$helper" "$tmp/busybox-rootfs/bin/rt-testhelper"
    mkdir "$tmp/busybox-rootfs/idmapped" "$tmp/busybox-rootfs/plain"
    touch "$tmp/busybox-rootfs/etc/"{hosts,hostname,resolv.conf}
    make_oci_archive "$tmp/busybox-rootfs" "$tmp/busybox.tar" "$busybox_image" \
        '{"Env":["PATH=/usr/sbin:/usr/bin:/sbin:/bin"],"Cmd":["sh"]}'
}

# cri_write_network: the pods' CNI network, a bridge with no address on the
# host (isGateway false: nothing routed, no forwarding turned on; no ipMasq:
# no iptables rule), IPAM data in $tmp.
cri_write_network() {
    mkdir -p "$tmp/net.d"
    cat > "$tmp/net.d/10-$netname.conflist" <<EOF
{
  "cniVersion": "1.0.0",
  "name": "$netname",
  "plugins": [{
    "type": "bridge", "bridge": "$bridge", "isGateway": false, "ipMasq": false,
    "ipam": {"type": "host-local", "ranges": [[{"subnet": "$subnet.0/24"}]],
             "dataDir": "$tmp/ipam"}
  }]
}
EOF
}

# cri_write_userns_spec: the rt-userns handler's base_runtime_spec:
# containerd's own default spec (`ctr oci spec`), plus a user namespace
# mapping container root to host uid/gid 200000 (65536 ids) and the volume
# $tmp/volume-idmapped at /idmapped, idmapped with that mapping ("idmap"
# without mappings of its own). 1.6's CRI builds every container of the
# handler from it (the sandbox excepted) and appends the CRI's mounts.
cri_write_userns_spec() {
    mkdir -p "$tmp/volume-idmapped"
    if ! ctr oci spec | jq --arg source "$tmp/volume-idmapped" '
            .linux.namespaces += [{"type": "user"}]
            | .linux.uidMappings = [{"containerID": 0, "hostID": 200000, "size": 65536}]
            | .linux.gidMappings = [{"containerID": 0, "hostID": 200000, "size": 65536}]
            | .mounts += [{"destination": "/idmapped", "type": "bind", "source": $source,
                           "options": ["rbind", "rw", "idmap"]}]' > "$tmp/userns-spec.json"; then
        echo "Bail out! could not write the rt-userns base spec from ctr oci spec"
        exit 1
    fi
}

# runtime_table NAME [BASE_SPEC]: a runtime handler of the runc v2 shim
# running $runtime, its state under $rt_root.
runtime_table() {
    local table='plugins."io.containerd.grpc.v1.cri".containerd.runtimes' systemd=false
    ((systemd_cgroup)) && systemd=true
    echo "    [$table.$1]"
    echo '      runtime_type = "io.containerd.runc.v2"'
    [[ -z ${2:-} ]] || echo "      base_runtime_spec = \"$2\""
    echo "      [$table.$1.options]"
    echo "        BinaryName = \"$runtime\""
    echo "        Root = \"$rt_root\""
    echo "        SystemdCgroup = $systemd"
}

# cri_write_config: containerd's config.toml, with handlers rt and rt-userns.
cri_write_config() {
    # Where root lacks CAP_SYS_RESOURCE (some VMs and containers), the
    # sandbox's oom_score_adj of -998 cannot be set by any runtime: containerd
    # then keeps scores at or above its own, as on rootless hosts.
    local restrict_oom=false
    (( (16#$(awk '/^CapEff:/ { print $2 }' /proc/self/status) >> 24) & 1 )) || restrict_oom=true
    if [[ $restrict_oom == true ]]; then echo "# no CAP_SYS_RESOURCE: restrict_oom_score_adj = true"; fi
    {
        containerd_config_head
        cat <<EOF
[plugins."io.containerd.grpc.v1.cri"]
  sandbox_image = "$pause_image"
  stream_server_address = "127.0.0.1"
  stream_server_port = "0"                # any free port: other containerds may run
  netns_mounts_under_state_dir = true     # the pods' network namespaces under \$tmp
  restrict_oom_score_adj = $restrict_oom
  [plugins."io.containerd.grpc.v1.cri".containerd]
    snapshotter = "overlayfs"
    default_runtime_name = "rt"
$(runtime_table rt)
$(runtime_table rt-userns "$tmp/userns-spec.json")
  [plugins."io.containerd.grpc.v1.cri".cni]
    bin_dir = "/usr/lib/cni"
    conf_dir = "$tmp/net.d"
    max_conf_num = 1
EOF
    } > "$tmp/config.toml"
}

# cri_start_containerd: starts containerd from $tmp/config.toml (sets
# containerd_pid) and imports the images.
cri_start_containerd() {
    start_containerd
    # A user-namespaced container's mapped root looks its rootfs up (as with
    # runc): the bundles under $tmp/state must be reachable, as containerd
    # 1.7 makes them for such pods (1.6, and mktemp's $tmp, are 0700). The
    # bind sources need nothing: rt opens them on the host's side, so the
    # CRI plugin's 0700 state (the pods' /dev/shm, /etc/hosts) and
    # containerd's 0700 root stay as they are.
    chmod 0711 "$tmp"

    local image
    for image in pause busybox; do
        x ctr --address "$sock" --namespace k8s.io images import "$tmp/$image.tar"
        if ((rc != 0)); then
            echo "Bail out! ctr images import $image.tar failed: $err"
            exit 1
        fi
    done
}
