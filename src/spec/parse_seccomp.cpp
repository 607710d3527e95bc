// "linux.seccomp" (config-linux.md, Seccomp).
#include "parse_internal.hpp"
#include "schema_rules.hpp"

namespace rt::spec::json {

static void decode(const Node& node, SeccompArg& out) {
    node.required("index", out.index);
    node.required("value", out.value);
    node.optional("valueTwo", out.value_two);
    node.required("op", out.op, schema::seccomp_operator);
}

static void decode(const Node& node, SeccompSyscall& out) {
    node.required("names", out.names);
    node.required("action", out.action, schema::seccomp_action);
    node.optional("errnoRet", out.errno_ret);
    node.optional("args", out.args);
}

void decode(const Node& node, Seccomp& out) {
    node.required("defaultAction", out.default_action, schema::seccomp_action);
    node.optional("defaultErrnoRet", out.default_errno_ret);
    node.optional("architectures", out.architectures, schema::seccomp_architecture);
    node.optional("flags", out.flags, schema::seccomp_flag);
    node.optional("listenerPath", out.listener_path);
    node.optional("listenerMetadata", out.listener_metadata);
    node.optional("syscalls", out.syscalls);
}

}  // namespace rt::spec::json
