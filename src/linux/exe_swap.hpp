// Making another file the running rt's own executable, without an execve
// (src/linux/exe_swap.cpp says how).
#pragma once

namespace rt::linux {

// `copy` is an fd, open for reading, of the very file rt runs from (the same
// inode, reached through another mount). Maps every part of rt's image that
// the kernel mapped from its binary from `copy` instead, then makes `copy`
// the process's executable (/proc/self/exe). True on success; false when the
// kernel refuses (no CONFIG_CHECKPOINT_RESTORE, no privilege, an unexpected
// layout), the process then runs on unchanged in every respect that matters:
// the same code and data, only some of it mapped from `copy`.
// `populate_code`: map all of the code at once (MAP_POPULATE), cheaper than
// the page faults a long-lived rt would take on it; false for the container's
// init, which runs little more of it and whose resident size counts while it
// waits for start.
bool take_exe_from(int copy, bool populate_code = true);

}  // namespace rt::linux
