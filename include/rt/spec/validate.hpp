// Semantic checks of a parsed Spec, one small named check per rule (like runc's
// libcontainer/configs/validate), run before rt has any side effect. Each failure
// throws rt::Error naming the JSON path: ".mounts[3].destination: must be absolute".
#pragma once

#include "rt/spec/config.hpp"

namespace rt::spec {

// Everything `create`/`run` needs of a config: root and process present, cwd
// absolute, args non-empty, namespaces unique, mount destinations absolute,
// mappings present with a user namespace, ... (see validate.cpp for the list).
void validate(const Spec& spec);

// The checks that concern a process alone (exec --process uses these too).
// `where` is the JSON path prefix for messages (".process" or "" for a
// standalone process.json).
void validate_process(const Process& process, const std::string& where);

// Refuses, with "<path>: not supported by this build of rt", any field that rt
// does not implement yet, so that nothing is silently ignored.
void check_supported(const Spec& spec);

}  // namespace rt::spec
