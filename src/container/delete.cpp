// rt delete: remove a container; with --force, kill it first.
#include <signal.h>

#include <optional>

#include "container_cgroups.hpp"
#include "internal.hpp"
#include "processes.hpp"
#include "rt/spec/parse.hpp"
#include "rt/util/error.hpp"
#include "rt/util/file.hpp"
#include "rt/util/log.hpp"
#include "rt/util/process.hpp"

namespace rt::container {
namespace {

constexpr int kill_timeout_ms = 10000;

// SIGKILL to the init and everything else of the container, then wait until
// the init is gone.
void kill_and_wait(const state::ContainerState& state) {
    unique_fd pidfd = open_pidfd(state.pid, state.start_time);
    signal_all(state, SIGKILL);
    if (pidfd && !wait_pidfd_exit(pidfd.get(), kill_timeout_ms)) {
        throw Error("container init " + std::to_string(state.pid) + " did not die after SIGKILL");
    }
}

}  // namespace

spec::Spec load_saved_spec(const state::Store& store, const std::string& id) {
    return spec::load_config(store.config_path(id));
}

void destroy_stopped(const state::Store& store, const state::ContainerState& state, const spec::Spec* known) {
    // The hooks are in the saved config, which goes with the state dir.
    std::optional<spec::Spec> saved;
    const spec::Spec* spec = known;
    if (!spec) {
        try {
            saved = load_saved_spec(store, state.id);
            spec = &*saved;
        } catch (const Error& e) {
            log::warn(std::string("poststop hooks not run: ") + e.what());
        }
    }
    // Whatever the init left behind (processes without a pid namespace of
    // their own) goes too.
    signal_all(state, SIGKILL);
    remove_cgroups(state);
    store.remove(state.id);
    log::debug("delete ", state.id, ": removed");
    // runtime.md: after the container is deleted; a failure is a warning.
    if (spec) run_poststop_hooks(*spec, state);
}

void run_poststop_hooks(const spec::Spec& spec, const state::ContainerState& state) {
    linux::HookState hook = hook_state(state);
    hook.pid = 0;  // gone: the spec's state has no pid once stopped
    linux::run_hooks_warn_only(spec.hooks, linux::HookPhase::poststop, hook);
}

void destroy(const state::Store& store, const std::string& id, bool force) { destroy(store, id, force, nullptr); }

void destroy(const state::Store& store, const std::string& id, bool force, const spec::Spec* spec) {
    state::ContainerLock lock;
    try {
        lock = store.lock(id);
    } catch (const state::NotFound&) {
        if (force) return;  // already gone: what a caller asking --force wants
        throw;
    }
    state::ContainerState state;
    try {
        state = store.load(id);
    } catch (const state::NotFound&) {
        // A directory without state: a create that died before it wrote
        // any. Nothing runs there; only --force clears it.
        if (!force) throw;
        store.remove(id);
        return;
    }
    switch (status_of(store, state)) {
    case Status::stopped:
        break;
    case Status::created:
        // As runc: a container that never started may be deleted as is.
        kill_and_wait(state);
        break;
    case Status::running:
    case Status::paused:
    case Status::creating:
        if (!force) {
            throw Error("cannot delete container " + id + " that is not stopped: " +
                        to_string(status_of(store, state)));
        }
        kill_and_wait(state);
        break;
    }
    destroy_stopped(store, state, spec);
}

}  // namespace rt::container
