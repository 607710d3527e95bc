// rt.lxcfs and sysinfo(2): `free`, `top`, `nproc`'s neighbours and language
// runtimes ask the kernel for the memory (sysinfo), not /proc, so lxcfs's
// files cannot reach them. Every process of an rt.lxcfs container carries a
// seccomp filter of rt's own, besides the config's profile, that hands
// sysinfo to rt's agent (SECCOMP_RET_USER_NOTIF), which answers from the
// container's cgroup (src/linux/sysinfo_values.hpp says what it answers).
//
//   create, parent   SysinfoAgent agent = SysinfoAgent::listen(dir, state_dir)
//                                       before the clone: a socket in the state dir
//                    agent.start(init, start_time, cgroup_paths)
//                                       once the init is in its cgroups
//   init, exec       SysinfoFilter filter(socket)   while the host's paths are
//                                                   reachable: connects
//                    filter.load()   as root, before the user switch and the
//                                    profile: loads, hands the listener over
//
// The agent is a process of its own on the host: forked from rt (no exec,
// so nothing of the container can reach it through /proc/PID/exe; it is in
// none of the container's namespaces), in the caller's cgroup, not the
// container's (it would count in `rt ps` and the container's memory), in a
// session of its own with stdio on /dev/null (a shim waiting for EOF on the
// container's stdio must not wait for it). It ends once the container's
// init has exited and no process uses a filter it listens on (the kernel
// reports POLLHUP when the last one is gone): it lives exactly as long as
// the container and needs no stopping.
//
// It answers only a process in the container's cgroup (or below it, in the
// hierarchy it reads the memory from); any other process (moved out, or a
// host process that got a filter somehow) gets the kernel's own answer
// (SECCOMP_USER_NOTIF_FLAG_CONTINUE). Each notification is checked with
// SECCOMP_IOCTL_NOTIF_ID_VALID after the caller's /proc directory is open,
// so that what it reads and the memory it writes are the caller's.
//
// The config's own profile: filters stack and the kernel applies the
// strictest action, so a profile that refuses sysinfo still refuses it (the
// agent never sees the call) and rt's filter allows everything else: the
// profile is never weakened. The kernel allows one notify listener per
// process, so a profile with SCMP_ACT_NOTIFY rules (its own listenerPath)
// is refused, as is one that traces sysinfo (the agent would take it from
// the tracer). Only native system calls are notified: a 32-bit program gets
// the host's sysinfo.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <map>
#include <string>

#include "rt/spec/config.hpp"
#include "rt/util/fd.hpp"

namespace rt::linux {

// Where a container's agent listens: beside its state.json.
std::string sysinfo_agent_socket(const std::string& state_dir);

// Throws rt::Error naming the annotation when the config's seccomp profile
// and rt's sysinfo filter cannot both hold (see above).
void check_sysinfo_filter_fits(const spec::Spec& spec);

// The parent's handle on a container's agent.
class SysinfoAgent {
public:
    SysinfoAgent() = default;
    // Listens on sysinfo_agent_socket(state_dir); `dir_fd` is that
    // directory (through which a path too long for sun_path is reached).
    static SysinfoAgent listen(int dir_fd, const std::string& state_dir);

    explicit operator bool() const { return static_cast<bool>(listener_); }
    const std::string& socket_path() const { return socket_path_; }

    // Forks the agent for the container whose init (rt's child, not reaped)
    // is `init`, started at `start_time` (/proc/PID/stat field 22), with its
    // cgroups at `cgroup_paths` (controller, "" for v2, -> directory). All
    // that can fail is done before the fork: the agent itself cannot fail
    // to start. rt's copy of the socket is closed afterwards.
    void start(pid_t init, uint64_t start_time, const std::map<std::string, std::string>& cgroup_paths);

private:
    unique_fd listener_;
    std::string socket_path_;
};

// The child's side, in the container's init and in each exec'd process.
class SysinfoFilter {
public:
    SysinfoFilter() = default;
    // Connects to the agent at `socket` ("" : no filter at all).
    explicit SysinfoFilter(const std::string& socket);
    // Loads the filter (SECCOMP_FILTER_FLAG_NEW_LISTENER) and sends its
    // listener to the agent. Needs CAP_SYS_ADMIN or no_new_privs.
    void load();

private:
    unique_fd agent_;
};

}  // namespace rt::linux
