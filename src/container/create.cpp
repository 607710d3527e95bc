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

#include "internal.hpp"
#include "rt/linux/namespaces.hpp"
#include "rt/linux/sync_protocol.hpp"
#include "rt/spec/container_id.hpp"
#include "rt/spec/parse.hpp"
#include "rt/spec/validate.hpp"
#include "rt/util/error.hpp"
#include "rt/util/file.hpp"
#include "rt/util/log.hpp"
#include "rt/util/process.hpp"

namespace rt::container {
namespace {

std::string absolute_directory(const std::string& path, const std::string& what) {
    char resolved[PATH_MAX];
    if (!::realpath(path.c_str(), resolved)) throw_errno(what + " " + path);
    struct stat st {};
    if (::stat(resolved, &st) < 0) throw_errno(what + " " + path);
    if (!S_ISDIR(st.st_mode)) throw Error(what + " " + path + ": not a directory", ENOTDIR);
    return resolved;
}

// Checks of rt's own, beyond the spec's: what this runtime needs to work.
void check_runtime_requirements(const spec::Spec& spec) {
    if (!spec.linux) throw Error(".linux: required on Linux");
    const auto* mount_ns = spec.linux->find_namespace(spec::NamespaceType::mount);
    if (!mount_ns || mount_ns->path) {
        // rt builds the rootfs with mounts: doing that in a mount namespace
        // it shares with the host (or with another container) would change
        // theirs.
        throw Error(".linux.namespaces: rt needs a new mount namespace (type \"mount\" without a path)");
    }
}

// Everything create does before its first side effect.
struct Plan {
    spec::Spec spec;
    std::string config_text;
    std::string bundle;
    std::string rootfs;
    linux::NamespacePlan namespaces;
};

Plan plan_create(const CreateOptions& options) {
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
    std::string root = plan.spec.root->path;
    if (root.empty() || root[0] != '/') root = plan.bundle + "/" + root;
    try {
        plan.rootfs = absolute_directory(root, "root.path");
    } catch (const Error& e) {
        throw e.with_context("config.json");
    }
    try {
        plan.namespaces = linux::plan_namespaces(*plan.spec.linux);
    } catch (const Error& e) {
        throw e.with_context("config.json");
    }
    if (options.preserve_fds < 0) throw Error("--preserve-fds must not be negative");
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

// The parent's side of the sync protocol (see rt/linux/sync_protocol.hpp).
// `state` is filled in but not saved yet.
void drive_init(const Plan& plan, linux::InitProcess& init, state::ContainerState& state) {
    (void)plan;
    (void)state;
    linux::SyncOrder order;
    linux::send(init.channel, order, linux::Sync::proceed);
    linux::expect(init.channel, order, linux::Sync::run_hooks);
    linux::send(init.channel, order, linux::Sync::hooks_done);
    linux::expect(init.channel, order, linux::Sync::ready);
}

void write_pid_file(const std::string& path, pid_t pid) {
    if (path.empty()) return;
    // Digits only, no newline: containerd's shim parses it that way.
    write_file_atomic(std::filesystem::absolute(path).string(), std::to_string(pid), 0644);
}

}  // namespace

Created create_container(const state::Store& store, const CreateOptions& options) {
    Plan plan = plan_create(options);

    Created created;
    created.lock = store.create(options.id);
    linux::InitProcess& init = created.init;
    try {
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
        config.preserve_fds = options.preserve_fds;
        config.console_socket = options.console_socket;
        config.exec_fifo = fifo_fd.get();
        init = linux::spawn_init(config, plan.namespaces);

        state::ContainerState& state = created.state;
        state.id = options.id;
        state.bundle = plan.bundle;
        state.rootfs = plan.rootfs;
        state.pid = init.pid;
        state.created = log::rfc3339_now();
        state.annotations = plan.spec.annotations;
        auto stat = read_proc_stat(init.pid);
        if (!stat) throw Error("container init vanished");
        state.start_time = stat->start_time;

        try {
            drive_init(plan, init, state);
        } catch (const Error& e) {
            // Say how the init ended when it died without a word.
            std::string message = e.what();
            if (message.rfind("container init exited", 0) == 0) {
                message += " (" + wait_status_text(wait_child(init.pid)) + ")";
                init.pid = 0;
            }
            throw Error(message, e.err());
        }

        store.save(state);
        write_pid_file(options.pid_file, init.pid);
        log::debug("create " + options.id + ": init " + std::to_string(init.pid) + " ready, rootfs " +
                   plan.rootfs);
    } catch (...) {
        abandon_init(init);
        try {
            store.remove(options.id);
        } catch (const Error& cleanup) {
            log::warn(std::string("cleaning up after a failed create: ") + cleanup.what());
        }
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
