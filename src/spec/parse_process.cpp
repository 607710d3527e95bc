// The "process" object (config.md, Process / POSIX process / Linux process / User),
// and parse_process() for the process.json of `exec --process`.
#include "parse_internal.hpp"
#include "rt/spec/parse.hpp"
#include "schema_rules.hpp"

namespace rt::spec {

namespace json {

static void decode(const Node& node, ConsoleSize& out) {
    node.required("height", out.height);
    node.required("width", out.width);
}

static void decode(const Node& node, User& out) {
    // config.md calls uid and gid REQUIRED, the schema does not; Go-based tools
    // always write both, hand-written configs sometimes leave them out. Follow
    // the schema: absent means 0, as it does for runc.
    node.optional("uid", out.uid);
    node.optional("gid", out.gid);
    node.optional("umask", out.umask);
    node.optional("additionalGids", out.additional_gids);
    node.optional("username", out.username);
}

static void decode(const Node& node, Capabilities& out) {
    node.optional("bounding", out.bounding);
    node.optional("effective", out.effective);
    node.optional("inheritable", out.inheritable);
    node.optional("permitted", out.permitted);
    node.optional("ambient", out.ambient);
}

static void decode(const Node& node, Rlimit& out) {
    node.required("type", out.type, schema::rlimit_type);
    node.required("soft", out.soft);
    node.required("hard", out.hard);
}

static void decode(const Node& node, IoPriority& out) {
    node.required("class", out.io_class, schema::io_priority_class);
    // REQUIRED in config.md, optional in the schema: absent means 0 (highest).
    node.optional("priority", out.priority);
}

static void decode(const Node& node, Scheduler& out) {
    node.required("policy", out.policy, schema::scheduler_policy);
    node.optional("nice", out.nice);
    node.optional("priority", out.priority);
    node.optional("flags", out.flags, schema::scheduler_flag);
    node.optional("runtime", out.runtime);
    node.optional("deadline", out.deadline);
    node.optional("period", out.period);
}

static void decode(const Node& node, ExecCpuAffinity& out) {
    node.optional("initial", out.initial, schema::cpu_list);
    node.optional("final", out.final, schema::cpu_list);
}

void decode(const Node& node, Process& out) {
    node.optional("terminal", out.terminal);
    node.optional("consoleSize", out.console_size);
    node.optional("user", out.user);
    node.optional("args", out.args);
    node.optional("commandLine", out.command_line);
    node.optional("env", out.env);
    node.required("cwd", out.cwd);
    node.optional("capabilities", out.capabilities);
    node.optional("rlimits", out.rlimits);
    node.optional("noNewPrivileges", out.no_new_privileges);
    node.optional("apparmorProfile", out.apparmor_profile);
    node.optional("oomScoreAdj", out.oom_score_adj);
    node.optional("selinuxLabel", out.selinux_label);
    node.optional("ioPriority", out.io_priority);
    node.optional("scheduler", out.scheduler);
    node.optional("execCPUAffinity", out.exec_cpu_affinity);
}

}  // namespace json

Process parse_process(std::string_view json_text) {
    const nlohmann::json document = json::parse_document(json_text);
    Process process;
    json::decode(json::Node(document), process);
    return process;
}

}  // namespace rt::spec
