// check_supported(): what this build of rt does not implement yet, refused up
// front so that no field of a config is silently ignored.
//
// One line per feature. When you implement one, delete its line (and add a
// test that the feature works).
#include "rt/spec/validate.hpp"
#include "rt/util/error.hpp"

namespace rt::spec {

namespace {

struct Unsupported {
    const char* path;              // jq path of the field, for the message
    bool (*present)(const Spec&);  // does this config use it?
};

// clang-format off
constexpr Unsupported kUnsupported[] = {
    {".process.terminal",        [](const Spec& s) { return s.process && s.process->terminal; }},
    {".process.consoleSize",     [](const Spec& s) { return s.process && s.process->console_size.has_value(); }},
    {".process.capabilities",    [](const Spec& s) { return s.process && s.process->capabilities.has_value(); }},
    {".process.rlimits",         [](const Spec& s) { return s.process && !s.process->rlimits.empty(); }},
    {".process.noNewPrivileges", [](const Spec& s) { return s.process && s.process->no_new_privileges; }},
    {".process.apparmorProfile", [](const Spec& s) { return s.process && s.process->apparmor_profile.has_value(); }},
    {".process.selinuxLabel",    [](const Spec& s) { return s.process && s.process->selinux_label.has_value(); }},
    {".process.oomScoreAdj",     [](const Spec& s) { return s.process && s.process->oom_score_adj.has_value(); }},
    {".process.ioPriority",      [](const Spec& s) { return s.process && s.process->io_priority.has_value(); }},
    {".process.scheduler",       [](const Spec& s) { return s.process && s.process->scheduler.has_value(); }},
    {".process.execCPUAffinity", [](const Spec& s) { return s.process && s.process->exec_cpu_affinity.has_value(); }},
    {".linux.resources",         [](const Spec& s) { return s.linux && s.linux->resources.has_value(); }},
    {".linux.memoryPolicy",      [](const Spec& s) { return s.linux && s.linux->memory_policy.has_value(); }},
    {".linux.seccomp",           [](const Spec& s) { return s.linux && s.linux->seccomp.has_value(); }},
    {".linux.personality",       [](const Spec& s) { return s.linux && s.linux->personality.has_value(); }},
};
// clang-format on

}  // namespace

void check_supported(const Spec& spec) {
    for (const Unsupported& entry : kUnsupported) {
        if (entry.present(spec)) throw Error(std::string(entry.path) + ": not supported by this build of rt");
    }
}

}  // namespace rt::spec
