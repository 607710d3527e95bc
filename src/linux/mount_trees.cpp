#include "rt/linux/mount_trees.hpp"

#include <fcntl.h>
#include <linux/mount.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>

#include "rt/linux/mount_options.hpp"
#include "rt/linux/user_namespace.hpp"
#include "rt/linux/mount_plan.hpp"
#include "rt/util/error.hpp"

namespace rt::linux {

namespace {

// The user namespace whose mapping the mount gets: its own mappings, else
// the container's (validation made sure there is one).
unique_fd mapping_namespace(const spec::Spec& spec, const spec::Mount& mount) {
    if (!mount.uid_mappings.empty()) return make_user_namespace(mount.uid_mappings, mount.gid_mappings);
    const spec::Namespace* user = spec.linux->find_namespace(spec::NamespaceType::user);
    if (!user) throw Error("idmap without mappings needs a user namespace");
    if (!user->path) return make_user_namespace(spec.linux->uid_mappings, spec.linux->gid_mappings);
    unique_fd fd(::open(user->path->c_str(), O_RDONLY | O_CLOEXEC));
    if (!fd) throw_errno("open " + *user->path);
    return fd;
}

// A detached copy of the source (its submounts too for "rbind"), looked up
// by the host's root in the host's mount namespace; an empty fd where this
// process may not copy mounts (EPERM: no CAP_SYS_ADMIN over its mount
// namespace, a rootless rt).
unique_fd try_clone_source(const std::string& source, const MountOptions& options) {
    unsigned clone_flags = OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC;
    if (options.recursive_bind) clone_flags |= AT_RECURSIVE;
    unique_fd tree(static_cast<int>(::syscall(SYS_open_tree, AT_FDCWD, source.c_str(), clone_flags)));
    if (!tree && errno != EPERM) throw_errno("open_tree " + source);
    return tree;
}

unique_fd clone_source(const std::string& source, const MountOptions& options) {
    unique_fd tree = try_clone_source(source, options);
    if (!tree) throw_errno(EPERM, "open_tree " + source);
    return tree;
}

void idmap_tree(int tree, const spec::Spec& spec, const spec::Mount& mount, const MountOptions& options,
                const std::string& source) {
    unique_fd userns = mapping_namespace(spec, mount);
    mount_attr attr{};
    attr.attr_set = MOUNT_ATTR_IDMAP;
    attr.userns_fd = static_cast<uint64_t>(userns.get());
    // "ridmap" maps the submounts of an rbind too; "idmap" only its top.
    unsigned setattr_flags = AT_EMPTY_PATH | (options.recursive_idmap ? AT_RECURSIVE : 0);
    if (::syscall(SYS_mount_setattr, tree, "", setattr_flags, &attr, sizeof attr) < 0) {
        throw_errno("idmap " + source + " (mount_setattr MOUNT_ATTR_IDMAP)");
    }
}

}  // namespace

std::vector<unique_fd> prepare_mount_trees(const spec::Spec& spec, const MountPlan& plan,
                                           const std::string& bundle) {
    std::vector<unique_fd> fds(spec.mounts.size());
    bool user_ns = spec.linux && spec.linux->has_namespace(spec::NamespaceType::user);
    for (size_t i = 0; i < spec.mounts.size(); ++i) {
        const spec::Mount& mount = spec.mounts[i];
        const MountOptions& options = plan.mounts[i].options;
        bool idmap = !mount.uid_mappings.empty() || options.idmap;
        if (!idmap && !(user_ns && plan.mounts[i].bind)) continue;
        try {
            std::string source = mount_source(mount, bundle);
            if (!idmap) {
                // Only a privileged rt may copy a mount of its namespace; an
                // unprivileged one (rootless) has no more reach than its
                // container's root, which then binds the path itself.
                fds[i] = try_clone_source(source, options);
                continue;
            }
            fds[i] = clone_source(source, options);
            idmap_tree(fds[i].get(), spec, mount, options, source);
        } catch (const Error& e) {
            throw e.with_context("mount " + mount.destination);
        }
    }
    return fds;
}

}  // namespace rt::linux
