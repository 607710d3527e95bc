// The container's terminal, from the inside (internal to the linux module):
// a pty of the container's own devpts instance, made the process's
// controlling terminal and stdio. Used by the init and by an exec'd process.
#pragma once

#include <optional>

#include "rt/spec/config.hpp"
#include "rt/util/fd.hpp"

namespace rt::linux {

struct Pty {
    unique_fd master;  // goes to the parent (then the console socket or the relay)
    unique_fd slave;
};

// Opens /dev/pts/ptmx under `root_fd` (the root of the mount namespace we
// are in, i.e. the container's devpts) and its peer; applies `size`.
Pty open_container_pty(int root_fd, const std::optional<spec::ConsoleSize>& size);

// setsid, the slave as controlling terminal (TIOCSCTTY) and as fds 0-2.
// Closes `slave` itself (it lives on as 0-2).
void make_controlling_terminal(Pty& pty);

// A new session without a terminal, for a process without one (as runc's
// init: a shell's job control signals then reach rt, which forwards them).
void new_session();

// Before pivot_root: /dev/console exists (an empty file) as a mount point.
void create_console_mountpoint(int root_fd);
// After pivot_root: the slave bind-mounted over /dev/console.
void mount_console(int root_fd, int slave);

}  // namespace rt::linux
