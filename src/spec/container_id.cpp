#include "rt/spec/container_id.hpp"

#include <algorithm>
#include <string>

#include "json_node.hpp"
#include "rt/util/error.hpp"

namespace rt::spec {

namespace {

// Longer IDs make state paths that overflow PATH_MAX-sized buffers elsewhere
// (sockets, cgroup paths); runc has the same limit.
constexpr size_t kMaxIdLength = 1024;

bool is_id_char(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
           c == '+' || c == '-' || c == '.';
}

bool has_valid_characters(std::string_view id) {
    return !id.empty() && id != "." && id != ".." && std::all_of(id.begin(), id.end(), is_id_char);
}

}  // namespace

bool is_valid_container_id(std::string_view id) {
    return id.size() <= kMaxIdLength && has_valid_characters(id);
}

void check_container_id(std::string_view id) {
    if (id.size() > kMaxIdLength) {
        throw Error("invalid container ID: longer than " + std::to_string(kMaxIdLength) + " bytes");
    }
    if (!has_valid_characters(id)) {
        throw Error("invalid container ID " + json::quote(id) +
                    ": must match [A-Za-z0-9_+.-]+ and not be \".\" or \"..\"");
    }
}

}  // namespace rt::spec
