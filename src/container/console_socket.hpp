// --console-socket: the AF_UNIX socket through which a caller (containerd's
// shim, conmon) receives the pty master of a container or exec process: one
// message, one fd (SCM_RIGHTS), the pty's name as its bytes, as runc sends
// it. rt never waits for an answer. (Internal to container/.)
#pragma once

#include <string>

#include "rt/util/fd.hpp"

namespace rt::container {

// Connected before anything is made, so that a bad path fails cleanly.
unique_fd connect_console_socket(const std::string& path);

// Sends `master` over `socket`; the caller closes both afterwards.
void send_console(int socket, int master);

// runc's rule: a console socket only when rt detaches from a terminal
// process, and a detached terminal process needs one.
void check_terminal_options(bool terminal, bool detach, const std::string& console_socket);

}  // namespace rt::container
