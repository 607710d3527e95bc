// The calling process's own files under /proc (oom_score_adj, attr/exec).
#pragma once

#include <string>

#include "rt/util/fd.hpp"

namespace rt::linux {

// Opens `path` ("self/oom_score_adj", "thread-self/attr/exec") below
// `proc_fd`, a /proc of the host. rt's children are not dumpable until their
// execve (begin_child in src/linux), which makes the kernel give their /proc
// files to the host's root: in a user namespace the child cannot open its
// own. Then, and only for the open, it is made dumpable again. Returns an
// invalid fd with errno set on failure, as openat does.
unique_fd open_own_proc_file(int proc_fd, const std::string& path, int flags);

}  // namespace rt::linux
