// The decode() overloads that one parser file needs from another. Each parse_*.cpp
// holds the decoders of one part of config.json; this header is their index.
#pragma once

#include "json_node.hpp"
#include "rt/spec/config.hpp"

namespace rt::spec::json {

// parse_config.cpp (config.md and defs.json)
void decode(const Node& node, IdMapping& out);

// parse_process.cpp
void decode(const Node& node, Process& out);

// parse_linux.cpp
void decode(const Node& node, Linux& out);

// parse_seccomp.cpp
void decode(const Node& node, Seccomp& out);

// parse_resources.cpp
void decode(const Node& node, Resources& out);

}  // namespace rt::spec::json
