#include "rt/linux/sync_protocol.hpp"

#include "rt/util/error.hpp"

namespace rt::linux {
namespace {

bool allowed_after(Flow flow, Sync last, Sync type) {
    const Sync none{0};
    if (flow == Flow::exec) {
        if (last == none) return type == Sync::proceed;
        if (last == Sync::proceed) return type == Sync::console;
        return false;
    }
    if (last == none) return type == Sync::proceed;
    if (last == Sync::proceed) return type == Sync::run_hooks;
    if (last == Sync::run_hooks) return type == Sync::hooks_done;
    if (last == Sync::hooks_done) return type == Sync::console || type == Sync::ready;
    if (last == Sync::console) return type == Sync::ready;
    return false;
}

}  // namespace

const char* to_string(Sync type) {
    switch (type) {
    case Sync::proceed: return "proceed";
    case Sync::run_hooks: return "run_hooks";
    case Sync::hooks_done: return "hooks_done";
    case Sync::ready: return "ready";
    case Sync::error: return "error";
    case Sync::console: return "console";
    }
    return "unknown";
}

void SyncOrder::advance(Sync type) {
    if (type == Sync::error) return;  // allowed at any point
    if (!allowed_after(flow_, last_, type)) {
        throw Error(std::string("sync protocol: got ") + to_string(type) + " after " +
                    (last_ == Sync{0} ? "nothing" : to_string(last_)));
    }
    last_ = type;
}

bool SyncOrder::finished() const {
    if (flow_ == Flow::exec) return last_ == Sync::proceed || last_ == Sync::console;
    return last_ == Sync::ready;
}

Message expect(Channel& channel, SyncOrder& order, Sync expected) {
    auto message = channel.receive();
    if (!message) {
        throw Error(std::string("container init exited before sending ") + to_string(expected));
    }
    auto type = static_cast<Sync>(message->type);
    if (type == Sync::error) throw Error(message->payload);
    if (type != expected) {
        throw Error(std::string("sync protocol: expected ") + to_string(expected) + ", got " +
                    to_string(type));
    }
    order.advance(type);
    return std::move(*message);
}

std::optional<Message> receive(Channel& channel, SyncOrder& order) {
    auto message = channel.receive();
    if (!message) {
        if (order.finished()) return std::nullopt;
        throw Error("the child exited before it finished its setup");
    }
    auto type = static_cast<Sync>(message->type);
    if (type == Sync::error) throw Error(message->payload);
    if (type == Sync::console && !message->fd) throw Error("sync protocol: console without an fd");
    order.advance(type);
    return message;
}

void send(Channel& channel, SyncOrder& order, Sync type, const std::string& payload, int fd) {
    order.advance(type);
    channel.send(static_cast<uint32_t>(type), payload, fd);
}

}  // namespace rt::linux
