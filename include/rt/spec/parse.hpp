// Reading config.json (and the pieces of it that callers pass alone: a Process
// for `exec --process`, a LinuxResources for `update -r`) into typed structs.
//
// Parsing checks JSON types, required fields, integer ranges and the enums the
// schema fixes. Every failure is an rt::Error whose message starts with the JSON
// path of the offending value, e.g.
//   .linux.namespaces[2].type: unknown namespace type "foo"
//   .process.user.uid: expected an unsigned 32-bit integer, got -1
//   .mounts[0]: missing required field "destination"
// Unknown fields are ignored, as the spec requires of runtimes.
#pragma once

#include <string>
#include <string_view>

#include "rt/spec/config.hpp"

namespace rt::spec {

Spec parse_config(std::string_view json_text);
Process parse_process(std::string_view json_text);
Resources parse_resources(std::string_view json_text);

// Reads `path` and parses it; errors are prefixed with the file's base name
// ("config.json: .process.cwd: ..."). Missing/unreadable file: a clear error.
Spec load_config(const std::string& path);

}  // namespace rt::spec
