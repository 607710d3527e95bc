// rt checkpoint: the container's processes dumped by criu(8) into the image
// directory (rt/container/checkpoint.hpp). A created or stopped container is
// refused; a failing CRIU leaves the container as it was (CRIU resumes what
// it froze); after a dump (not --leave-running, not --pre-dump) the
// container is deleted, as runc does.
#include <sys/stat.h>
#include <unistd.h>

#include <climits>

#include "container_cgroups.hpp"
#include "criu_mounts.hpp"
#include "criu_run.hpp"
#include "internal.hpp"
#include "rt/cgroups/layout.hpp"
#include "rt/container/checkpoint.hpp"
#include "rt/linux/path_in_root.hpp"
#include "rt/spec/container_id.hpp"
#include "rt/util/error.hpp"
#include "rt/util/file.hpp"
#include "rt/util/log.hpp"
#include "rt/util/process.hpp"

namespace rt::container {
namespace {

constexpr int exit_timeout_ms = 10000;

std::string current_directory() {
    char cwd[PATH_MAX];
    if (!::getcwd(cwd, sizeof cwd)) throw_errno("getcwd");
    return cwd;
}

void make_directory(const std::string& path, const std::string& flag) {
    try {
        make_directories(path, 0700);
    } catch (const Error& e) {
        throw e.with_context(flag);
    }
}

// The cgroup CRIU freezes the processes with (else it stops them with
// ptrace): the v1 freezer hierarchy, or the v2 cgroup.
std::string freezer_cgroup(const state::ContainerState& state) {
    auto freezer = state.cgroup_paths.find("freezer");
    if (freezer != state.cgroup_paths.end()) return freezer->second;
    if (cgroups::detect_layout().mode != cgroups::Mode::unified) return "";
    auto unified = state.cgroup_paths.find("");
    return unified == state.cgroup_paths.end() ? "" : unified->second;
}

// fds 0, 1 and 2 of the init as /proc says them ("pipe:[1234]", "/dev/null").
std::vector<std::string> init_stdio(pid_t pid) {
    std::vector<std::string> links;
    for (int fd = 0; fd < 3; ++fd) {
        std::string link = "/proc/" + std::to_string(pid) + "/fd/" + std::to_string(fd);
        char target[PATH_MAX];
        ssize_t n = ::readlink(link.c_str(), target, sizeof target - 1);
        links.emplace_back(n < 0 ? "" : std::string(target, static_cast<size_t>(n)));
    }
    return links;
}

void check_parent_path(const CriuPlan& plan) {
    if (plan.parent_path.empty()) return;
    // Joined lexically, as runc's filepath.Join: the image dir may not
    // exist yet ("../pre-dump" next to it is the usual parent).
    std::string parent = linux::clean_path(plan.image_dir + "/" + plan.parent_path);
    struct stat st {};
    if (::stat(parent.c_str(), &st) < 0) throw_errno("invalid --parent-path " + parent);
    if (!S_ISDIR(st.st_mode)) throw Error("invalid --parent-path " + parent + ": not a directory", ENOTDIR);
}

void check_status_fd(const CriuOptions& o) {
    if (o.status_fd < 0) return;
    int flags = ::fcntl(o.status_fd, F_GETFL);
    if (flags < 0) throw_errno("invalid --status-fd " + std::to_string(o.status_fd));
    if ((flags & O_ACCMODE) == O_RDONLY) {
        throw Error("invalid --status-fd " + std::to_string(o.status_fd) + ": not writable");
    }
}

}  // namespace

void checkpoint(const state::Store& store, const CheckpointOptions& options) {
    spec::check_container_id(options.id);
    const CriuOptions& o = options.criu;
    CriuPlan plan = plan_criu(o, current_directory());
    check_status_fd(o);
    std::string criu = find_criu();

    auto lock = store.lock(options.id);
    state::ContainerState state = store.load(options.id);
    Status status = status_of(store, state);
    if (status != Status::running && status != Status::paused) {
        throw Error(std::string("container cannot be checkpointed in ") + to_string(status) + " state");
    }
    spec::Spec spec = load_saved_spec(store, options.id);

    check_parent_path(plan);  // in the image dir: an image dir still to make has none
    make_directory(plan.image_dir, "--image-path");
    if (!plan.work_dir.empty()) make_directory(plan.work_dir, "--work-path");

    DumpInputs in;
    in.pid = state.pid;
    in.freezer_cgroup = freezer_cgroup(state);
    if (!o.pre_dump) {
        in.mounts = dump_external_mounts(spec, state.pid);
        in.external_namespaces = dump_external_namespaces(spec);
        in.own_net = has_own_network_namespace(spec);
        write_file_atomic(plan.image_dir + "/descriptors.json", descriptors_json(init_stdio(state.pid)), 0600);
    }
    unique_fd init = open_pidfd(state.pid, state.start_time);
    std::string log = (plan.work_dir.empty() ? plan.image_dir : plan.work_dir) + "/dump.log";
    run_criu(criu, criu_dump_args(o, plan, in), o.pre_dump ? "criu pre-dump" : "criu dump", log);
    log::debug("checkpoint ", options.id, ": dumped into ", plan.image_dir);
    if (o.leave_running || o.pre_dump) return;

    // CRIU killed the processes after the dump: the container goes, as
    // `delete` would take it (cgroups, state, poststop hooks).
    if (init && !wait_pidfd_exit(init.get(), exit_timeout_ms)) {
        throw Error("container init " + std::to_string(state.pid) + " still runs after criu dump");
    }
    destroy_stopped(store, state, &spec);
}

}  // namespace rt::container
