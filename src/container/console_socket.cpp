#include "console_socket.hpp"

#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <termios.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "rt/util/error.hpp"
#include "rt/util/fd_passing.hpp"

namespace rt::container {

namespace {

// One message: `bytes` (a stream socket needs at least one for the fd to
// travel with) and `fd`.
void send_fd(int socket, int fd, std::string bytes, const std::string& what) {
    ssize_t n = send_with_fd(socket, bytes.data(), bytes.size(), fd);
    if (n < 0) throw_errno("send " + what);
}

}  // namespace

unique_fd connect_fd_socket(const std::string& path, std::string_view option) {
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    if (path.empty() || path.size() >= sizeof addr.sun_path) {
        throw Error(std::string(option) + " " + path + ": not a valid socket path");
    }
    std::memcpy(addr.sun_path, path.data(), path.size());
    // "--console-socket" -> "console socket"
    std::string noun(option.substr(option.find_first_not_of('-')));
    std::replace(noun.begin(), noun.end(), '-', ' ');
    unique_fd fd(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
    if (!fd) throw_errno(noun + ": socket");
    int rc;
    do {
        rc = ::connect(fd.get(), reinterpret_cast<const sockaddr*>(&addr), sizeof addr);
    } while (rc < 0 && errno == EINTR);
    if (rc < 0) throw_errno("connect to " + noun + " " + path);
    return fd;
}

void send_console(int socket, int master) {
    // The bytes are the pty's name in the container, as runc sends it.
    unsigned number = 0;
    std::string name = "/dev/ptmx";
    if (::ioctl(master, TIOCGPTN, &number) == 0) name = "/dev/pts/" + std::to_string(number);
    send_fd(socket, master, name, "the pty master to the console socket");
}

void send_pidfd(int socket, int pidfd, std::string_view kind) {
    send_fd(socket, pidfd, std::string(kind), "the pidfd to the pidfd socket");
}

void check_terminal_options(bool terminal, bool detach, const std::string& console_socket) {
    if (detach && terminal && console_socket.empty()) {
        throw Error("cannot allocate tty if rt will detach without setting console socket");
    }
    if ((!detach || !terminal) && !console_socket.empty()) {
        throw Error("cannot use console socket if rt will not detach or allocate tty");
    }
}

}  // namespace rt::container
