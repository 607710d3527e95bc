// rt exec: a new process in a running container. Everything is checked
// before the child exists; the child joins the init's namespaces (opened
// while a pidfd shows the init is the one state.json recorded), the parent
// puts it in the container's cgroups, and either waits for it in the
// foreground or writes the pid file and returns.
#include <signal.h>
#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <filesystem>
#include <optional>
#include <set>

#include "console_socket.hpp"
#include "container_cgroups.hpp"
#include "foreground.hpp"
#include "internal.hpp"
#include "rt/cgroups/sub_cgroups.hpp"
#include "rt/linux/exec.hpp"
#include "rt/linux/lsm.hpp"
#include "rt/linux/sync_protocol.hpp"
#include "rt/linux/sysinfo_agent.hpp"
#include "rt/spec/parse.hpp"
#include "rt/spec/rt_annotations.hpp"
#include "rt/spec/validate.hpp"
#include "rt/util/error.hpp"
#include "rt/util/file.hpp"
#include "rt/util/log.hpp"
#include "rt/util/process.hpp"

namespace rt::container {
namespace {

uint32_t parse_id(const std::string& text, const std::string& what) {
    uint32_t value = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (text.empty() || ec != std::errc() || end != text.data() + text.size()) {
        throw Error(what + ": \"" + text + "\" is not a number");
    }
    return value;
}

// The flags that describe a process say nothing more next to --process:
// refused rather than silently ignored.
void check_no_process_flags(const ExecOptions& o) {
    std::vector<std::string> given;
    if (!o.args.empty()) given.push_back("a command");
    if (!o.cwd.empty()) given.push_back("--cwd");
    if (!o.env.empty()) given.push_back("--env");
    if (!o.user.empty()) given.push_back("--user");
    if (!o.additional_gids.empty()) given.push_back("--additional-gids");
    if (!o.caps.empty()) given.push_back("--cap");
    if (o.no_new_privs) given.push_back("--no-new-privs");
    if (!o.apparmor.empty()) given.push_back("--apparmor");
    if (!o.process_label.empty()) given.push_back("--process-label");
    if (!given.empty()) {
        throw Error("--process describes the whole process: " + given.front() +
                    " cannot be given with it");
    }
}

// The file decides the terminal: --tty may come with it (conmon and runc's
// users pass both) and then says nothing, as in runc.
spec::Process process_from_file(const std::string& path) {
    spec::Process process;
    try {
        process = spec::parse_process(read_file(path));
        spec::validate_process(process, "");
    } catch (const Error& e) {
        throw e.with_context("--process " + path);
    }
    return process;
}

// The container's process with the command line's changes, as runc makes it.
spec::Process process_from_flags(const spec::Spec& config, const ExecOptions& o) {
    if (o.args.empty()) throw Error("exec: no command given (name one, or use --process FILE)");
    spec::Process process = *config.process;
    process.args = o.args;
    process.terminal = o.tty;
    if (!o.cwd.empty()) process.cwd = o.cwd;
    for (const auto& entry : o.env) {
        if (entry.find('=') == std::string::npos || entry.front() == '=') {
            throw Error("--env \"" + entry + "\": expected NAME=VALUE");
        }
        set_env(process.env, entry);
    }
    if (!o.user.empty()) {
        auto colon = o.user.find(':');
        process.user.uid = parse_id(o.user.substr(0, colon), "--user");
        if (colon != std::string::npos) process.user.gid = parse_id(o.user.substr(colon + 1), "--user");
    }
    if (!o.additional_gids.empty()) process.user.additional_gids = o.additional_gids;
    if (!o.caps.empty()) {
        // As runc since 1.1.2: never into the inheritable set, and so into
        // the ambient one only if the config has it inheritable already.
        if (!process.capabilities) process.capabilities.emplace();
        spec::Capabilities& caps = *process.capabilities;
        for (const auto& cap : o.caps) {
            for (auto* set : {&caps.bounding, &caps.effective, &caps.permitted}) set->push_back(cap);
            if (std::find(caps.inheritable.begin(), caps.inheritable.end(), cap) != caps.inheritable.end()) {
                caps.ambient.push_back(cap);
            }
        }
    }
    if (o.no_new_privs) process.no_new_privileges = true;
    if (!o.apparmor.empty()) process.apparmor_profile = o.apparmor;
    if (!o.process_label.empty()) {
        // Said of the flag, rather than of .process.selinuxLabel below.
        linux::HostLsms host = linux::host_lsms();
        if (!host.selinux) {
            throw Error("--process-label: SELinux is not enabled on this host (" + host.description + ")");
        }
        process.selinux_label = o.process_label;
    }
    spec::validate_process(process, ".process");
    return process;
}

// The process's capabilities, rlimits, scheduler, LSM labels and the
// container's seccomp filter (runc filters exec'd processes with it too),
// planned before anything is done.
linux::ProcessSecurity plan_security(const spec::Process& process, const spec::Spec& config, bool from_file,
                                     const std::string& state_root) {
    linux::SecurityPlanOptions options;
    options.state_root = state_root;  // the seccomp cache
    // In the container's user namespace the process gets what its bounding
    // set holds, whatever rt holds outside it.
    options.new_user_namespace = config.linux && config.linux->has_namespace(spec::NamespaceType::user);
    options.process_path = from_file ? "" : ".process";
    try {
        return linux::plan_process_security(process, config.linux ? &*config.linux : nullptr, options);
    } catch (const Error& e) {
        throw e.with_context("exec");
    }
}

void check_can_exec(Status status, bool ignore_paused) {
    switch (status) {
    case Status::created:
    case Status::running: return;
    case Status::stopped: throw Error("cannot exec in a stopped container");
    case Status::paused:
        if (ignore_paused) return;
        throw Error("cannot exec in a paused container (use --ignore-paused to override)");
    case Status::creating: throw Error("cannot exec in a container that is being created");
    }
}

// The namespaces of the container's init, opened while a pidfd shows that
// the init is still the process state.json recorded.
linux::NamespacePlan open_init_namespaces(const state::ContainerState& state) {
    unique_fd pidfd = open_pidfd(state.pid, state.start_time);
    if (!pidfd) throw Error("cannot exec in a stopped container");
    linux::NamespacePlan plan = linux::plan_joining(state.pid);
    if (wait_pidfd_exit(pidfd.get(), 0)) throw Error("cannot exec in a stopped container");
    return plan;
}

// The cgroups the process joins: the container's, or with --cgroup
// sub-cgroups of them, which must exist already.
std::map<std::string, std::string> plan_cgroups(const state::ContainerState& state, const ExecOptions& options) {
    std::map<std::string, std::string> paths = cgroups::sub_cgroup_paths(state.cgroup_paths, options.cgroups);
    if (options.cgroups.empty()) return paths;
    for (const auto& [controller, path] : paths) {
        struct stat st {};
        if (::stat(path.c_str(), &st) < 0 || !S_ISDIR(st.st_mode)) {
            throw Error("--cgroup: the sub-cgroup " + path + " does not exist (make it first)", ENOENT);
        }
    }
    return paths;
}

// The child into every cgroup of `paths` (cgroup v2: one path).
void join_cgroups(const std::map<std::string, std::string>& paths, pid_t pid) {
    std::set<std::string> done;
    for (const auto& [controller, path] : paths) {
        if (!done.insert(path).second) continue;
        try {
            write_existing_file(path + "/cgroup.procs", std::to_string(pid));
        } catch (const Error& e) {
            Error error = e.with_context("join the container's cgroup" +
                                         (controller.empty() ? std::string() : " (" + controller + ")"));
            // cgroup v1: a cpuset made by hand (exec --cgroup) has no CPUs
            // and no memory nodes until it is given some.
            if (e.err() == ENOSPC && controller == "cpuset") {
                throw Error(std::string(error.what()) + " (cpuset.cpus or cpuset.mems of the cgroup is empty)", ENOSPC);
            }
            throw error;
        }
    }
}

struct Started {
    linux::ExecProcess child;
    unique_fd master;  // a terminal without a console socket: relayed
};

// The parent's side of the exec conversation: cgroups, proceed, the
// console, then EOF once the child's execve succeeded.
// `joins_at_birth`: the child is in its cgroups by itself (child_join).
void drive_child(const std::map<std::string, std::string>& cgroup_paths, bool joins_at_birth,
                 const linux::ProcessSecurity& security, Started& started, unique_fd& console_socket) {
    linux::ExecProcess& child = started.child;
    // config.md: `initial` before the process joins the cgroup, `final` after
    // (joining a cpuset resets the affinity).
    const linux::CpuAffinity& affinity = security.exec_cpu_affinity;
    if (!joins_at_birth) {
        if (affinity.initial) linux::apply_cpu_affinity(*affinity.initial, child.pid, "initial");
        join_cgroups(cgroup_paths, child.pid);
        log::debug("exec: process ", child.pid, " moved into the container's cgroups");
    }
    if (affinity.final) linux::apply_cpu_affinity(*affinity.final, child.pid, "final");
    linux::SyncOrder order(linux::Flow::exec);
    linux::send(child.channel, order, linux::Sync::proceed);
    while (auto message = linux::receive(child.channel, order)) {
        // receive() lets only `console` (with its fd) through here.
        if (console_socket) {
            send_console(console_socket.get(), message->fds.front().get());
            console_socket.reset();
        } else {
            started.master = message->take_fd();
        }
    }
}

}  // namespace

int exec(const state::Store& store, const ExecOptions& options) {
    if (options.preserve_fds < 0) throw Error("--preserve-fds must not be negative");
    if (!options.process_file.empty()) check_no_process_flags(options);
    check_passed_fds(options.preserve_fds);

    state::ContainerLock lock = store.lock(options.id);
    state::ContainerState state = store.load(options.id);
    Status status = status_of(store, state);
    check_can_exec(status, options.ignore_paused);
    spec::Spec config = load_saved_spec(store, options.id);
    spec::Process process = options.process_file.empty() ? process_from_flags(config, options)
                                                         : process_from_file(options.process_file);
    linux::ProcessSecurity security = plan_security(process, config, !options.process_file.empty(), store.root());
    check_terminal_options(process.terminal, options.detach, options.console_socket);
    if (!options.detach) size_relayed_terminal(process);
    std::map<std::string, std::string> cgroup_paths = plan_cgroups(state, options);

    linux::NamespacePlan namespaces = open_init_namespaces(state);
    unique_fd console_socket;
    if (!options.console_socket.empty()) console_socket = connect_console_socket(options.console_socket);
    unique_fd pidfd_socket;
    if (!options.pidfd_socket.empty()) pidfd_socket = connect_fd_socket(options.pidfd_socket, "--pidfd-socket");

    std::optional<SignalGate> gate;
    if (!options.detach) gate.emplace();  // before the clone: no signal slips between
    linux::ExecConfig exec_config;
    exec_config.process = &process;
    exec_config.security = &security;
    exec_config.preserve_fds = options.preserve_fds;
    exec_config.seccomp_state.id = state.id;
    exec_config.seccomp_state.bundle = state.bundle;
    exec_config.seccomp_state.annotations = config.annotations;
    if (spec::annotation_enabled(config.annotations, spec::kLxcfsAnnotation)) {
        exec_config.sysinfo_agent_socket = linux::sysinfo_agent_socket(store.dir(state.id));
    }
    // In a paused container (--ignore-paused) the child is frozen from the
    // moment it joins the cgroups until `resume`, which needs the container's
    // lock: let go of it before the clone, or the child's copy of the lock's
    // fd (closed only once the child runs) would hold it while frozen.
    if (status == Status::paused) lock = {};
    // The child joins the cgroups as it is born (cgroups::Manager::child_join
    // says why), unless a CPU affinity must be set around the join: the
    // parent does that by the child's pid, which it knows only after.
    std::optional<cgroups::ChildJoin> join;
    if (!security.exec_cpu_affinity.initial && !security.exec_cpu_affinity.final) {
        try {
            join = cgroups::open_child_join(cgroup_paths);
        } catch (const Error& e) {
            throw e.with_context("join the container's cgroup");
        }
        exec_config.cgroups = borrow(*join);
    }
    Started started{linux::spawn_exec(exec_config, namespaces), {}};
    linux::ExecProcess& child = started.child;
    const bool joins_at_birth = join && (!join->v2_dir || child.born_in_cgroup_v2);
    join.reset();  // the child has its own copies
    log::debug("exec ", state.id, ": process cloned in the container's namespaces, pid ", child.pid,
               joins_at_birth ? ", joining its cgroups itself" : "");
    try {
        drive_child(cgroup_paths, joins_at_birth, security, started, console_socket);
        log::debug("exec ", state.id, ": process ", child.pid, " runs ", process.args.front());
        if (pidfd_socket) send_pidfd(pidfd_socket.get(), child.pidfd.get(), "setns");
        write_pid_file(options.pid_file, child.pid);
    } catch (...) {
        ::kill(child.pid, SIGKILL);
        wait_child(child.pid);
        throw;
    }
    lock = {};
    if (options.detach) return 0;
    return exit_code_of(wait_in_foreground(*gate, child.pid, child.pidfd.get(), started.master.get()));
}

}  // namespace rt::container
