#include "rt/linux/sync_protocol.hpp"

#include "rt/util/error.hpp"
#include "rt/util/log.hpp"

namespace rt::linux {
namespace {

void put_le(std::string& out, uint64_t value, int bytes) {
    for (int i = 0; i < bytes; ++i) out.push_back(static_cast<char>((value >> (8 * i)) & 0xff));
}

uint64_t get_le(std::string_view in, size_t at, int bytes) {
    uint64_t value = 0;
    for (int i = 0; i < bytes; ++i) value |= static_cast<uint64_t>(static_cast<unsigned char>(in[at + i])) << (8 * i);
    return value;
}

[[noreturn]] void throw_child_error(const Message& message) {
    ChildFailure failure = decode_failure(message.payload);
    log::debug("the child failed at step ", failure.step.empty() ? "?" : failure.step, " (errno ", failure.err,
               "): ", failure.message);
    throw ChildError(std::move(failure));
}

bool allowed_after(Flow flow, Sync last, Sync type) {
    const Sync none{0};
    if (flow == Flow::exec) {
        if (last == none) return type == Sync::proceed;
        if (last == Sync::proceed) return type == Sync::console;
        return false;
    }
    if (last == none) return type == Sync::proceed;
    if (last == Sync::proceed) return type == Sync::cgroups_made;
    if (last == Sync::cgroups_made) return type == Sync::run_hooks;
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
    case Sync::cgroups_made: return "cgroups_made";
    }
    return "unknown";
}

std::string encode_failure(const ChildFailure& failure) {
    std::string step = failure.step.substr(0, kMaxFailureStep);
    std::string out;
    // An errno the decoder would refuse is sent as none: the message counts.
    int err = failure.err > 0 && failure.err <= 4095 ? failure.err : 0;
    put_le(out, static_cast<uint32_t>(err), 4);
    put_le(out, step.size(), 2);
    out += step;
    out += failure.message.substr(0, kMaxFailureMessage);
    return out;
}

ChildFailure decode_failure(std::string_view payload) {
    if (payload.size() < 6) throw Error("sync protocol: an error message too short to decode");
    ChildFailure failure;
    uint64_t err = get_le(payload, 0, 4);
    size_t step_size = get_le(payload, 4, 2);
    if (err > 4095) throw Error("sync protocol: an error message with errno " + std::to_string(err));
    if (step_size > kMaxFailureStep || 6 + step_size > payload.size()) {
        throw Error("sync protocol: an error message with a step of " + std::to_string(step_size) + " bytes");
    }
    if (payload.size() - 6 - step_size > kMaxFailureMessage) {
        throw Error("sync protocol: an error message longer than " + std::to_string(kMaxFailureMessage) + " bytes");
    }
    failure.err = static_cast<int>(err);
    failure.step = std::string(payload.substr(6, step_size));
    failure.message = std::string(payload.substr(6 + step_size));
    if (failure.message.empty()) failure.message = "the child failed at step " + failure.step + " without a message";
    return failure;
}

void send_error(Channel& channel, std::string_view step, const std::exception& e) noexcept {
    try {
        ChildFailure failure;
        if (const auto* error = dynamic_cast<const Error*>(&e)) failure.err = error->err();
        failure.step = std::string(step);
        failure.message = e.what();
        channel.send(static_cast<uint32_t>(Sync::error), encode_failure(failure));
    } catch (...) {
        // The parent is gone or the channel broken: the exit says enough.
    }
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
        throw ChildVanished(std::string("container init exited before sending ") + to_string(expected));
    }
    auto type = static_cast<Sync>(message->type);
    if (type == Sync::error) throw_child_error(*message);
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
        throw ChildVanished("the child exited before it finished its setup");
    }
    auto type = static_cast<Sync>(message->type);
    if (type == Sync::error) throw_child_error(*message);
    if (type == Sync::console && message->fds.size() != 1) throw Error("sync protocol: console without one fd");
    order.advance(type);
    return message;
}

void send(Channel& channel, SyncOrder& order, Sync type, const std::string& payload, int fd) {
    order.advance(type);
    channel.send(static_cast<uint32_t>(type), payload, fd);
}

void send(Channel& channel, SyncOrder& order, Sync type, const std::string& payload, const std::vector<int>& fds) {
    order.advance(type);
    try {
        channel.send(static_cast<uint32_t>(type), payload, fds);
    } catch (const Error&) {
        // The child may have failed meanwhile (while the parent made the
        // cgroups): then what it said before it exited is still to be read,
        // and says more than the broken pipe.
        SyncOrder after = order;
        receive(channel, after);  // throws its ChildError, or ChildVanished
        throw;
    }
}

}  // namespace rt::linux
