// A D-Bus client connection over a unix socket, as small as rt needs: SASL
// EXTERNAL authentication, Hello on a message bus, method calls that wait
// for their reply, and signals kept until asked for. Single-threaded and
// blocking, with a deadline on every wait; the fd is O_CLOEXEC.
#pragma once

#include <deque>
#include <functional>
#include <string>
#include <vector>

#include "rt/dbus/message.hpp"
#include "rt/util/error.hpp"
#include "rt/util/fd.hpp"

namespace rt::dbus {

// An error reply: its D-Bus error name ("org.freedesktop.systemd1.NoSuchUnit")
// and message.
class RemoteError : public Error {
public:
    RemoteError(std::string name, const std::string& message)
        : Error(message.empty() ? name : message + " (" + name + ")"), name_(std::move(name)) {}
    const std::string& name() const { return name_; }

private:
    std::string name_;
};

// Where a unix socket is: a path, or a name in the abstract namespace.
struct SocketAddress {
    std::string path;
    bool abstract = false;

    std::string describe() const { return abstract ? "@" + path : path; }
};

// The unix sockets of a D-Bus address list ("unix:path=/run/dbus/sock;
// unix:abstract=x,guid=..."), %-escapes decoded, in order; other transports
// are left out. Throws for text that is not an address list.
std::vector<SocketAddress> parse_address(const std::string& address);

class Connection {
public:
    // Connects to `address`, authenticates as the effective uid, and, when
    // `bus` (a message bus, not a direct connection to one peer), says Hello.
    // Throws rt::Error naming the socket.
    static Connection open(const SocketAddress& address, bool bus, int timeout_ms);

    Connection(Connection&&) = default;
    Connection& operator=(Connection&&) = default;

    bool bus() const { return bus_; }

    // Sends a method call and waits for its reply: the method_return, or a
    // RemoteError for an error reply. Signals that arrive meanwhile are kept
    // for wait_for_signal.
    Message call(Message message, int timeout_ms);

    // The first signal (kept or new) for which `matches` is true; signals it
    // passes over are dropped. Throws rt::Error after timeout_ms.
    Message wait_for_signal(const std::function<bool(const Message&)>& matches, int timeout_ms);

private:
    Connection(unique_fd fd, bool bus) : fd_(std::move(fd)), bus_(bus) {}

    void authenticate(int64_t deadline_ms);
    std::string read_line(int64_t deadline_ms);
    void send(Message& message);
    void write_all(const std::string& bytes);
    // Reads more bytes into in_ (waiting until the deadline).
    void fill(int64_t deadline_ms);
    Message receive(int64_t deadline_ms);
    void keep_signal(Message message);

    unique_fd fd_;
    bool bus_ = false;
    std::string in_;
    uint32_t next_serial_ = 1;
    std::deque<Message> signals_;
};

}  // namespace rt::dbus
