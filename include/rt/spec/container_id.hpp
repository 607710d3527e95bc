// Container IDs: the name a caller gives a container (`rt create ID`). rt uses
// it as a directory name under --root, so it must be one plain path component.
#pragma once

#include <string_view>

namespace rt::spec {

// runc's rule: ^[A-Za-z0-9_+.-]+$, not "." or "..", at most 1024 bytes.
bool is_valid_container_id(std::string_view id);

// Throws rt::Error(`invalid container ID "x": must match [A-Za-z0-9_+.-]+ and not be "." or ".."`)
// (or "... longer than 1024 bytes") unless is_valid_container_id(id).
void check_container_id(std::string_view id);

}  // namespace rt::spec
