// Who runs rt, as the kernel sees it, and what "rootless" means for rt.
//
// runc draws two lines, and rt draws the same:
//   - rootless EUID (runc's RootlessEUID): rt's effective uid is not 0. rt
//     can then write no id map but its own single ids (more go through
//     newuidmap/newgidmap), must put the container in a user namespace, and
//     cannot make device nodes (they are bound from the host);
//   - in a user namespace (not the initial one): even as uid 0 there (under
//     rootless podman, say), rt has no privilege over the host's cgroups and
//     devices. With --rootless=auto either makes rt rootless: its state goes
//     under $XDG_RUNTIME_DIR/rt and its cgroups are only those delegated to
//     the user (src/container/container_cgroups.cpp).
#pragma once

#include <sys/types.h>

#include <string>

namespace rt {

struct Caller {
    uid_t euid = 0;
    gid_t egid = 0;
    bool in_user_namespace = false;

    bool rootless_euid() const { return euid != 0; }
};

// rt's own, read once.
const Caller& caller();

// --rootless: "true", "false", or "auto" (rootless when the caller is not
// root, or is root in a user namespace other than the initial one).
bool rootless_mode(const std::string& setting, const Caller& self = caller());

// Where the state goes without --root: $XDG_RUNTIME_DIR/rt when rootless
// and it is set (as runc's $XDG_RUNTIME_DIR/runc), else /run/rt.
std::string default_state_root(bool rootless, const char* xdg_runtime_dir);

// Whether /proc/self/uid_map text is that of a user namespace other than the
// initial one (which maps all 4294967295 ids onto themselves).
bool is_nested_user_namespace(const std::string& uid_map_text);

}  // namespace rt
