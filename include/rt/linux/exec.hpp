// A process that joins a running container (`rt exec`): the namespaces of
// the container's init, opened from /proc/PID/ns, and a child cloned into
// the init's pid namespace that joins the others, becomes the process's user
// and execs it. See rt/linux/sync_protocol.hpp (the exec conversation).
#pragma once

#include <sys/types.h>

#include "rt/linux/cgroup_join.hpp"
#include "rt/linux/namespaces.hpp"
#include "rt/linux/process_security.hpp"
#include "rt/spec/config.hpp"
#include "rt/util/channel.hpp"
#include "rt/util/fd.hpp"

namespace rt::linux {

// The namespaces of process `pid` that differ from rt's own, opened now:
// pid and time in parent_joins (they apply to children), the others in
// joins in the order they are entered: user first (the rest are then joined
// with its rights), then ipc, uts, net, cgroup, and mount last (it changes
// the root). The caller checks afterwards that `pid` is still the process it
// meant (a pidfd), so that the fds are its namespaces.
NamespacePlan plan_joining(pid_t pid);

struct ExecConfig {
    const spec::Process* process = nullptr;          // validated
    const ProcessSecurity* security = nullptr;       // planned by the parent
    int preserve_fds = 0;                            // fds 3 .. 3+N-1 reach the process
    // For a seccomp notify listener: the container as the message names it
    // (the child fills in its pid).
    ContainerProcessState seccomp_state;
    // rt.lxcfs: the socket of the container's sysinfo agent, "" for none
    // (rt/linux/sysinfo_agent.hpp).
    std::string sysinfo_agent_socket;
    // The container's cgroups, joined as the child is born; none: the
    // parent moves it in.
    CgroupJoin cgroups;
};

struct ExecProcess {
    pid_t pid = 0;    // as the host sees it
    unique_fd pidfd;
    Channel channel;  // parent's end of the sync channel
    // Born in ExecConfig::cgroups.v2_dir (as InitProcess::born_in_cgroup_v2).
    bool born_in_cgroup_v2 = false;
};

// Clones the child inside the pid namespace of `namespaces`. The child waits
// for `proceed`; it never returns from this call.
ExecProcess spawn_exec(const ExecConfig& config, NamespacePlan& namespaces);

}  // namespace rt::linux
