// rt restore: a new container made from the bundle, its processes restored
// by criu(8) from the images of `rt checkpoint` (rt/container/checkpoint.hpp).
//
// CRIU runs as rt's child: rt moves it into the container's new cgroups
// (with their limits) before it runs, and CRIU restores the processes there
// (--cgroup-root), into namespaces of its own making, with the bundle's
// rootfs as root. The rootfs is bound onto <state>/criu-root (CRIU needs a
// mount point) in a mount namespace of CRIU's alone, so nothing is mounted
// on the host. The restored init is rt's child (--restore-sibling); its pid
// goes into state.json and the container is running. Anything that fails
// undoes everything: no state dir, cgroup or process is left.
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include <climits>

#include "container_cgroups.hpp"
#include "criu_mounts.hpp"
#include "criu_run.hpp"
#include "foreground.hpp"
#include "internal.hpp"
#include "rt/container/checkpoint.hpp"
#include "rt/linux/hooks.hpp"
#include "rt/linux/mount_plan.hpp"
#include "rt/linux/path_in_root.hpp"
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

// The fd numbers CRIU gets the joined network and pid namespaces on.
constexpr int net_ns_fd = 10;
constexpr int pid_ns_fd = 11;

// Everything restore checks and reads before its first side effect.
struct RestorePlan {
    CriuPlan criu;
    std::string criu_binary;
    std::string bundle;
    std::string rootfs;
    std::string config_text;
    spec::Spec spec;
    std::vector<std::string> descriptors;
    std::unique_ptr<cgroups::Manager> cgroups;
    unique_fd net_ns, pid_ns;  // joined by path: CRIU restores into them
};

unique_fd open_namespace(const spec::Spec& spec, spec::NamespaceType type) {
    const auto* ns = spec.linux->find_namespace(type);
    if (!ns || !ns->path) return {};
    unique_fd fd(::open(ns->path->c_str(), O_RDONLY | O_CLOEXEC));
    if (!fd) throw_errno("config.json: namespace " + *ns->path);
    return fd;
}

// The hooks that run while the container is made (prestart, createRuntime,
// createContainer, startContainer) need the new namespaces before the
// process runs, which runc gets from CRIU's RPC notifications and criu's
// command line does not give: refused rather than skipped. poststart runs
// once the processes are restored, poststop at delete.
void check_restorable_hooks(const spec::Spec& spec) {
    for (auto phase : {linux::HookPhase::prestart, linux::HookPhase::create_runtime,
                       linux::HookPhase::create_container, linux::HookPhase::start_container}) {
        if (!linux::hooks_of(spec.hooks, phase).empty()) {
            throw Error(std::string(".hooks.") + linux::to_string(phase) +
                        ": rt restore cannot run these hooks (only poststart and poststop)");
        }
    }
}

RestorePlan plan_restore(const RestoreOptions& options) {
    spec::check_container_id(options.id);
    char cwd[PATH_MAX];
    if (!::getcwd(cwd, sizeof cwd)) throw_errno("getcwd");
    RestorePlan plan;
    plan.criu = plan_criu(options.criu, cwd);
    if (!options.console_socket.empty()) {
        throw Error("--console-socket: rt restore cannot restore a terminal (criu's command line has no "
                    "orphan-pts-master)");
    }
    plan.criu_binary = find_criu();
    plan.bundle = absolute_directory(options.bundle.empty() ? "." : options.bundle, "bundle");
    try {
        plan.config_text = read_file(plan.bundle + "/config.json");
        plan.spec = spec::parse_config(plan.config_text);
        spec::validate(plan.spec);
        spec::check_supported(plan.spec);
        if (!plan.spec.linux) throw Error(".linux: required on Linux");
        if (plan.spec.process && plan.spec.process->terminal) {
            throw Error(".process.terminal: rt restore cannot restore a terminal (criu's command line has no "
                        "orphan-pts-master)");
        }
        check_restorable_namespaces(plan.spec);
        check_restorable_hooks(plan.spec);
    } catch (const Error& e) {
        throw e.with_context("config.json");
    }
    std::string root = plan.spec.root->path;
    if (root.empty() || root[0] != '/') root = plan.bundle + "/" + root;
    plan.rootfs = absolute_directory(root, "config.json: root.path");
    auto descriptors = read_file_if_exists(plan.criu.image_dir + "/descriptors.json");
    if (!descriptors) {
        throw Error("--image-path " + plan.criu.image_dir + ": no checkpoint there (descriptors.json missing)",
                    ENOENT);
    }
    plan.descriptors = descriptors_from_json(*descriptors);
    plan.net_ns = open_namespace(plan.spec, spec::NamespaceType::network);
    plan.pid_ns = open_namespace(plan.spec, spec::NamespaceType::pid);
    plan.cgroups = plan_cgroups(plan.spec, options.id, options.systemd_cgroup);
    return plan;
}

// The mount points of the config's mounts, made in the rootfs as create
// makes them (CRIU mounts on them, but makes none): not those on a tmpfs
// (CRIU restores its content) nor the cgroup ones (in /sys, or a tmpfs).
void make_mount_points(const spec::Spec& spec, const std::string& rootfs) {
    unique_fd root(::open(rootfs.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC));
    if (!root) throw_errno("open rootfs " + rootfs);
    linux::MountPlan mounts = linux::plan_mounts(spec);
    auto on_tmpfs = [&](const std::string& dest) {
        for (const auto& m : spec.mounts) {
            std::string d = linux::clean_path(m.destination);
            if (m.type == "tmpfs" && dest.size() > d.size() && dest.compare(0, d.size(), d) == 0 &&
                (d == "/" || dest[d.size()] == '/')) {
                return true;
            }
        }
        return false;
    };
    for (size_t i = 0; i < spec.mounts.size(); ++i) {
        const auto& m = spec.mounts[i];
        std::string dest = linux::clean_path(m.destination);
        if (m.type == "cgroup" || on_tmpfs(dest)) continue;
        struct stat st {};
        bool file_source = mounts.mounts[i].bind && m.source && ::stat(m.source->c_str(), &st) == 0 &&
                           !S_ISDIR(st.st_mode);
        if (file_source) {
            linux::touch_in_root(root.get(), dest);
        } else {
            linux::mkdir_all_in_root(root.get(), dest);
        }
    }
}

// In the criu child, before the exec: its own mount namespace with the
// rootfs bound on the criu root, the joined namespaces on known fds, and
// its cgroups (rt moved it there) as the restored processes' cgroups.
ChildSetup child_setup(const RestorePlan& plan, const std::string& criu_root) {
    int net = plan.net_ns.get(), pid = plan.pid_ns.get();
    std::string rootfs = plan.rootfs;
    return [=](std::vector<std::string>& args) {
        for (const auto& root : cgroup_roots_from(read_file("/proc/self/cgroup"))) {
            args.insert(args.end(), {"--cgroup-root", root});
        }
        if (::unshare(CLONE_NEWNS) < 0) throw_errno("unshare the mount namespace");
        // Slave, not private: nothing criu mounts here reaches the host,
        // but the host's mounts keep their master, from which CRIU's
        // mount engine copies the sharing of the container's external
        // binds (a private source: "Failed to copy sharing", EINVAL).
        if (::mount(nullptr, "/", nullptr, MS_REC | MS_SLAVE, nullptr) < 0) throw_errno("make / a slave");
        if (::mount(rootfs.c_str(), criu_root.c_str(), nullptr, MS_BIND | MS_REC, nullptr) < 0) {
            throw_errno("bind " + rootfs + " on " + criu_root);
        }
        // Each first above both targets, so that neither dup2 overwrites
        // the other's source.
        int high_net = net >= 0 ? ::fcntl(net, F_DUPFD_CLOEXEC, 100) : -1;
        int high_pid = pid >= 0 ? ::fcntl(pid, F_DUPFD_CLOEXEC, 100) : -1;
        if ((net >= 0 && high_net < 0) || (pid >= 0 && high_pid < 0)) throw_errno("dup the namespaces");
        if (high_net >= 0 && ::dup2(high_net, net_ns_fd) < 0) throw_errno("dup2 the network namespace");
        if (high_pid >= 0 && ::dup2(high_pid, pid_ns_fd) < 0) throw_errno("dup2 the pid namespace");
    };
}

RestoreInputs restore_inputs(const RestorePlan& plan, const state::ContainerState& state,
                             const std::string& criu_root, const std::string& pidfile) {
    RestoreInputs in;
    in.root = criu_root;
    in.pidfile = pidfile;
    in.mounts = restore_external_mounts(plan.spec, plan.bundle, state);
    in.inherit_fds = inherit_fds_for(plan.descriptors);
    if (plan.net_ns) in.inherit_fds.push_back("fd[" + std::to_string(net_ns_fd) + "]:extRootNetNS");
    if (plan.pid_ns) in.inherit_fds.push_back("fd[" + std::to_string(pid_ns_fd) + "]:extRootPidNS");
    in.own_net = has_own_network_namespace(plan.spec);
    for (auto type : {spec::NamespaceType::ipc, spec::NamespaceType::uts, spec::NamespaceType::user,
                      spec::NamespaceType::time}) {
        const auto* ns = plan.spec.linux->find_namespace(type);
        if (ns && ns->path) in.join_ns.push_back(std::string(spec::to_string(type)) + ":" + *ns->path);
    }
    return in;
}

pid_t read_restored_pid(const std::string& pidfile) {
    std::string text = read_file(pidfile);
    try {
        size_t used = 0;
        long pid = std::stol(text, &used);
        if (pid > 0) return static_cast<pid_t>(pid);
    } catch (const std::exception&) {
    }
    throw Error("criu restore: bad pid file " + pidfile);
}

}  // namespace

int restore(const state::Store& store, const RestoreOptions& options) {
    RestorePlan plan = plan_restore(options);
    std::optional<SignalGate> gate;  // the foreground's, before the init exists
    if (!options.detach) gate.emplace();

    auto lock = store.create(options.id);
    state::ContainerState state;
    state.id = options.id;
    state.bundle = plan.bundle;
    state.rootfs = plan.rootfs;
    state.annotations = plan.spec.annotations;
    // What the cgroups will be: in the state saved while restoring, and in
    // the external mounts of a cgroup bind.
    state::ContainerState planned = state;
    planned.cgroup_driver = plan.cgroups->driver();
    planned.cgroup_paths = plan.cgroups->paths();
    pid_t restored = 0;
    unique_fd restored_fd;
    try {
        // As create: `rt delete --force` finds the cgroups if rt dies here.
        state.created = planned.created = rfc3339_nano_now();
        store.save(planned);
        write_file_atomic(store.config_path(options.id), plan.config_text, 0600);
        make_mount_points(plan.spec, plan.rootfs);
        std::string criu_root = store.dir(options.id) + "/criu-root";
        std::string pidfile = store.dir(options.id) + "/criu.pid";
        if (::mkdir(criu_root.c_str(), 0700) < 0) throw_errno("mkdir " + criu_root);

        RestoreInputs in = restore_inputs(plan, planned, criu_root, pidfile);
        CriuChild criu(plan.criu_binary, criu_restore_args(options.criu, plan.criu, in),
                       child_setup(plan, criu_root));
        join_cgroups(*plan.cgroups, plan.spec, criu.pid(), state);
        criu.release();
        std::string log = (plan.criu.work_dir.empty() ? plan.criu.image_dir : plan.criu.work_dir) + "/restore.log";
        criu.wait("criu restore", log);

        restored = read_restored_pid(pidfile);
        auto stat = read_proc_stat(restored);
        if (!stat) throw Error("the restored init " + std::to_string(restored) + " is gone");
        restored_fd = open_pidfd(restored, stat->start_time);
        state.pid = restored;
        state.start_time = stat->start_time;
        ::unlink(pidfile.c_str());
        ::rmdir(criu_root.c_str());
        store.save(state);
        write_pid_file(options.pid_file, restored);
        // The process runs again: poststart, as `start` runs it (a failure
        // undoes the restore).
        linux::run_hooks(plan.spec.hooks, linux::HookPhase::poststart, hook_state(state));
        log::debug("restore ", options.id, ": init ", restored, " running, from ", plan.criu.image_dir);
    } catch (...) {
        if (restored > 0) {
            ::kill(restored, SIGKILL);
            try {
                wait_child(restored);
            } catch (const Error&) {
            }
        }
        abandon_cgroups(*plan.cgroups, state);
        try {
            store.remove(options.id);
        } catch (const Error& cleanup) {
            log::warn(std::string("cleaning up after a failed restore: ") + cleanup.what());
        }
        throw;
    }
    if (options.detach) return 0;

    // In the foreground, as `run`: rt waits for its child, the init.
    lock = {};
    return wait_then_delete(store, options.id, *gate, restored, restored_fd.get(), -1, &plan.spec, false);
}

}  // namespace rt::container
