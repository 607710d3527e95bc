// /dev in the container: the default devices and symlinks of
// runtime-linux.md and config-linux.md, and the devices of linux.devices,
// unless /dev comes from the host as a bind mount (then it is the host's
// business, as with runc).
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <cerrno>
#include <set>
#include <vector>

#include "rt/linux/device_node.hpp"
#include "rt/linux/mount_plan.hpp"
#include "rt/linux/path_in_root.hpp"
#include "rt/util/error.hpp"
#include "steps.hpp"

namespace rt::linux {
namespace {

struct DefaultDevice {
    const char* name;
    unsigned major;
    unsigned minor;
};

constexpr DefaultDevice default_devices[] = {
    {"null", 1, 3}, {"zero", 1, 5}, {"full", 1, 7},
    {"random", 1, 8}, {"urandom", 1, 9}, {"tty", 5, 0},
};

struct DefaultLink {
    const char* name;
    const char* target;
    const char* needs;  // only if this exists in the container after the mounts
};

constexpr DefaultLink default_links[] = {
    {"fd", "/proc/self/fd", "/proc/self/fd"},
    {"stdin", "/proc/self/fd/0", "/proc/self/fd"},
    {"stdout", "/proc/self/fd/1", "/proc/self/fd"},
    {"stderr", "/proc/self/fd/2", "/proc/self/fd"},
    {"core", "/proc/kcore", "/proc/kcore"},
};

bool exists_in_root(int root_fd, const std::string& path) {
    return static_cast<bool>(open_in_root(root_fd, path, O_PATH, 0, true));
}

// The nodes to make: the defaults, except those linux.devices gives itself
// (the config wins, as with runc), then linux.devices in order. /dev/ptmx
// is the devpts link made below, never a node.
std::vector<DeviceNode> device_nodes(const spec::Spec& spec) {
    std::vector<DeviceNode> nodes;
    std::set<std::string> configured;
    if (spec.linux) {
        for (const auto& device : spec.linux->devices) configured.insert(clean_path(device.path));
    }
    for (const auto& device : default_devices) {
        DeviceNode node;
        node.path = std::string("/dev/") + device.name;
        if (configured.contains(node.path)) continue;
        node.mode = S_IFCHR | 0666;
        node.rdev = makedev(device.major, device.minor);
        nodes.push_back(node);
    }
    if (spec.linux) {
        for (const auto& device : spec.linux->devices) {
            if (clean_path(device.path) == "/dev/ptmx") continue;
            nodes.push_back(device_node(device));
        }
    }
    return nodes;
}

void make_link(int dev_fd, const char* target, const char* name) {
    if (::symlinkat(target, dev_fd, name) < 0 && errno != EEXIST) {
        throw_errno(std::string("symlink /dev/") + name + " -> " + target);
    }
}

}  // namespace

void create_devices(InitContext& ctx) {
    if (dev_is_bind_mounted(ctx.spec, *ctx.config.mounts)) return;
    int root = ctx.root.get();
    unique_fd dev = mkdir_all_in_root(root, "/dev");
    // A user namespace cannot mknod: devices come from the host instead.
    bool bind_from_host = ctx.spec.linux->has_namespace(spec::NamespaceType::user);
    for (const auto& node : device_nodes(ctx.spec)) make_device_node(root, node, bind_from_host);
    // symlinkat acts on names in this directory fd and never follows a
    // symlink at that name, so a hostile /dev cannot redirect it.
    unique_fd dev_dir = open_in_root(root, "/dev", O_DIRECTORY | O_RDONLY);

    for (const auto& link : default_links) {
        if (exists_in_root(root, link.needs)) make_link(dev_dir.get(), link.target, link.name);
    }
    // The pty multiplexer of the container's own devpts instance.
    if (exists_in_root(root, "/dev/pts/ptmx")) {
        if (::unlinkat(dev_dir.get(), "ptmx", 0) < 0 && errno != ENOENT) {
            throw_errno("remove /dev/ptmx");
        }
        make_link(dev_dir.get(), "pts/ptmx", "ptmx");
    }
}

}  // namespace rt::linux
