// rt create: validate everything, then make the container and leave its init
// waiting for start. Anything that fails after the first side effect undoes
// all of them: no state dir, no process, no cgroup is left.
#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <climits>
#include <cstdlib>
#include <cstring>
#include <filesystem>

#include "container_cgroups.hpp"
#include "console_socket.hpp"
#include "foreground.hpp"
#include "internal.hpp"
#include "rt/linux/host_support.hpp"
#include "rt/linux/mount_plan.hpp"
#include "rt/linux/mount_trees.hpp"
#include "rt/linux/placement.hpp"
#include "rt/linux/self_protect.hpp"
#include "rt/linux/lxcfs.hpp"
#include "rt/linux/namespaces.hpp"
#include "rt/linux/net_devices.hpp"
#include "rt/linux/process_security.hpp"
#include "rt/linux/user_namespace.hpp"
#include "rt/linux/sync_protocol.hpp"
#include "rt/linux/sysinfo_agent.hpp"
#include "rt/spec/container_id.hpp"
#include "rt/spec/parse.hpp"
#include "rt/spec/validate.hpp"
#include "rt/util/error.hpp"
#include "rt/util/file.hpp"
#include "rt/util/log.hpp"
#include "rt/util/process.hpp"
#include "rt/util/time.hpp"

namespace rt::container {
namespace {

// Checks of rt's own, beyond the spec's: what this runtime needs to work.
void check_runtime_requirements(const spec::Spec& spec) {
    if (!spec.linux) throw Error(".linux: required on Linux");
    if (!spec.linux->find_namespace(spec::NamespaceType::mount)) {
        // rt builds the rootfs with mounts: doing that in the host's mount
        // namespace would change the host's. A mount namespace joined by
        // path is the caller's choice (as with runc): rt builds the rootfs
        // there, and pivot_root moves the processes already in it that
        // stood at its root.
        throw Error(".linux.namespaces: rt needs a mount namespace (type \"mount\", new or joined by path)");
    }
}

// Everything create does before its first side effect.
struct Plan {
    spec::Spec spec;
    std::string config_text;
    std::string bundle;
    std::string rootfs;
    linux::NamespacePlan namespaces;
    linux::ProcessSecurity security;
    linux::MountPlan mounts;
    std::vector<unique_fd> mount_trees;  // rt/linux/mount_trees.hpp, index for index with spec.mounts
    unique_fd protected_exe;             // rt/linux/self_protect.hpp: the init's read-only rt
    std::unique_ptr<cgroups::Manager> cgroups;
    int passed_fds = 0;        // LISTEN_FDS + --preserve-fds: fds 3 .. 3+N-1
    unique_fd console_socket;  // connected; gets the pty master
    unique_fd pidfd_socket;    // connected; gets a pidfd of the init
    linux::LxcfsPlan lxcfs;    // rt.lxcfs: lxcfs's files, ready to attach
    linux::SysinfoAgent sysinfo_agent;  // rt.lxcfs: listening once the state dir exists
};

// Socket activation, as runc does it (sd_listen_fds(3)): the fds systemd
// passed to rt (LISTEN_FDS of them from 3 on, meant for this pid) go to the
// container's process, which is told so by LISTEN_FDS and LISTEN_PID=1.
int listen_fds(spec::Process& process) {
    const char* fds = ::getenv("LISTEN_FDS");
    const char* pid = ::getenv("LISTEN_PID");
    if (!fds || !pid || std::to_string(::getpid()) != pid) return 0;
    char* end = nullptr;
    long count = std::strtol(fds, &end, 10);
    if (*end != '\0' || count <= 0 || count > 4096) return 0;
    set_env(process.env, "LISTEN_FDS=" + std::to_string(count));
    set_env(process.env, "LISTEN_PID=1");
    return static_cast<int>(count);
}

Plan plan_create(const CreateOptions& options, const std::string& state_root) {
    spec::check_container_id(options.id);
    Plan plan;
    plan.bundle = absolute_directory(options.bundle.empty() ? "." : options.bundle, "bundle");
    std::string config_path = plan.bundle + "/config.json";
    try {
        plan.config_text = read_file(config_path);
        plan.spec = spec::parse_config(plan.config_text);
        spec::validate(plan.spec);
        spec::check_supported(plan.spec);
        check_runtime_requirements(plan.spec);
    } catch (const Error& e) {
        throw e.with_context("config.json");
    }
    log::debug("create ", options.id, ": ", config_path, " read and validated");
    std::string root = plan.spec.root->path;
    if (root.empty() || root[0] != '/') root = plan.bundle + "/" + root;
    try {
        plan.rootfs = absolute_directory(root, "root.path");
    } catch (const Error& e) {
        throw e.with_context("config.json");
    }
    try {
        plan.namespaces = linux::plan_namespaces(*plan.spec.linux);
        linux::check_host_support(plan.spec);
        linux::SecurityPlanOptions security_options;
        security_options.new_user_namespace = plan.spec.linux->has_namespace(spec::NamespaceType::user);
        security_options.state_root = state_root;  // the seccomp cache
        plan.security = linux::plan_process_security(*plan.spec.process, &*plan.spec.linux, security_options);
        plan.mounts = linux::plan_mounts(plan.spec);
    } catch (const Error& e) {
        throw e.with_context("config.json");
    }
    if (options.preserve_fds < 0) throw Error("--preserve-fds must not be negative");
    spec::Process& process = *plan.spec.process;
    if (options.terminal) process.terminal = true;
    check_terminal_options(process.terminal, options.detach, options.console_socket);
    if (!options.detach) size_relayed_terminal(process);
    plan.passed_fds = listen_fds(process) + options.preserve_fds;
    check_passed_fds(plan.passed_fds);
    if (!options.console_socket.empty()) plan.console_socket = connect_console_socket(options.console_socket);
    if (!options.pidfd_socket.empty()) plan.pidfd_socket = connect_fd_socket(options.pidfd_socket, "--pidfd-socket");
    plan.cgroups = plan_cgroups(plan.spec, options.id, options.systemd_cgroup, options.rootless);  // errors name config.json
    plan.lxcfs = linux::plan_lxcfs(plan.spec);  // rt.lxcfs: lxcfs must be there (it names itself)
    plan.mount_trees = linux::prepare_mount_trees(plan.spec, plan.mounts, plan.bundle);
    plan.protected_exe = linux::protected_copy_for_init();
    return plan;
}

std::string wait_status_text(int status) {
    if (WIFEXITED(status)) return "exit status " + std::to_string(WEXITSTATUS(status));
    if (WIFSIGNALED(status)) return std::string("killed by signal ") + strsignal(WTERMSIG(status));
    return "status " + std::to_string(status);
}

// Undoes a create that failed after the init was cloned.
void abandon_init(linux::InitProcess& init) {
    if (init.pid <= 0) return;
    ::kill(init.pid, SIGKILL);
    try {
        wait_child(init.pid);
    } catch (const Error&) {
    }
    init.pid = 0;
}

// The pty master of a terminal container: to the console socket when there
// is one, else kept for `run` to relay.
void hand_over_console(Plan& plan, unique_fd master, Created& created) {
    if (plan.console_socket) {
        send_console(plan.console_socket.get(), master.get());
        plan.console_socket.reset();
        log::debug("create: pty master sent to --console-socket");
    } else {
        created.console_master = std::move(master);
    }
}

void log_cgroups_made(const state::ContainerState& state) {
    if (!log::debugging() || state.cgroup_paths.empty()) return;
    log::debug("create ", state.id, ": cgroups made with their limits (", state.cgroup_paths.begin()->second,
               state.cgroup_paths.size() > 1 ? " and " + std::to_string(state.cgroup_paths.size() - 1) + " more" : "",
               ")");
}

std::optional<cgroups::ChildJoin> child_join_of(const cgroups::Manager& manager) {
    try {
        return manager.child_join();
    } catch (const Error& e) {
        throw e.with_context("cgroups");
    }
}

// While the init makes its namespaces: the cgroups, then the init in them.
// It joins the v1 hierarchies itself, sent their tasks files, when it was
// born in the cgroup2 directory (or there is none); else the parent moves
// it by its pid (systemd's driver; a kernel that refused the clone into it).
void put_init_in_cgroups(Plan& plan, linux::InitProcess& init, linux::SyncOrder& order,
                         state::ContainerState& state) {
    make_cgroups(*plan.cgroups, plan.spec, state);
    log_cgroups_made(state);
    std::optional<cgroups::ChildJoin> join = child_join_of(*plan.cgroups);
    std::string paths;
    std::vector<int> tasks_files;
    if (join && (!join->v2_dir || init.born_in_cgroup_v2)) {
        for (const auto& tasks : join->v1_tasks) {
            paths += tasks.path + "\n";
            tasks_files.push_back(tasks.fd.get());
        }
    } else {
        add_to_cgroups(*plan.cgroups, init.pid);
        log::debug("create ", state.id, ": init ", init.pid, " moved into its cgroups");
    }
    linux::send(init.channel, order, linux::Sync::cgroups_made, paths, tasks_files);
}

// The parent's side of the sync protocol (see rt/linux/sync_protocol.hpp).
// `state` is filled in but not saved yet. `hooks_due` is set once the
// lifecycle reached its hooks (a failure from there on runs poststop).
void drive_init(Plan& plan, linux::InitProcess& init, state::ContainerState& state, Created& created,
                bool& hooks_due) {
    const spec::Linux& linux = *plan.spec.linux;
    linux::SyncOrder order;
    linux::write_id_maps(init.pid, linux);
    linux::send(init.channel, order, linux::Sync::proceed);
    put_init_in_cgroups(plan, init, order, state);
    if (plan.sysinfo_agent) plan.sysinfo_agent.start(init.pid, state.start_time, state.cgroup_paths);
    linux::expect(init.channel, order, linux::Sync::run_hooks);
    log::debug("create ", state.id, ": init ", init.pid, " made its namespaces");
    // The init's namespaces exist now.
    linux::move_net_devices(init.pid, linux);
    hooks_due = true;
    linux::run_hooks(plan.spec.hooks, linux::HookPhase::prestart, hook_state(state));
    linux::run_hooks(plan.spec.hooks, linux::HookPhase::create_runtime, hook_state(state));
    linux::send(init.channel, order, linux::Sync::hooks_done);
    if (plan.spec.process->terminal) {
        hand_over_console(plan, linux::expect(init.channel, order, linux::Sync::console).take_fd(), created);
    }
    linux::expect(init.channel, order, linux::Sync::ready);
}

}  // namespace

void write_pid_file(const std::string& path, pid_t pid) {
    if (path.empty()) return;
    // Digits only, no newline: containerd's shim parses it that way. Through
    // a temporary made with O_EXCL|O_NOFOLLOW and a rename (write_file_atomic):
    // a symbolic link planted in the pid file's directory is never followed.
    write_file_atomic(std::filesystem::absolute(path).string(), std::to_string(pid), 0644);
}

namespace {

// What create is about to make, in state.json before it is made: rt may be
// killed at any point (SIGKILL during a createRuntime hook, say), and then
// `rt list` still shows the container ("creating": no pid yet) and `rt delete
// --force` finds its cgroups, in every hierarchy, to remove. The init dies
// with rt until it is ready (PR_SET_PDEATHSIG); the cgroups would not.
void record_creating(const state::Store& store, const Plan& plan, const std::string& id) {
    state::ContainerState creating;
    creating.id = id;
    creating.bundle = plan.bundle;
    creating.rootfs = plan.rootfs;
    creating.created = rfc3339_nano_now();
    creating.annotations = plan.spec.annotations;
    creating.cgroup_driver = plan.cgroups->driver();
    creating.cgroup_paths = plan.cgroups->paths();
    store.save(creating);
}

}  // namespace

Created create_container(const state::Store& store, const CreateOptions& options) {
    Plan plan = plan_create(options, store.root());

    Created created;
    created.lock = store.create(options.id);
    linux::InitProcess& init = created.init;
    bool hooks_due = false;
    try {
        record_creating(store, plan, options.id);
        write_file_atomic(store.config_path(options.id), plan.config_text, 0600);
        std::string fifo = store.fifo_path(options.id);
        if (::mkfifo(fifo.c_str(), 0622) < 0) throw_errno("mkfifo " + fifo);
        // Writable by the container's user whatever rt's umask: the init
        // opens it after it has become that user.
        if (::chmod(fifo.c_str(), 0622) < 0) throw_errno("chmod " + fifo);
        unique_fd fifo_fd(::open(fifo.c_str(), O_PATH | O_CLOEXEC));
        if (!fifo_fd) throw_errno("open " + fifo);

        linux::InitConfig config;
        config.spec = &plan.spec;
        config.id = options.id;
        config.bundle = plan.bundle;
        config.rootfs = plan.rootfs;
        config.no_pivot = options.no_pivot;
        config.no_new_keyring = options.no_new_keyring;
        config.preserve_fds = plan.passed_fds;
        config.exec_fifo = fifo_fd.get();
        config.protected_exe = plan.protected_exe.get();
        config.security = &plan.security;
        if (plan.lxcfs.enabled) {
            config.lxcfs = &plan.lxcfs;
            plan.sysinfo_agent = linux::SysinfoAgent::listen(created.lock.dir_fd(), store.dir(options.id));
            config.sysinfo_agent_socket = plan.sysinfo_agent.socket_path();
        }
        config.mounts = &plan.mounts;
        config.host_mounts = &host_mounts();
        for (const auto& fd : plan.mount_trees) config.mount_trees.push_back(fd.get());

        state::ContainerState& state = created.state;
        state.id = options.id;
        // Only the cgroup2 directory comes before the init, which is born in
        // it; the rest is made while the init makes its namespaces
        // (put_init_in_cgroups).
        unique_fd birthplace = make_birthplace(*plan.cgroups, plan.spec, state);
        config.cgroup_v2_dir = birthplace.get();
        std::optional<linux::CpuMask> affinity = linux::spreadable_affinity();
        if (affinity) config.parent_affinity = &*affinity;
        init = linux::spawn_init(config, plan.namespaces);
        if (affinity) linux::move_off_my_cpu(init.pid, *affinity);
        birthplace.reset();  // the init has its own copy
        log::debug("create ", options.id, ": init cloned, pid ", init.pid,
                   init.born_in_cgroup_v2 ? ", born in its cgroup2 directory" : "");

        state.bundle = plan.bundle;
        state.rootfs = plan.rootfs;
        state.pid = init.pid;
        state.created = rfc3339_nano_now();
        state.annotations = plan.spec.annotations;
        auto stat = read_proc_stat(init.pid);
        if (!stat) throw Error("container init vanished");
        state.start_time = stat->start_time;
        state.init_name = linux::init_process_name;

        try {
            drive_init(plan, init, state, created, hooks_due);
        } catch (const linux::ChildVanished& e) {
            // Say how the init ended when it died without a word.
            std::string message = std::string(e.what()) + " (" + wait_status_text(wait_child(init.pid)) + ")";
            init.pid = 0;
            throw Error(message, e.err());
        }

        if (plan.pidfd_socket) {
            send_pidfd(plan.pidfd_socket.get(), init.pidfd.get(), "standard");
            plan.pidfd_socket.reset();
            log::debug("create ", options.id, ": pidfd of the init sent to --pidfd-socket");
        }
        store.save(state);
        write_pid_file(options.pid_file, init.pid);
        log::debug("create ", options.id, ": init ", init.pid, " ready, rootfs ", plan.rootfs);
    } catch (...) {
        abandon_init(init);
        abandon_cgroups(*plan.cgroups, created.state);
        try {
            store.remove(options.id);
        } catch (const Error& cleanup) {
            log::warn(std::string("cleaning up after a failed create: ") + cleanup.what());
        }
        // runtime.md: a failed hook stops the container and the lifecycle
        // goes on with its destruction, poststop hooks included.
        if (hooks_due) run_poststop_hooks(plan.spec, created.state);
        throw;
    }
    created.spec = std::move(plan.spec);
    return created;
}

std::string bundle_id(const std::string& bundle_path) {
    char resolved[PATH_MAX];
    if (!::realpath(bundle_path.c_str(), resolved)) throw_errno("bundle " + bundle_path);
    return basename_of(resolved);
}

void create(const state::Store& store, const CreateOptions& options) {
    create_container(store, options);
}

}  // namespace rt::container
