// Small helpers over the typed config of config.hpp.
#include "rt/spec/config.hpp"

#include <array>
#include <utility>

namespace rt::spec {

namespace {

// The spelling of each namespace type in config.json, in the enum's order.
constexpr std::array<std::pair<NamespaceType, const char*>, 8> kNamespaceNames{{
    {NamespaceType::mount, "mount"},
    {NamespaceType::pid, "pid"},
    {NamespaceType::network, "network"},
    {NamespaceType::uts, "uts"},
    {NamespaceType::ipc, "ipc"},
    {NamespaceType::user, "user"},
    {NamespaceType::cgroup, "cgroup"},
    {NamespaceType::time, "time"},
}};

}  // namespace

const char* to_string(NamespaceType type) {
    for (const auto& [value, name] : kNamespaceNames) {
        if (value == type) return name;
    }
    return "unknown";  // unreachable for a valid enum value
}

std::optional<NamespaceType> namespace_type_from_string(const std::string& name) {
    for (const auto& [value, spelling] : kNamespaceNames) {
        if (name == spelling) return value;
    }
    return std::nullopt;
}

const Namespace* Linux::find_namespace(NamespaceType type) const {
    for (const Namespace& ns : namespaces) {
        if (ns.type == type) return &ns;
    }
    return nullptr;
}

}  // namespace rt::spec
