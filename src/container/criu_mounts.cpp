#include "criu_mounts.hpp"

#include <fcntl.h>
#include <sys/stat.h>

#include "rt/linux/mount_plan.hpp"
#include "rt/linux/path_in_root.hpp"
#include "rt/util/error.hpp"

namespace rt::container {
namespace {

bool has_cgroup_namespace(const spec::Spec& spec) {
    return spec.linux && spec.linux->has_namespace(spec::NamespaceType::cgroup);
}

bool has_user_namespace(const spec::Spec& spec) {
    return spec.linux && spec.linux->has_namespace(spec::NamespaceType::user);
}

// The device nodes rt binds from the host in a user namespace (it makes
// them with mknod otherwise: no mounts then).
std::vector<std::string> bound_device_paths(const spec::Spec& spec) {
    if (!has_user_namespace(spec)) return {};
    std::vector<std::string> paths{"/dev/null", "/dev/zero", "/dev/full", "/dev/random", "/dev/urandom", "/dev/tty"};
    for (const auto& device : spec.linux->devices) paths.push_back(linux::clean_path(device.path));
    return paths;
}

std::string source_path(const spec::Mount& mount, const std::string& bundle) {
    std::string source = mount.source.value_or("");
    if (!source.empty() && source[0] != '/') source = bundle + "/" + source;
    return source;
}

// The config's mounts CRIU must take as external: the binds, and the bind
// of the container's own cgroup that a `cgroup` mount is without a cgroup
// namespace on cgroup v2 (on v1 it is a tmpfs of binds, left to CRIU, which
// then fails naming them). key(mount, is_bind, mount point) gives each its
// key; an empty one leaves the mount out.
template <typename Key>
std::vector<ExternalMount> external_config_mounts(const spec::Spec& spec, Key key) {
    std::vector<ExternalMount> out;
    linux::MountPlan plan = linux::plan_mounts(spec);
    for (size_t i = 0; i < spec.mounts.size(); ++i) {
        const auto& mount = spec.mounts[i];
        bool bind = plan.mounts[i].bind;
        if (!bind && (mount.type != "cgroup" || has_cgroup_namespace(spec))) continue;
        std::string dest = linux::clean_path(mount.destination);
        std::string k = key(mount, bind, dest);
        if (!k.empty()) out.push_back({dest, k});
    }
    return out;
}

}  // namespace

std::vector<ExternalMount> dump_external_mounts(const spec::Spec& spec, pid_t init) {
    // Keyed by their mount point.
    auto out = external_config_mounts(spec, [](const spec::Mount&, bool, const std::string& dest) { return dest; });
    // A masked file is the container's /dev/null bound over it.
    unique_fd root(::open(("/proc/" + std::to_string(init) + "/root").c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC));
    if (!root) throw_errno("open the root of the container's init");
    if (spec.linux) {
        for (const auto& path : spec.linux->masked_paths) {
            unique_fd fd = linux::open_in_root(root.get(), path, O_PATH, 0, true);
            struct stat st {};
            if (!fd || ::fstat(fd.get(), &st) < 0 || S_ISDIR(st.st_mode)) continue;
            out.push_back({linux::clean_path(path), "/dev/null"});
        }
    }
    for (const auto& path : bound_device_paths(spec)) out.push_back({path, path});
    return out;
}

std::vector<ExternalMount> restore_external_mounts(const spec::Spec& spec, const std::string& bundle,
                                                   const state::ContainerState& state) {
    // Each key (its mount point) -> where it comes from now: the config's
    // source, or the new container's own cgroup.
    auto out = external_config_mounts(spec, [&](const spec::Mount& mount, bool bind, const std::string&) {
        if (bind) return source_path(mount, bundle);
        auto unified = state.cgroup_paths.find("");
        return unified == state.cgroup_paths.end() ? std::string() : unified->second;
    });
    if (spec.linux && !spec.linux->masked_paths.empty()) out.push_back({"/dev/null", "/dev/null"});
    for (const auto& path : bound_device_paths(spec)) out.push_back({path, path});
    return out;
}

std::vector<std::string> dump_external_namespaces(const spec::Spec& spec) {
    std::vector<std::string> out;
    if (!spec.linux) return out;
    for (auto [type, name, key] : {std::tuple{spec::NamespaceType::network, "net", "extRootNetNS"},
                                   std::tuple{spec::NamespaceType::pid, "pid", "extRootPidNS"}}) {
        const auto* ns = spec.linux->find_namespace(type);
        if (!ns || !ns->path) continue;
        struct stat st {};
        if (::stat(ns->path->c_str(), &st) < 0) throw_errno("config.json: namespace " + *ns->path);
        out.push_back(std::string(name) + "[" + std::to_string(st.st_ino) + "]:" + key);
    }
    return out;
}

bool has_own_network_namespace(const spec::Spec& spec) {
    const auto* net = spec.linux ? spec.linux->find_namespace(spec::NamespaceType::network) : nullptr;
    return net && !net->path;
}

void check_restorable_namespaces(const spec::Spec& spec) {
    if (!spec.linux) return;
    const auto* cgroup = spec.linux->find_namespace(spec::NamespaceType::cgroup);
    if (cgroup && cgroup->path) {
        throw Error("config.json: .linux.namespaces: a cgroup namespace joined by path cannot be restored by CRIU");
    }
}

}  // namespace rt::container
