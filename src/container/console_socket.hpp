// The AF_UNIX sockets through which a caller receives an fd of what rt made,
// each as one message carrying one fd (SCM_RIGHTS), as runc sends them; rt
// never waits for an answer. (Internal to container/.)
//   --console-socket  the pty master of a container or exec process; the
//                     bytes: the pty's name (containerd's shim, conmon).
//   --pidfd-socket    (runc 1.2) a pidfd of the container's init ("standard")
//                     or of an exec'd process ("setns"), the bytes saying
//                     which, as runc names them (containerd's go-runc).
#pragma once

#include <string>
#include <string_view>

#include "rt/util/fd.hpp"

namespace rt::container {

// Connected before anything is made, so that a bad path fails cleanly;
// `option` names the flag in errors ("--console-socket").
unique_fd connect_fd_socket(const std::string& path, std::string_view option);
inline unique_fd connect_console_socket(const std::string& path) {
    return connect_fd_socket(path, "--console-socket");
}

// Sends `master` over `socket`; the caller closes both afterwards.
void send_console(int socket, int master);

// Sends `pidfd` over `socket`: `kind` is "standard" for a container's init,
// "setns" for an exec'd process.
void send_pidfd(int socket, int pidfd, std::string_view kind);

// runc's rule: a console socket only when rt detaches from a terminal
// process, and a detached terminal process needs one.
void check_terminal_options(bool terminal, bool detach, const std::string& console_socket);

}  // namespace rt::container
