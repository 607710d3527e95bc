// The container's init: cloned by the parent (`rt create`/`rt run`) into its
// new namespaces, it builds the container from the config, reports `ready`
// over the sync channel, waits on exec.fifo for `rt start`, then execs the
// container's process. See rt/linux/sync_protocol.hpp for the conversation.
#pragma once

#include <sys/types.h>

#include <string>
#include <vector>

#include "rt/linux/mountinfo.hpp"
#include "rt/linux/namespaces.hpp"
#include "rt/linux/placement.hpp"
#include "rt/spec/config.hpp"
#include "rt/util/channel.hpp"
#include "rt/util/fd.hpp"

namespace rt::linux {

struct ProcessSecurity;
struct LxcfsPlan;
struct MountPlan;

struct InitConfig {
    const spec::Spec* spec = nullptr;  // validated
    std::string id;
    std::string bundle;  // absolute
    std::string rootfs;  // absolute, a directory
    bool no_pivot = false;
    bool no_new_keyring = false;
    int preserve_fds = 0;         // fds 3 .. 3+N-1 reach the process
    int exec_fifo = -1;           // O_PATH fd of <root>/<id>/exec.fifo
    int protected_exe = -1;       // rt's binary, read-only, for the init to switch to (rt/linux/self_protect.hpp); -1: none needed
    const ProcessSecurity* security = nullptr;  // planned by the parent (rt/linux/process_security.hpp)
    const MountPlan* mounts = nullptr;  // planned by the parent (rt/linux/mount_plan.hpp)
    // Per config mount, the fd of the detached tree the parent made for it
    // (rt/linux/mount_trees.hpp: an idmapped bind, or a bind source opened
    // on the host for a container in a user namespace), -1 for the others.
    std::vector<int> mount_trees;
    // Per config mount, the fd of the sysfs or mqueue the helper that joined
    // the pod's namespaces mounted there (rt/linux/joined_namespace_mounts.hpp),
    // -1 for the others; set in the helper only.
    std::vector<int> joined_namespace_mounts;
    // rt.lxcfs: the read-only copies of lxcfs's files (rt/linux/lxcfs.hpp), or null.
    const LxcfsPlan* lxcfs = nullptr;
    // rt.lxcfs: the socket of the container's sysinfo agent, "" for none
    // (rt/linux/sysinfo_agent.hpp).
    std::string sysinfo_agent_socket;
    // The cgroup2 directory the init is born into (CLONE_INTO_CGROUP), -1
    // for none. The v1 hierarchies it joins later, as the parent sends them
    // (join_cgroups_sent).
    int cgroup_v2_dir = -1;
    // The parent's mount table, read before the clone; null: none. The
    // init's new mount namespace is a copy of it (InitContext::host_mounts).
    const std::vector<MountInfo>* host_mounts = nullptr;
    // The CPU mask the init takes back before it joins its cgroups, once
    // the parent moved it off its own CPU (rt/linux/placement.hpp); null:
    // not moved.
    const CpuMask* parent_affinity = nullptr;
};

// The name (comm) the init takes until it execs the container's process,
// which renames it. create records it in state.json: `list` and `state` need
// not look for the exec fifo of an init that has another name, it was started.
inline constexpr char init_process_name[] = "rt:init";

struct InitProcess {
    pid_t pid = 0;      // as the host sees it
    unique_fd pidfd;    // from clone3(CLONE_PIDFD)
    Channel channel;    // parent's end of the sync channel
    // Born in InitConfig::cgroup_v2_dir. False when there was none, or the
    // kernel would not clone into it (before Linux 5.7; a cgroup it refuses):
    // then the parent moves the init there.
    bool born_in_cgroup_v2 = false;
};

// Clones the init. The child never returns from this call: it runs the
// container setup and either execs the process or reports an error and exits.
InitProcess spawn_init(const InitConfig& config, NamespacePlan& namespaces);

}  // namespace rt::linux
