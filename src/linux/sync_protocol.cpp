#include "rt/linux/sync_protocol.hpp"

#include "rt/util/error.hpp"

namespace rt::linux {

const char* to_string(Sync type) {
    switch (type) {
    case Sync::proceed: return "proceed";
    case Sync::run_hooks: return "run_hooks";
    case Sync::hooks_done: return "hooks_done";
    case Sync::ready: return "ready";
    case Sync::error: return "error";
    }
    return "unknown";
}

void SyncOrder::advance(Sync type) {
    if (type == Sync::error) return;  // allowed at any point
    Sync next{0};
    if (last_ == Sync{0}) {
        next = Sync::proceed;
    } else if (last_ == Sync::proceed) {
        next = Sync::run_hooks;
    } else if (last_ == Sync::run_hooks) {
        next = Sync::hooks_done;
    } else if (last_ == Sync::hooks_done) {
        next = Sync::ready;
    }
    if (type != next) {
        throw Error(std::string("sync protocol: got ") + to_string(type) + " after " +
                    (last_ == Sync{0} ? "nothing" : to_string(last_)));
    }
    last_ = type;
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

void send(Channel& channel, SyncOrder& order, Sync type, const std::string& payload) {
    order.advance(type);
    channel.send(static_cast<uint32_t>(type), payload);
}

}  // namespace rt::linux
