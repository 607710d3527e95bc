// A framed, typed message channel over one end of a unix socketpair: each
// message is {uint32 type, uint32 length, payload} and may carry one fd
// (SCM_RIGHTS), or several. Payloads have any length (a framed stream, not a datagram).
// What the types mean is up to the protocol built on top (see
// rt/linux/sync_protocol.hpp).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "rt/util/fd.hpp"

namespace rt {

struct Message {
    uint32_t type = 0;
    std::string payload;
    std::vector<unique_fd> fds;  // those the sender attached, in its order
    // The one fd a message of one carries; none (-1) when it has none.
    unique_fd take_fd() { return fds.empty() ? unique_fd() : std::move(fds.front()); }
};

class Channel {
public:
    Channel() = default;
    explicit Channel(unique_fd socket) : socket_(std::move(socket)) {}

    // Two connected ends (AF_UNIX, SOCK_STREAM, CLOEXEC).
    static std::pair<Channel, Channel> make_pair();

    // Throws rt::Error on failure (EPIPE included: the peer is gone).
    void send(uint32_t type, std::string_view payload = {}, int fd = -1);
    // The same with several fds (up to kMaxFds).
    void send(uint32_t type, std::string_view payload, const std::vector<int>& fds);
    static constexpr size_t kMaxFds = 32;

    // The next message, or nullopt if the peer closed its end cleanly between
    // messages. A message cut short is an error.
    std::optional<Message> receive();

    int fd() const { return socket_.get(); }
    void close() { socket_.reset(); }

private:
    unique_fd socket_;
};

}  // namespace rt
