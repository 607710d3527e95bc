// Pieces of the lifecycle shared by several commands (internal to container/).
#pragma once

#include <functional>
#include <string>

#include "rt/container/container.hpp"
#include "rt/linux/hooks.hpp"
#include "rt/linux/init.hpp"
#include "rt/spec/config.hpp"
#include "rt/state/store.hpp"

namespace rt::container {

// A container `create` has just made: its lock is held, its init waits on
// the exec fifo.
struct Created {
    state::ContainerLock lock;
    state::ContainerState state;
    spec::Spec spec;
    linux::InitProcess init;
    unique_fd console_master;  // a terminal without a console socket: run relays it
};

// create without letting go: `run` goes on to start and wait.
Created create_container(const state::Store& store, const CreateOptions& options);

// Opens the exec fifo so that the init execs the process, once the init is
// there to read it; then runs the poststart hooks.
// `spec` and `init_pidfd`: what `run` already holds (the parsed config, a
// pidfd of the init it cloned), so that it reads and checks neither again;
// `start` passes neither.
void start_container(const state::Store& store, const state::ContainerState& state,
                     const spec::Spec* spec = nullptr, int init_pidfd = -1);

// --pid-file of create, run and exec: the pid, written atomically.
void write_pid_file(const std::string& path, pid_t pid);

// The config saved at create time.
spec::Spec load_saved_spec(const state::Store& store, const std::string& id);

// Removes a stopped container: what is left of its processes, its cgroups,
// its state; runs the poststop hooks (of `spec`, or of the saved config).
void destroy_stopped(const state::Store& store, const state::ContainerState& state,
                     const spec::Spec* spec = nullptr);

// `delete [--force] ID`, with the container's config already at hand (`run`
// parsed it at create: reading it again cost a tenth of a millisecond, and
// four with a Docker-style seccomp profile).
void destroy(const state::Store& store, const std::string& id, bool force, const spec::Spec* spec);

// The poststop hooks, as warnings only (runtime.md): after delete, and after
// a create that failed once its hooks were due.
void run_poststop_hooks(const spec::Spec& spec, const state::ContainerState& state);

// Sends `signal` to the init through a pidfd (never to a recycled pid).
// False if the init is gone.
bool signal_init(const state::ContainerState& state, int signal);

// Sets NAME=VALUE in `env` (`entry` is "NAME=VALUE"): replaces the first
// entry of that name, or appends.
void set_env(std::vector<std::string>& env, const std::string& entry);

// Each of fds 3 .. 3+count-1 must be open (and not one of rt's own), so that
// nothing rt opened itself could slip into the container in their place.
void check_passed_fds(int count);

// The spec's state JSON, as `rt state` prints it and hooks read it.
std::string oci_state_json(const state::ContainerState& state, Status status, bool pretty);

// A container's status from its init's /proc entry; `frozen` (reads the
// freezer) and `fifo_exists` are asked only when the answer depends on
// them. status_of() is this with the state's cgroups and fifo path.
Status live_status(const state::ContainerState& state, const std::function<bool()>& frozen,
                   const std::function<bool()>& fifo_exists);

// `path` (the bundle, the rootfs) resolved to an absolute directory with no
// symlink in it; an error starting with `what` when it is none.
std::string absolute_directory(const std::string& path, const std::string& what);

// What hooks run by rt itself (runtime namespace) read: the pid as the host
// sees it.
linux::HookState hook_state(const state::ContainerState& state);

}  // namespace rt::container
