// rt's own binary, out of the container's reach (CVE-2019-5736): the
// commands that enter a container run from a read-only copy of it
// (src/linux/self_protect.cpp says how and why).
#pragma once

namespace rt::linux {

// Re-executes rt (same argv and environment) from a read-only overlay of its
// binary, unless it already runs from a read-only mount; returns only then
// (or where nothing can be mounted and the caller cannot write the binary).
// Throws rt::Error when rt cannot be protected.
void reexec_from_protected_copy(char** argv);

// True when /proc/self/exe lies on a read-only mount.
bool runs_from_read_only_mount();

}  // namespace rt::linux
