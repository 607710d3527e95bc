// The checks of a process alone: used by validate() on .process, and by `exec
// --process` on a process.json (where = "").
#include <algorithm>
#include <map>

#include "json_node.hpp"
#include "rt/spec/validate.hpp"
#include "validate_util.hpp"

namespace rt::spec {

namespace {

using check::element_path;
using check::fail;

void check_args(const Process& process, const std::string& where) {
    // config.md: at least one entry (non-Windows); it names the program to run.
    if (process.args.empty()) fail(where + ".args", "must name the program to run (at least one entry)");
    if (process.args.front().empty()) fail(where + ".args[0]", "must not be empty");
}

void check_cwd(const Process& process, const std::string& where) {
    check::require_absolute(where + ".cwd", process.cwd);
}

void check_rlimits(const Process& process, const std::string& where) {
    // config.md: duplicated types MUST be an error.
    std::map<std::string, size_t> first_index;
    for (size_t i = 0; i < process.rlimits.size(); ++i) {
        const std::string& type = process.rlimits[i].type;
        const auto [it, inserted] = first_index.emplace(type, i);
        if (!inserted) {
            fail(element_path(where + ".rlimits", i) + ".type",
                 "duplicate rlimit " + json::quote(type) + " (also at " +
                     element_path(where + ".rlimits", it->second) + ")");
        }
    }
}

// Looks like a capability name: CAP_ then upper-case letters and '_'. Whether
// the kernel knows it is the capabilities module's question (it asks libcap).
bool is_capability_name(std::string_view name) {
    constexpr std::string_view prefix = "CAP_";
    if (!name.starts_with(prefix) || name.size() == prefix.size()) return false;
    return std::all_of(name.begin() + prefix.size(), name.end(),
                       [](char c) { return (c >= 'A' && c <= 'Z') || c == '_'; });
}

void check_capability_set(const std::vector<std::string>& set, const std::string& set_path) {
    for (size_t i = 0; i < set.size(); ++i) {
        if (!is_capability_name(set[i])) {
            fail(element_path(set_path, i),
                 "invalid capability name " + json::quote(set[i]) + " (expected CAP_ and upper-case letters)");
        }
    }
}

void check_capabilities(const Process& process, const std::string& where) {
    if (!process.capabilities) return;
    const Capabilities& caps = *process.capabilities;
    const std::string path = where + ".capabilities";
    check_capability_set(caps.bounding, path + ".bounding");
    check_capability_set(caps.effective, path + ".effective");
    check_capability_set(caps.inheritable, path + ".inheritable");
    check_capability_set(caps.permitted, path + ".permitted");
    check_capability_set(caps.ambient, path + ".ambient");
}

void check_oom_score_adj(const Process& process, const std::string& where) {
    // The kernel's range for /proc/<pid>/oom_score_adj.
    if (process.oom_score_adj && (*process.oom_score_adj < -1000 || *process.oom_score_adj > 1000)) {
        fail(where + ".oomScoreAdj",
             "must be between -1000 and 1000, got " + std::to_string(*process.oom_score_adj));
    }
}

void check_io_priority(const Process& process, const std::string& where) {
    // config.md: "an integer ranging from 0 (highest) to 7 (lowest)".
    if (process.io_priority && (process.io_priority->priority < 0 || process.io_priority->priority > 7)) {
        fail(where + ".ioPriority.priority",
             "must be between 0 and 7, got " + std::to_string(process.io_priority->priority));
    }
}

void check_scheduler(const Process& process, const std::string& where) {
    // The rules of sched_setattr(2), as runc checks them.
    if (!process.scheduler) return;
    const Scheduler& scheduler = *process.scheduler;
    const std::string path = where + ".scheduler";
    if (scheduler.nice && (*scheduler.nice < -20 || *scheduler.nice > 19)) {
        fail(path + ".nice", "must be between -20 and 19, got " + std::to_string(*scheduler.nice));
    }
    const bool realtime = scheduler.policy == "SCHED_FIFO" || scheduler.policy == "SCHED_RR";
    if (scheduler.priority.value_or(0) != 0 && !realtime) {
        fail(path + ".priority", "can only be set with SCHED_FIFO or SCHED_RR, not " + scheduler.policy);
    }
    const bool deadline = scheduler.policy == "SCHED_DEADLINE";
    if (!deadline && (scheduler.runtime.value_or(0) != 0 || scheduler.deadline.value_or(0) != 0 ||
                      scheduler.period.value_or(0) != 0)) {
        fail(path, "runtime, deadline and period can only be set with SCHED_DEADLINE, not " + scheduler.policy);
    }
}

using ProcessCheck = void (*)(const Process&, const std::string&);

constexpr ProcessCheck kProcessChecks[] = {
    check_args,
    check_cwd,
    check_rlimits,
    check_capabilities,
    check_oom_score_adj,
    check_io_priority,
    check_scheduler,
};

}  // namespace

void validate_process(const Process& process, const std::string& where) {
    for (const ProcessCheck check : kProcessChecks) check(process, where);
}

}  // namespace rt::spec
