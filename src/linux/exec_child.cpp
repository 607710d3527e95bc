// The child of `rt exec`: cloned into the container's pid namespace, it joins
// the container's other namespaces, sets up the process and execs it. Every
// error goes to the parent over the sync channel, which execve closes (it is
// close-on-exec): EOF there means the process runs.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <string>

#include "console.hpp"
#include "exec_main.hpp"
#include "rt/linux/exec.hpp"
#include "rt/linux/sync_protocol.hpp"
#include "rt/linux/sysinfo_agent.hpp"
#include "rt/util/error.hpp"
#include "rt/util/log.hpp"
#include "rt/util/process.hpp"
#include "steps.hpp"

namespace rt::linux {
namespace {

struct NsFile {
    const char* name;  // under /proc/PID/ns
    spec::NamespaceType type;
};

// The order they are joined in, as order_joins leaves it (pid and time apply
// to children: the parent joins those around the clone).
constexpr NsFile ns_files[] = {
    {"user", spec::NamespaceType::user}, {"ipc", spec::NamespaceType::ipc},
    {"uts", spec::NamespaceType::uts},   {"net", spec::NamespaceType::network},
    {"pid", spec::NamespaceType::pid},   {"time", spec::NamespaceType::time},
    {"cgroup", spec::NamespaceType::cgroup}, {"mnt", spec::NamespaceType::mount},
};

bool same_file(int fd, const std::string& path) {
    struct stat a {}, b {};
    if (::fstat(fd, &a) < 0) throw_errno("stat namespace");
    if (::stat(path.c_str(), &b) < 0) return false;
    return a.st_dev == b.st_dev && a.st_ino == b.st_ino;
}

void drop_inherited_fds(const ExecConfig& config, NamespacePlan& namespaces, Channel& channel) {
    std::vector<int> keep = {channel.fd(), log::file_fd()};
    for (int fd = 3; fd < 3 + config.preserve_fds; ++fd) keep.push_back(fd);
    for (const auto& join : namespaces.joins) keep.push_back(join.fd.get());
    for (const auto& tasks : config.cgroups.v1_tasks) keep.push_back(tasks.fd);
    close_fds_except(keep);
}

// The host's pid of the calling process, from a /proc of the host.
pid_t host_pid(int host_proc) {
    char self[32] = {};
    ssize_t n = ::readlinkat(host_proc, "self", self, sizeof self - 1);
    if (n <= 0) throw_errno("readlink /proc/self");
    return static_cast<pid_t>(std::stol(std::string(self, static_cast<size_t>(n))));
}

// `step`: where the setup is, for the error the child sends when it fails.
[[noreturn]] void run(const ExecConfig& config, NamespacePlan& namespaces, Channel& channel, const char*& step) {
    SyncOrder order(Flow::exec);
    const spec::Process& process = *config.process;
    const ProcessSecurity& security = *config.security;
    expect(channel, order, Sync::proceed);

    step = "seccomp";
    // The host's /proc and the notify listener are reachable only before
    // the mount namespace changes.
    unique_fd host_proc(::open("/proc", O_PATH | O_DIRECTORY | O_CLOEXEC));
    if (!host_proc) throw_errno("open /proc");
    SeccompSession seccomp;
    if (security.seccomp) {
        ContainerProcessState state = config.seccomp_state;
        state.pid = host_pid(host_proc.get());
        seccomp = SeccompSession(&*security.seccomp, std::move(state));
    }
    SysinfoFilter sysinfo(config.sysinfo_agent_socket);  // rt.lxcfs: as the host's root, like the init

    step = "namespaces";
    enter_namespaces(namespaces);
    // setns into the mount namespace made its root ours.
    unique_fd root(::open("/", O_PATH | O_DIRECTORY | O_CLOEXEC));
    if (!root) throw_errno("open / in the container");

    step = "process settings";
    apply_process_settings(security, host_proc.get());
    sysinfo.load();  // as root, before the user switch and the profile
    host_proc.reset();
    step = "terminal";
    if (process.terminal) {
        Pty pty = open_container_pty(root.get(), process.console_size);
        make_controlling_terminal(pty);
        send(channel, order, Sync::console, {}, pty.master.get());
    } else {
        new_session();
    }
    root.reset();
    step = "user";
    ExecPlan plan = become_user(process, security, seccomp, "running", config.preserve_fds);
    keep_running_without_parent();
    step = "exec";
    seccomp.load("running");  // last: the fewer calls after it, the fewer a profile must allow
    exec_process(plan, process.user.umask.value_or(0022));
}

}  // namespace

void exec_main(const ExecConfig& config, NamespacePlan& namespaces, Channel& channel) {
    const char* step = "start";
    try {
        drop_inherited_fds(config, namespaces, channel);
        step = "cgroups";
        join_cgroups_v1(config.cgroups);
        step = "start";
        begin_child();
        run(config, namespaces, channel, step);
    } catch (const std::exception& e) {
        send_error(channel, step, e);
    }
    ::_exit(1);
}

NamespacePlan plan_joining(pid_t pid) {
    NamespacePlan plan;
    std::string dir = "/proc/" + std::to_string(pid) + "/ns/";
    for (const NsFile& ns : ns_files) {
        unique_fd fd(::open((dir + ns.name).c_str(), O_RDONLY | O_CLOEXEC));
        if (!fd) {
            if (errno == ENOENT && ns.type == spec::NamespaceType::time) continue;  // older kernels
            throw_errno("open " + dir + ns.name);
        }
        if (same_file(fd.get(), std::string("/proc/self/ns/") + ns.name)) continue;
        bool for_children = ns.type == spec::NamespaceType::pid || ns.type == spec::NamespaceType::time;
        (for_children ? plan.parent_joins : plan.joins).push_back({ns.type, std::move(fd)});
    }
    // A container in a user namespace may share namespaces its user namespace
    // does not own (a pod's, under the CRI): those are joined before it.
    order_joins(plan);
    return plan;
}

}  // namespace rt::linux
