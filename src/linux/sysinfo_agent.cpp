// rt.lxcfs: the agent that answers sysinfo(2) for a container's processes
// (rt/linux/sysinfo_agent.hpp). Everything it needs is opened by the parent
// before the fork; the agent itself is one poll loop: no threads, no exec.
#include "rt/linux/sysinfo_agent.hpp"

#include <fcntl.h>
#include <linux/seccomp.h>
#include <poll.h>
#include <seccomp.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <optional>
#include <vector>

#include "rt/linux/mountinfo.hpp"
#include "rt/util/error.hpp"
#include "rt/util/fd_passing.hpp"
#include "rt/util/file.hpp"
#include "rt/util/log.hpp"
#include "rt/util/process.hpp"
#include "sysinfo_values.hpp"

namespace rt::linux {
namespace {

// What the agent works with, all opened before it is forked.
struct AgentSetup {
    unique_fd listener;
    unique_fd init_pidfd;
    uint64_t init_start_ticks = 0;
    CgroupFiles cgroup_files;
    // The hierarchy membership is checked in: its controller in
    // /proc/PID/cgroup ("memory", or "" for the v2 line "0::"), and the
    // container's cgroup as that file shows it.
    std::string controller;
    std::string cgroup;
    unique_fd proc;      // the host's /proc
    unique_fd dev_null;  // the agent's stdio
    uint32_t arch = 0;
    int sysinfo_nr = -1;
};

// The container's cgroup as /proc/PID/cgroup names it: the path below the
// hierarchy's root, from the mount the directory is on.
std::string cgroup_name(const std::string& dir, std::string& mount_point) {
    auto mounts = read_mountinfo();  // m points into it: it must outlive m
    const MountInfo* m = mount_containing(mounts, dir);
    if (!m) throw Error("no mount holds " + dir);
    mount_point = m->mount_point == "/" ? "" : m->mount_point;
    std::string name = m->root == "/" ? "" : m->root;
    name += dir.substr(mount_point.size());
    return name.empty() ? "/" : name;
}

AgentSetup prepare(pid_t init, uint64_t start_time, const std::map<std::string, std::string>& paths) {
    AgentSetup setup;
    // rt's child, not reaped yet: the pid cannot have been reused.
    setup.init_pidfd.reset(static_cast<int>(::syscall(SYS_pidfd_open, init, 0)));
    if (!setup.init_pidfd) throw_errno("pidfd_open of the container init");
    setup.init_start_ticks = start_time;

    // The memory hierarchy: v1's memory controller, else v2's unified one.
    auto memory = paths.find("memory");
    bool v2 = memory == paths.end();
    if (v2) memory = paths.find("");
    if (memory == paths.end()) throw Error("the container has no memory cgroup to answer from");
    std::string mount_point;
    setup.controller = v2 ? "" : "memory";
    setup.cgroup = cgroup_name(memory->second, mount_point);
    auto pids = v2 ? memory : paths.find("pids");
    setup.cgroup_files = open_cgroup_files(memory->second, mount_point, v2, pids == paths.end() ? "" : pids->second);

    setup.proc.reset(::open("/proc", O_PATH | O_DIRECTORY | O_CLOEXEC));
    if (!setup.proc) throw_errno("open /proc");
    setup.dev_null.reset(::open("/dev/null", O_RDWR | O_CLOEXEC));
    if (!setup.dev_null) throw_errno("open /dev/null");
    setup.arch = seccomp_arch_native();
    setup.sysinfo_nr = seccomp_syscall_resolve_name("sysinfo");
    return setup;
}

// ------------------------------------------------------------ the answers

// Whether the process whose /proc directory is `dir` is in the container's
// cgroup or below it.
bool in_container(const AgentSetup& setup, int dir) {
    std::string text;
    try {
        text = read_file_at(dir, "cgroup");
    } catch (const Error&) {
        return false;
    }
    size_t pos = 0;
    while (pos < text.size()) {
        size_t end = text.find('\n', pos);
        if (end == std::string::npos) end = text.size();
        std::string line = text.substr(pos, end - pos);
        pos = end + 1;
        size_t first = line.find(':'), second = line.find(':', first + 1);
        if (first == std::string::npos || second == std::string::npos) continue;
        std::string controllers = "," + line.substr(first + 1, second - first - 1) + ",";
        bool hierarchy = setup.controller.empty() ? controllers == ",," && line.compare(0, first, "0") == 0
                                                  : controllers.find("," + setup.controller + ",") != std::string::npos;
        if (!hierarchy) continue;
        std::string path = line.substr(second + 1);
        const std::string& mine = setup.cgroup;
        return path == mine || (path.size() > mine.size() && path.compare(0, mine.size(), mine) == 0 &&
                                (mine == "/" || path[mine.size()] == '/'));
    }
    return false;
}

long container_uptime(const AgentSetup& setup) {
    timespec now{};
    ::clock_gettime(CLOCK_BOOTTIME, &now);
    long ticks_per_second = ::sysconf(_SC_CLK_TCK);
    long started = static_cast<long>(setup.init_start_ticks / static_cast<uint64_t>(ticks_per_second));
    return now.tv_sec > started ? now.tv_sec - started : 0;
}

// Writes the container's sysinfo into the caller's memory; 0 or -errno.
int write_answer(const AgentSetup& setup, int dir, uint64_t address) {
    unique_fd mem(::openat(dir, "mem", O_WRONLY | O_CLOEXEC));
    if (!mem) return -EFAULT;
    struct sysinfo host {};
    ::sysinfo(&host);
    CgroupMemory cgroup = read_cgroup_memory(setup.cgroup_files);
    struct sysinfo answer = container_sysinfo(host, cgroup, container_uptime(setup));
    ssize_t n = ::pwrite(mem.get(), &answer, sizeof answer, static_cast<off_t>(address));
    return n == static_cast<ssize_t>(sizeof answer) ? 0 : -EFAULT;
}

// Handles one notification of `notify`. The kernel's structures may be
// larger than this build's headers: sized as the kernel says.
void answer_one(const AgentSetup& setup, int notify, const seccomp_notif_sizes& sizes) {
    std::vector<char> request_buffer(std::max<size_t>(sizes.seccomp_notif, sizeof(seccomp_notif)));
    std::vector<char> response_buffer(std::max<size_t>(sizes.seccomp_notif_resp, sizeof(seccomp_notif_resp)));
    auto* request = reinterpret_cast<seccomp_notif*>(request_buffer.data());
    auto* response = reinterpret_cast<seccomp_notif_resp*>(response_buffer.data());
    if (::ioctl(notify, SECCOMP_IOCTL_NOTIF_RECV, request) < 0) {
        // ENOENT: the caller went away (a signal) before we took it.
        if (errno != ENOENT && errno != EINTR) log::warn(errno_message(errno, "sysinfo agent: receive"));
        return;
    }
    response->id = request->id;
    response->flags = SECCOMP_USER_NOTIF_FLAG_CONTINUE;  // the kernel's own answer, unless...
    bool ours = request->data.nr == setup.sysinfo_nr && request->data.arch == setup.arch;
    unique_fd dir;
    if (ours) dir.reset(::openat(setup.proc.get(), std::to_string(request->pid).c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC));
    // With the directory open, ID_VALID proves that the pid still is the
    // caller: what is read and written through `dir` is the caller's.
    if (dir && ::ioctl(notify, SECCOMP_IOCTL_NOTIF_ID_VALID, &request->id) < 0) return;  // gone
    if (dir && in_container(setup, dir.get())) {
        response->flags = 0;
        response->error = write_answer(setup, dir.get(), request->data.args[0]);
        response->val = 0;
    }
    if (::ioctl(notify, SECCOMP_IOCTL_NOTIF_SEND, response) < 0 && errno != ENOENT) {
        log::warn(errno_message(errno, "sysinfo agent: answer"));
    }
}

// ------------------------------------------------------------- the loop

// A notify fd that came over `connection`, or an empty fd (EOF, no fd, or
// not from rt's own user: the socket is in rt's state dir, but be sure).
unique_fd receive_listener(int connection) {
    ucred peer{};
    socklen_t length = sizeof peer;
    if (::getsockopt(connection, SOL_SOCKET, SO_PEERCRED, &peer, &length) < 0 || peer.uid != ::geteuid()) return {};
    char text[64];
    unique_fd fd;
    if (receive_with_fd(connection, text, sizeof text, fd, MSG_DONTWAIT) <= 0) return {};
    return fd;
}

[[noreturn]] void run_agent(AgentSetup& setup) {
    std::vector<unique_fd> connections;  // accepted, their listener not sent yet
    std::vector<unique_fd> listeners;    // seccomp notify fds
    bool init_gone = false;
    seccomp_notif_sizes sizes{};
    if (::syscall(SYS_seccomp, SECCOMP_GET_NOTIF_SIZES, 0, &sizes) < 0) ::_exit(1);

    while (!init_gone || !listeners.empty() || !connections.empty()) {
        std::vector<pollfd> fds;
        if (!init_gone) {
            fds.push_back({setup.listener.get(), POLLIN, 0});
            fds.push_back({setup.init_pidfd.get(), POLLIN, 0});
        }
        size_t first_connection = fds.size();
        for (const unique_fd& c : connections) fds.push_back({c.get(), POLLIN, 0});
        size_t first_listener = fds.size();
        for (const unique_fd& l : listeners) fds.push_back({l.get(), POLLIN, 0});
        if (::poll(fds.data(), fds.size(), -1) < 0) {
            if (errno == EINTR) continue;
            log::warn(errno_message(errno, "sysinfo agent: poll"));
            ::_exit(1);
        }
        // Listeners first: a busy container must not wait for bookkeeping.
        for (size_t i = listeners.size(); i-- > 0;) {
            short events = fds[first_listener + i].revents;
            if (events & POLLIN) {
                answer_one(setup, listeners[i].get(), sizes);
            } else if (events & (POLLHUP | POLLERR | POLLNVAL)) {
                listeners.erase(listeners.begin() + static_cast<long>(i));  // its last process is gone
            }
        }
        for (size_t i = connections.size(); i-- > 0;) {
            if (!fds[first_connection + i].revents) continue;
            if (unique_fd listener = receive_listener(connections[i].get())) listeners.push_back(std::move(listener));
            connections.erase(connections.begin() + static_cast<long>(i));
        }
        if (!init_gone) {
            if (fds[1].revents) {
                init_gone = true;  // nothing new can join the container
                setup.listener.reset();
            } else if (fds[0].revents & POLLIN) {
                unique_fd connection(::accept4(setup.listener.get(), nullptr, nullptr, SOCK_CLOEXEC | SOCK_NONBLOCK));
                if (connection) connections.push_back(std::move(connection));
            }
        }
    }
    ::_exit(0);
}

// The agent's first steps: signals back to their defaults, not dumpable (it
// holds the host's /proc), stdio on /dev/null, nothing else of rt's open.
void become_agent(AgentSetup& setup) {
    sigset_t none;
    sigemptyset(&none);
    ::sigprocmask(SIG_SETMASK, &none, nullptr);
    for (int sig = 1; sig < NSIG; ++sig) {
        if (sig != SIGKILL && sig != SIGSTOP) ::signal(sig, SIG_DFL);
    }
    ::signal(SIGPIPE, SIG_IGN);
    ::prctl(PR_SET_DUMPABLE, 0);
    for (int fd = 0; fd < 3; ++fd) ::dup2(setup.dev_null.get(), fd);
    std::vector<int> keep = {setup.listener.get(), setup.init_pidfd.get(), setup.proc.get(), log::file_fd()};
    const CgroupFiles& files = setup.cgroup_files;
    for (const unique_fd* fd : {&files.usage, &files.stat, &files.swap_usage, &files.tasks}) keep.push_back(fd->get());
    for (const unique_fd& fd : files.limits) keep.push_back(fd.get());
    for (const unique_fd& fd : files.swap_limits) keep.push_back(fd.get());
    close_fds_except(keep);
    setup.dev_null.release();  // closed above
    if (::chdir("/") < 0) ::_exit(1);
}

}  // namespace

SysinfoAgent SysinfoAgent::listen(int dir_fd, const std::string& state_dir) {
    SysinfoAgent agent;
    agent.socket_path_ = sysinfo_agent_socket(state_dir);
    const std::string what = "annotation rt.lxcfs: listen on " + agent.socket_path_;
    agent.listener_.reset(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
    if (!agent.listener_) throw_errno(what);
    // Through the directory's fd: short whatever the state dir's path.
    std::string name = "/proc/self/fd/" + std::to_string(dir_fd) + "/sysinfo.sock";
    sockaddr_un address{};
    address.sun_family = AF_UNIX;
    std::memcpy(address.sun_path, name.c_str(), name.size() + 1);
    if (::bind(agent.listener_.get(), reinterpret_cast<const sockaddr*>(&address), sizeof address) < 0) {
        throw_errno(what);
    }
    // rt's own user only (the agent checks the peer too).
    if (::fchmodat(dir_fd, "sysinfo.sock", 0600, 0) < 0) throw_errno(what + ": chmod");
    if (::listen(agent.listener_.get(), 16) < 0) throw_errno(what);
    return agent;
}

void SysinfoAgent::start(pid_t init, uint64_t start_time, const std::map<std::string, std::string>& cgroup_paths) {
    AgentSetup setup;
    try {
        setup = prepare(init, start_time, cgroup_paths);
    } catch (const Error& e) {
        throw e.with_context("annotation rt.lxcfs: start the sysinfo agent");
    }
    setup.listener = std::move(listener_);
    // Two forks: the agent is nobody's child but the reaper's (rt exits
    // after create, and `rt run` waits for its container only).
    pid_t helper = ::fork();
    if (helper < 0) throw_errno("annotation rt.lxcfs: fork the sysinfo agent");
    if (helper == 0) {
        ::setsid();
        // Named before the fork, so that the agent has its name by the time
        // create returns (the helper's exit is what rt waits for).
        ::prctl(PR_SET_NAME, "rt-sysinfo");
        pid_t agent = ::fork();
        if (agent == 0) {
            // Never back into rt's code from here.
            try {
                become_agent(setup);
                run_agent(setup);
            } catch (const std::exception& e) {
                log::warn(std::string("sysinfo agent: ") + e.what());
            }
            ::_exit(1);
        }
        ::_exit(agent < 0 ? 1 : 0);
    }
    if (exit_code_of(wait_child(helper)) != 0) throw Error("annotation rt.lxcfs: fork the sysinfo agent");
}

}  // namespace rt::linux
