// A D-Bus connection over a unix socket (the specification's "Authentication
// Protocol" and "Message Bus Specification", the parts a client calling
// one service needs).
#include "rt/dbus/connection.hpp"

#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include <cerrno>
#include <algorithm>
#include <cstddef>
#include <cstring>

namespace rt::dbus {
namespace {

constexpr size_t max_auth_line = 1024;
// Signals kept while waiting for replies; older ones are dropped beyond it.
constexpr size_t max_kept_signals = 1024;

int64_t now_ms() {
    timespec ts{};
    ::clock_gettime(CLOCK_MONOTONIC, &ts);
    return static_cast<int64_t>(ts.tv_sec) * 1000 + ts.tv_nsec / 1000000;
}

// Waits until fd is ready for `events` or the deadline passes.
void wait_ready(int fd, short events, int64_t deadline_ms, const char* waiting_for) {
    for (;;) {
        int64_t left = deadline_ms - now_ms();
        if (left <= 0) throw Error(std::string("D-Bus: timed out waiting for ") + waiting_for, ETIMEDOUT);
        pollfd p{fd, events, 0};
        int n = ::poll(&p, 1, static_cast<int>(left > 60000 ? 60000 : left));
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) throw_errno("D-Bus: poll");
        if (n > 0) return;
    }
}

int hex_digit(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

std::string unescape(const std::string& value, const std::string& address) {
    std::string out;
    for (size_t i = 0; i < value.size(); ++i) {
        if (value[i] != '%') {
            out.push_back(value[i]);
            continue;
        }
        int high = i + 2 < value.size() ? hex_digit(value[i + 1]) : -1;
        int low = i + 2 < value.size() ? hex_digit(value[i + 2]) : -1;
        if (high < 0 || low < 0) throw Error("D-Bus: bad %-escape in the address \"" + address + "\"");
        out.push_back(static_cast<char>(high * 16 + low));
        i += 2;
    }
    return out;
}

std::string hex(const std::string& text) {
    static const char digits[] = "0123456789abcdef";
    std::string out;
    for (unsigned char c : text) {
        out.push_back(digits[c >> 4]);
        out.push_back(digits[c & 15]);
    }
    return out;
}

}  // namespace

std::vector<SocketAddress> parse_address(const std::string& address) {
    std::vector<SocketAddress> sockets;
    size_t start = 0;
    while (start <= address.size()) {
        size_t end = address.find(';', start);
        if (end == std::string::npos) end = address.size();
        std::string entry = address.substr(start, end - start);
        start = end + 1;
        if (entry.empty()) continue;
        size_t colon = entry.find(':');
        if (colon == std::string::npos) throw Error("D-Bus: no transport in the address \"" + address + "\"");
        if (entry.substr(0, colon) != "unix") continue;
        SocketAddress socket;
        bool found = false;
        size_t key_start = colon + 1;
        while (key_start < entry.size()) {
            size_t comma = entry.find(',', key_start);
            if (comma == std::string::npos) comma = entry.size();
            std::string pair = entry.substr(key_start, comma - key_start);
            key_start = comma + 1;
            size_t equals = pair.find('=');
            if (equals == std::string::npos) throw Error("D-Bus: \"" + pair + "\" in the address \"" + address + "\"");
            std::string key = pair.substr(0, equals);
            std::string value = unescape(pair.substr(equals + 1), address);
            if ((key == "path" || key == "abstract") && !value.empty()) {
                socket.path = value;
                socket.abstract = key == "abstract";
                found = true;
            }
        }
        if (found) sockets.push_back(socket);
    }
    return sockets;
}

Connection Connection::open(const SocketAddress& address, bool bus, int timeout_ms) {
    int64_t deadline = now_ms() + timeout_ms;
    sockaddr_un sun{};
    sun.sun_family = AF_UNIX;
    size_t offset = address.abstract ? 1 : 0;
    if (address.path.empty() || address.path.size() + offset >= sizeof sun.sun_path) {
        throw Error("D-Bus: socket path \"" + address.describe() + "\" is empty or too long");
    }
    std::memcpy(sun.sun_path + offset, address.path.data(), address.path.size());
    socklen_t length = static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + offset + address.path.size() +
                                              (address.abstract ? 0 : 1));
    unique_fd fd(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0));
    if (!fd) throw_errno("D-Bus: socket");
    if (::connect(fd.get(), reinterpret_cast<const sockaddr*>(&sun), length) < 0) {
        if (errno != EINPROGRESS && errno != EAGAIN) throw_errno("connect " + address.describe());
        wait_ready(fd.get(), POLLOUT, deadline, ("the connection to " + address.describe()).c_str());
        int err = 0;
        socklen_t size = sizeof err;
        ::getsockopt(fd.get(), SOL_SOCKET, SO_ERROR, &err, &size);
        if (err) throw_errno(err, "connect " + address.describe());
    }
    Connection connection(std::move(fd), bus);
    try {
        connection.authenticate(deadline);
        if (bus) {
            connection.call(Message::method_call("org.freedesktop.DBus", "/org/freedesktop/DBus",
                                                 "org.freedesktop.DBus", "Hello"),
                            static_cast<int>(std::max<int64_t>(deadline - now_ms(), 1)));
        }
    } catch (const Error& e) {
        throw e.with_context(address.describe());
    }
    return connection;
}

void Connection::authenticate(int64_t deadline_ms) {
    // A NUL byte first (where credentials could be passed), then EXTERNAL
    // with our uid as decimal text in hex: the server checks it against
    // the socket's peer credentials.
    std::string uid = std::to_string(::geteuid());
    write_all(std::string(1, '\0') + "AUTH EXTERNAL " + hex(uid) + "\r\n");
    std::string line = read_line(deadline_ms);
    if (line.rfind("OK ", 0) != 0 && line != "OK") {
        throw Error("D-Bus: authentication as uid " + uid + " refused: \"" + line.substr(0, 80) + "\"", EACCES);
    }
    write_all("BEGIN\r\n");
}

std::string Connection::read_line(int64_t deadline_ms) {
    for (;;) {
        size_t end = in_.find("\r\n");
        if (end != std::string::npos) {
            std::string line = in_.substr(0, end);
            in_.erase(0, end + 2);
            return line;
        }
        if (in_.size() > max_auth_line) throw Error("D-Bus: an authentication line longer than " +
                                                    std::to_string(max_auth_line) + " bytes");
        fill(deadline_ms);
    }
}

void Connection::write_all(const std::string& bytes) {
    size_t done = 0;
    int64_t deadline = now_ms() + 30000;
    while (done < bytes.size()) {
        ssize_t n = ::send(fd_.get(), bytes.data() + done, bytes.size() - done, MSG_NOSIGNAL);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0 && errno == EAGAIN) {
            wait_ready(fd_.get(), POLLOUT, deadline, "the socket to take a message");
            continue;
        }
        if (n < 0) throw_errno("D-Bus: send");
        done += static_cast<size_t>(n);
    }
}

void Connection::fill(int64_t deadline_ms) {
    char buffer[65536];
    for (;;) {
        ssize_t n = ::recv(fd_.get(), buffer, sizeof buffer, 0);
        if (n > 0) {
            in_.append(buffer, static_cast<size_t>(n));
            return;
        }
        if (n == 0) throw Error("D-Bus: the peer closed the connection", ECONNRESET);
        if (errno == EINTR) continue;
        if (errno != EAGAIN) throw_errno("D-Bus: recv");
        wait_ready(fd_.get(), POLLIN, deadline_ms, "an answer");
    }
}

void Connection::send(Message& message) {
    message.serial = next_serial_++;
    if (next_serial_ == 0) next_serial_ = 1;
    write_all(serialize(message));
}

Message Connection::receive(int64_t deadline_ms) {
    while (in_.size() < 16) fill(deadline_ms);
    size_t size = message_size(in_);
    while (in_.size() < size) fill(deadline_ms);
    Message message = parse_message(std::string_view(in_).substr(0, size));
    in_.erase(0, size);
    return message;
}

void Connection::keep_signal(Message message) {
    if (signals_.size() >= max_kept_signals) signals_.pop_front();
    signals_.push_back(std::move(message));
}

Message Connection::call(Message message, int timeout_ms) {
    int64_t deadline = now_ms() + timeout_ms;
    send(message);
    for (;;) {
        Message reply = receive(deadline);
        if (reply.type == MessageType::signal) {
            keep_signal(std::move(reply));
            continue;
        }
        if (!reply.reply_serial || *reply.reply_serial != message.serial) continue;  // not ours
        if (reply.type == MessageType::error) {
            std::string text;
            if (!reply.body.empty() && reply.body[0].type() == "s") text = reply.body[0].as_string();
            throw RemoteError(reply.error_name, text);
        }
        if (reply.type == MessageType::method_return) return reply;
    }
}

Message Connection::wait_for_signal(const std::function<bool(const Message&)>& matches, int timeout_ms) {
    while (!signals_.empty()) {
        Message kept = std::move(signals_.front());
        signals_.pop_front();
        if (matches(kept)) return kept;
    }
    int64_t deadline = now_ms() + timeout_ms;
    for (;;) {
        Message message = receive(deadline);
        if (message.type == MessageType::signal && matches(message)) return message;
    }
}

}  // namespace rt::dbus
