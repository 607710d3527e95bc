// The hand-off of a seccomp notify fd to the agent of linux.seccomp.listenerPath.
#include "rt/linux/seccomp_notify.hpp"

#include <fcntl.h>
#include <sys/socket.h>
#include <sys/un.h>

#include <cerrno>
#include <cstring>
#include <nlohmann/json.hpp>

#include "rt/util/error.hpp"
#include "rt/util/fd_passing.hpp"

namespace rt::linux {
namespace {

constexpr const char* kOciVersion = "1.3.0";

}  // namespace

std::string container_process_state_json(const ContainerProcessState& state) {
    nlohmann::ordered_json inner;
    inner["ociVersion"] = kOciVersion;
    inner["id"] = state.id;
    inner["status"] = state.status;
    inner["pid"] = state.pid;
    inner["bundle"] = state.bundle;
    if (!state.annotations.empty()) inner["annotations"] = state.annotations;

    nlohmann::ordered_json message;
    message["ociVersion"] = kOciVersion;
    message["fds"] = {"seccompFd"};
    message["pid"] = state.pid;
    if (!state.metadata.empty()) message["metadata"] = state.metadata;
    message["state"] = inner;
    return message.dump();
}

unique_fd connect_seccomp_listener(const std::string& path) {
    const std::string what = "connect to the seccomp listener " + path;
    unique_fd socket(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
    if (!socket) throw_errno(what);
    sockaddr_un address{};
    address.sun_family = AF_UNIX;
    unique_fd target;
    std::string name = path;
    if (name.size() >= sizeof address.sun_path) {
        target.reset(::open(path.c_str(), O_PATH | O_CLOEXEC));
        if (!target) throw_errno(what);
        name = "/proc/self/fd/" + std::to_string(target.get());
    }
    std::memcpy(address.sun_path, name.c_str(), name.size() + 1);
    int rc;
    do {
        rc = ::connect(socket.get(), reinterpret_cast<const sockaddr*>(&address), sizeof address);
    } while (rc < 0 && errno == EINTR);
    if (rc < 0) throw_errno(what);
    return socket;
}

void send_seccomp_fd(int socket, const std::string& state, int notify_fd) {
    const char* data = state.data();
    size_t left = state.size();
    bool with_fd = true;
    while (left > 0) {
        // config-linux.md: the fds go with the first sendmsg only.
        ssize_t sent = send_with_fd(socket, data, left, with_fd ? notify_fd : -1);
        if (sent < 0) throw_errno("send the seccomp notify fd to the listener");
        with_fd = false;
        data += sent;
        left -= static_cast<size_t>(sent);
    }
}

}  // namespace rt::linux
