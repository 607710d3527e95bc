#include "rt/linux/net_devices.hpp"

#include <fcntl.h>
#include <linux/if_addr.h>
#include <linux/if_link.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <sched.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <functional>
#include <vector>

#include "rt/util/error.hpp"
#include "rt/util/fd.hpp"

namespace rt::linux {
namespace {

// A request being built: header, fixed part, then attributes.
class Request {
public:
    Request(uint16_t type, uint16_t flags) {
        nlmsghdr header{};
        header.nlmsg_type = type;
        header.nlmsg_flags = static_cast<uint16_t>(NLM_F_REQUEST | flags);
        append(&header, sizeof header);
    }
    template <typename T>
    void body(const T& value) {
        append(&value, sizeof value);
    }
    void attribute(uint16_t type, const void* data, size_t size) {
        rtattr attr{};
        attr.rta_type = type;
        attr.rta_len = static_cast<uint16_t>(RTA_LENGTH(size));
        append(&attr, sizeof attr);
        append(data, size);
    }
    void attribute(uint16_t type, const std::string& text) { attribute(type, text.c_str(), text.size() + 1); }
    void attribute(uint16_t type, uint32_t value) { attribute(type, &value, sizeof value); }
    std::vector<char>& finish(uint32_t seq) {
        auto* header = reinterpret_cast<nlmsghdr*>(buffer_.data());
        header->nlmsg_len = static_cast<uint32_t>(buffer_.size());
        header->nlmsg_seq = seq;
        return buffer_;
    }

private:
    void append(const void* data, size_t size) {
        const char* bytes = static_cast<const char*>(data);
        buffer_.insert(buffer_.end(), bytes, bytes + size);
        buffer_.resize(NLMSG_ALIGN(buffer_.size()), '\0');
    }
    std::vector<char> buffer_;
};

class Netlink {
public:
    Netlink() : fd_(::socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE)) {
        if (!fd_) throw_errno("netlink socket");
    }

    // Sends the request and reads replies until its ack (or the end of a
    // dump), handing every other message to `each`. Throws on an error reply.
    void talk(Request& request, const std::string& what,
              const std::function<void(const nlmsghdr*)>& each = {}) {
        uint32_t seq = ++seq_;
        std::vector<char>& bytes = request.finish(seq);
        if (::send(fd_.get(), bytes.data(), bytes.size(), 0) < 0) throw_errno(what + ": netlink send");
        std::vector<char> buffer(65536);
        for (;;) {
            ssize_t got = ::recv(fd_.get(), buffer.data(), buffer.size(), 0);
            if (got < 0) {
                if (errno == EINTR) continue;
                throw_errno(what + ": netlink receive");
            }
            auto len = static_cast<unsigned>(got);
            for (auto* h = reinterpret_cast<nlmsghdr*>(buffer.data()); NLMSG_OK(h, len); h = NLMSG_NEXT(h, len)) {
                if (h->nlmsg_seq != seq) continue;
                if (h->nlmsg_type == NLMSG_DONE) return;
                if (h->nlmsg_type == NLMSG_ERROR) {
                    const auto* error = static_cast<const nlmsgerr*>(NLMSG_DATA(h));
                    if (error->error == 0) return;  // the ack
                    throw_errno(-error->error, what);
                }
                if (each) each(h);
            }
        }
    }

private:
    unique_fd fd_;
    uint32_t seq_ = 0;
};

struct Address {
    unsigned char family = 0;
    unsigned char prefix_length = 0;
    std::vector<std::pair<uint16_t, std::vector<char>>> attributes;  // IFA_LOCAL, IFA_ADDRESS, IFA_BROADCAST
};

void set_link_flags(Netlink& nl, int index, unsigned flags, const std::string& what) {
    Request request(RTM_NEWLINK, NLM_F_ACK);
    ifinfomsg info{};
    info.ifi_family = AF_UNSPEC;
    info.ifi_index = index;
    info.ifi_flags = flags;
    info.ifi_change = IFF_UP;
    request.body(info);
    nl.talk(request, what);
}

// config-linux.md: the permanent addresses of global scope, the ones moved.
std::vector<Address> movable_addresses(Netlink& nl, int index, const std::string& what) {
    std::vector<Address> addresses;
    Request request(RTM_GETADDR, NLM_F_DUMP);
    ifaddrmsg query{};
    query.ifa_family = AF_UNSPEC;
    request.body(query);
    nl.talk(request, what + ": list addresses", [&](const nlmsghdr* h) {
        if (h->nlmsg_type != RTM_NEWADDR) return;
        const auto* ifa = static_cast<const ifaddrmsg*>(NLMSG_DATA(h));
        if (static_cast<int>(ifa->ifa_index) != index || ifa->ifa_scope != RT_SCOPE_UNIVERSE) return;
        uint32_t flags = ifa->ifa_flags;
        Address address;
        address.family = ifa->ifa_family;
        address.prefix_length = ifa->ifa_prefixlen;
        unsigned len = IFA_PAYLOAD(h);
        for (const rtattr* a = IFA_RTA(ifa); RTA_OK(a, len); a = RTA_NEXT(a, len)) {
            const char* data = static_cast<const char*>(RTA_DATA(a));
            if (a->rta_type == IFA_FLAGS) {
                std::memcpy(&flags, data, sizeof flags);
            } else if (a->rta_type == IFA_LOCAL || a->rta_type == IFA_ADDRESS || a->rta_type == IFA_BROADCAST) {
                address.attributes.emplace_back(a->rta_type, std::vector<char>(data, data + RTA_PAYLOAD(a)));
            }
        }
        if (flags & IFA_F_PERMANENT) addresses.push_back(std::move(address));
    });
    return addresses;
}

void move_link(Netlink& nl, int index, const std::string& new_name, int netns_fd, const std::string& what) {
    Request request(RTM_NEWLINK, NLM_F_ACK);
    ifinfomsg info{};
    info.ifi_family = AF_UNSPEC;
    info.ifi_index = index;
    request.body(info);
    // Renamed as it moves: the name only has to be free inside.
    request.attribute(IFLA_IFNAME, new_name);
    request.attribute(IFLA_NET_NS_FD, static_cast<uint32_t>(netns_fd));
    nl.talk(request, what + ": move into the container's network namespace");
}

// The moved link inside: it keeps its index unless that is taken there; a
// plain new name finds it in any case.
int link_inside(Netlink& nl, int index, const std::string& new_name, const std::string& what) {
    int found = 0;
    auto lookup = [&](int by_index, const std::string& by_name) {
        Request request(RTM_GETLINK, NLM_F_ACK);
        ifinfomsg info{};
        info.ifi_family = AF_UNSPEC;
        info.ifi_index = by_index;
        request.body(info);
        if (!by_name.empty()) request.attribute(IFLA_IFNAME, by_name);
        try {
            nl.talk(request, what, [&](const nlmsghdr* h) {
                if (h->nlmsg_type == RTM_NEWLINK) found = static_cast<const ifinfomsg*>(NLMSG_DATA(h))->ifi_index;
            });
        } catch (const Error& e) {
            if (e.err() != ENODEV) throw;
        }
    };
    if (new_name.find('%') == std::string::npos) {
        lookup(0, new_name);
    } else {
        lookup(index, "");
    }
    if (found == 0) throw Error(what + ": not found in the container's network namespace after the move");
    return found;
}

void add_address(Netlink& nl, int index, const Address& address, const std::string& what) {
    Request request(RTM_NEWADDR, NLM_F_ACK | NLM_F_CREATE | NLM_F_EXCL);
    ifaddrmsg ifa{};
    ifa.ifa_family = address.family;
    ifa.ifa_prefixlen = address.prefix_length;
    ifa.ifa_flags = IFA_F_PERMANENT;
    ifa.ifa_scope = RT_SCOPE_UNIVERSE;
    ifa.ifa_index = static_cast<uint32_t>(index);
    request.body(ifa);
    for (const auto& [type, data] : address.attributes) request.attribute(type, data.data(), data.size());
    nl.talk(request, what + ": add back an address");
}

// A netlink socket that lives in the namespace of `netns_fd`: made there,
// then rt goes back to its own namespace (a socket keeps the namespace it
// was made in).
Netlink netlink_in(int netns_fd) {
    unique_fd own(::open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC));
    if (!own) throw_errno("open /proc/self/ns/net");
    if (::setns(netns_fd, CLONE_NEWNET) < 0) throw_errno("enter the container's network namespace");
    std::optional<Netlink> nl;
    int err = 0;
    try {
        nl.emplace();
    } catch (const Error& e) {
        err = e.err() ? e.err() : EIO;
    }
    if (::setns(own.get(), CLONE_NEWNET) < 0) throw_errno("return to rt's network namespace");
    if (!nl) throw_errno(err, "netlink socket in the container's network namespace");
    return std::move(*nl);
}

}  // namespace

void move_net_devices(pid_t init_pid, const spec::Linux& linux) {
    if (linux.net_devices.empty()) return;
    std::string ns_path = "/proc/" + std::to_string(init_pid) + "/ns/net";
    unique_fd netns(::open(ns_path.c_str(), O_RDONLY | O_CLOEXEC));
    if (!netns) throw_errno("open " + ns_path);
    Netlink host;
    Netlink inside = netlink_in(netns.get());
    for (const auto& [name, device] : linux.net_devices) {
        const std::string what = "linux.netDevices: " + name;
        const std::string new_name = device.name.value_or(name);
        int index = static_cast<int>(::if_nametoindex(name.c_str()));
        if (index == 0) throw_errno(what);
        // Down first, as runc: nothing on the host uses it half-moved.
        set_link_flags(host, index, 0, what + ": set down");
        std::vector<Address> addresses = movable_addresses(host, index, what);
        move_link(host, index, new_name, netns.get(), what);
        int moved = link_inside(inside, index, new_name, what);
        for (const auto& address : addresses) add_address(inside, moved, address, what);
        set_link_flags(inside, moved, IFF_UP, what + ": set up");
    }
}

}  // namespace rt::linux
