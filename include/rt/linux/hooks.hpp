// OCI hooks (config.md "POSIX-platform Hooks", runtime.md "Lifecycle"): the
// programs a config asks to run at points of the lifecycle, each fed the
// container's state JSON on stdin.
//
//   phase            status on stdin  run by, where
//   prestart         creating         rt create (parent), runtime namespace
//   createRuntime    creating         rt create (parent), runtime namespace
//   createContainer  creating         the init, container namespaces, before pivot_root
//   startContainer   created          the init, in the container, after `start` opened the fifo
//   poststart        running          rt start, runtime namespace, after the process executed
//   poststop         stopped          rt delete, runtime namespace, after the container is gone
//
// A hook is forked and executed (no threads), its stdin a memfd holding the
// state (so no write can block or raise SIGPIPE), its output collected, and
// it is waited for with a pidfd and poll up to its timeout, after which it is
// killed and fails.
#pragma once

#include <sys/types.h>

#include <map>
#include <string>
#include <vector>

#include "rt/spec/config.hpp"

namespace rt::linux {

enum class HookPhase { prestart, create_runtime, create_container, start_container, poststart, poststop };

// The name config.json gives the phase ("createRuntime").
const char* to_string(HookPhase phase);
// The container status the spec gives the state at that point ("creating").
const char* hook_status(HookPhase phase);
const std::vector<spec::Hook>& hooks_of(const spec::Hooks& hooks, HookPhase phase);

// What the state JSON of runtime.md holds.
struct HookState {
    std::string id;
    pid_t pid = 0;  // as seen where the hook runs; 0 (omitted) once stopped
    std::string bundle;
    std::map<std::string, std::string> annotations;
};

// The spec's state (ociVersion, id, status, pid, bundle, annotations), with
// the status of `phase`. pid is left out when 0, annotations when empty.
std::string hook_state_json(const HookState& state, HookPhase phase);

// argv as execv gets it: `args`, or just the path when args is empty (as
// runc, whose Go exec does the same).
std::vector<std::string> hook_argv(const spec::Hook& hook);

// Runs one hook to completion. Throws rt::Error naming the phase and the
// hook and saying how it failed (exit status, signal, timeout), with what it
// wrote on stderr.
void run_hook(const spec::Hook& hook, HookPhase phase, const std::string& state_json);

// The hooks of `phase`, in order; the first failure throws.
void run_hooks(const spec::Hooks& hooks, HookPhase phase, const HookState& state);

// Same, but a failure is logged as a warning and the next hook runs (what
// runtime.md asks of poststop).
void run_hooks_warn_only(const spec::Hooks& hooks, HookPhase phase, const HookState& state);

}  // namespace rt::linux
