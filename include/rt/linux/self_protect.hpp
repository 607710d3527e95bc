// rt's own binary, out of the container's reach (CVE-2019-5736): the
// commands that enter a container run from a read-only copy of it
// (src/linux/self_protect.cpp says how and why).
#pragma once

namespace rt::linux {

// Makes a read-only copy of rt's binary the running rt's executable: in
// place where the kernel allows it, else by re-executing rt (same argv and
// environment) from the copy. Returns once rt runs from a read-only mount
// (or where nothing can be mounted and the caller cannot write the binary).
// Throws rt::Error when rt cannot be protected.
void run_from_protected_copy(char** argv);

// True when /proc/self/exe lies on a read-only mount.
bool runs_from_read_only_mount();

}  // namespace rt::linux
