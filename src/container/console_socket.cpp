#include "console_socket.hpp"

#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <termios.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "rt/util/error.hpp"

namespace rt::container {

unique_fd connect_console_socket(const std::string& path) {
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    if (path.empty() || path.size() >= sizeof addr.sun_path) {
        throw Error("--console-socket " + path + ": not a valid socket path");
    }
    std::memcpy(addr.sun_path, path.data(), path.size());
    unique_fd fd(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
    if (!fd) throw_errno("console socket: socket");
    int rc;
    do {
        rc = ::connect(fd.get(), reinterpret_cast<const sockaddr*>(&addr), sizeof addr);
    } while (rc < 0 && errno == EINTR);
    if (rc < 0) throw_errno("connect to console socket " + path);
    return fd;
}

void send_console(int socket, int master) {
    // The bytes are the pty's name in the container (runc sends it; a stream
    // socket needs at least one byte for the fd to travel with).
    unsigned number = 0;
    std::string name = "/dev/ptmx";
    if (::ioctl(master, TIOCGPTN, &number) == 0) name = "/dev/pts/" + std::to_string(number);

    iovec iov{name.data(), name.size()};
    msghdr msg{};
    msg.msg_iov = &iov;
    msg.msg_iovlen = 1;
    alignas(cmsghdr) char control[CMSG_SPACE(sizeof(int))] = {};
    msg.msg_control = control;
    msg.msg_controllen = sizeof control;
    cmsghdr* cmsg = CMSG_FIRSTHDR(&msg);
    cmsg->cmsg_level = SOL_SOCKET;
    cmsg->cmsg_type = SCM_RIGHTS;
    cmsg->cmsg_len = CMSG_LEN(sizeof(int));
    std::memcpy(CMSG_DATA(cmsg), &master, sizeof(int));
    ssize_t n;
    do {
        n = ::sendmsg(socket, &msg, MSG_NOSIGNAL);
    } while (n < 0 && errno == EINTR);
    if (n < 0) throw_errno("send the pty master to the console socket");
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
