#include "processes.hpp"

#include <dirent.h>
#include <signal.h>
#include <sys/stat.h>

#include <cerrno>
#include <cstdlib>

#include "container_cgroups.hpp"
#include "rt/util/error.hpp"
#include "rt/util/log.hpp"
#include "rt/util/process.hpp"

namespace rt::container {
namespace {

bool pid_namespace_inode(pid_t pid, ino_t& inode) {
    struct stat st {};
    std::string path = "/proc/" + std::to_string(pid) + "/ns/pid";
    if (::stat(path.c_str(), &st) < 0) return false;
    inode = st.st_ino;
    return true;
}

std::vector<pid_t> processes_in_pid_namespace(ino_t inode) {
    std::vector<pid_t> pids;
    DIR* proc = ::opendir("/proc");
    if (!proc) throw_errno("open /proc");
    while (dirent* entry = ::readdir(proc)) {
        char* end = nullptr;
        long pid = std::strtol(entry->d_name, &end, 10);
        if (*end != '\0' || pid <= 0) continue;
        ino_t other = 0;
        if (pid_namespace_inode(static_cast<pid_t>(pid), other) && other == inode) {
            pids.push_back(static_cast<pid_t>(pid));
        }
    }
    ::closedir(proc);
    return pids;
}

}  // namespace

std::vector<pid_t> container_processes(const state::ContainerState& state) {
    // The cgroup holds everything the container started, whether the init
    // lives or not, with or without a pid namespace.
    if (auto cgroups = cgroups_of(state)) return cgroups->processes();
    if (!process_alive(state.pid, state.start_time)) return {};
    ino_t container_ns = 0, own_ns = 0;
    if (!pid_namespace_inode(state.pid, container_ns) || !pid_namespace_inode(::getpid(), own_ns)) {
        return {state.pid};
    }
    if (container_ns == own_ns) return {state.pid};
    return processes_in_pid_namespace(container_ns);
}

namespace {

void signal_each(const std::vector<pid_t>& pids, int signal) {
    for (pid_t pid : pids) {
        if (::kill(pid, signal) < 0 && errno != ESRCH) {
            throw_errno("signal process " + std::to_string(pid));
        }
    }
}

}  // namespace

void signal_all(const state::ContainerState& state, int signal) {
    auto cgroups = cgroups_of(state);
    if (!cgroups) {
        signal_each(container_processes(state), signal);
        return;
    }
    // An empty cgroup has nobody to signal and nobody who could fork: no
    // freeze (on v1 each freeze and thaw costs the kernel a text patch on
    // every CPU, over a millisecond each, and every `delete` comes here).
    if (!cgroups->exists() || cgroups->processes().empty()) return;
    // Frozen, no process can fork a child that the list would miss. Signal
    // 0 only asks whether they are there: no need to stop them for that.
    bool was_frozen = cgroups->freezer_state() == cgroups::FreezerState::frozen;
    bool froze = false;
    if (signal != 0 && !was_frozen && cgroups->has_freezer() && cgroups->exists()) {
        try {
            cgroups->freeze(cgroups::FreezerState::frozen);
            froze = true;
        } catch (const Error& e) {
            log::warn(std::string("signalling without freezing first: ") + e.what());
        }
    }
    // A cgroup that went away meanwhile needs no thaw: a systemd scope is
    // removed by systemd as soon as its last process is gone.
    auto thaw = [&] {
        try {
            cgroups->freeze(cgroups::FreezerState::thawed);
        } catch (const Error&) {
            if (cgroups->exists()) throw;
        }
    };
    try {
        signal_each(cgroups->processes(), signal);
    } catch (const Error&) {
        if (froze) thaw();
        throw;
    }
    // Thaw what we froze. A paused container stays paused, but not for
    // SIGKILL: frozen v1 processes would not die until thawed.
    if (froze || (was_frozen && signal == SIGKILL)) thaw();
}

}  // namespace rt::container
