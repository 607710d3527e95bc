#include "rt/linux/idmapped_mounts.hpp"

#include <fcntl.h>
#include <linux/mount.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "rt/linux/mount_options.hpp"
#include "rt/linux/user_namespace.hpp"
#include "rt/util/error.hpp"

namespace rt::linux {

bool wants_idmap(const spec::Mount& mount) {
    return !mount.uid_mappings.empty() || parse_mount_options(mount.options).idmap;
}

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

unique_fd idmapped_tree(const spec::Spec& spec, const spec::Mount& mount, const std::string& bundle) {
    MountOptions options = parse_mount_options(mount.options);
    std::string source = mount.source.value_or("");
    if (!source.empty() && source[0] != '/') source = bundle + "/" + source;

    unsigned clone_flags = OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC;
    if (options.recursive_bind) clone_flags |= AT_RECURSIVE;
    unique_fd tree(static_cast<int>(::syscall(SYS_open_tree, AT_FDCWD, source.c_str(), clone_flags)));
    if (!tree) throw_errno("open_tree " + source);

    unique_fd userns = mapping_namespace(spec, mount);
    mount_attr attr{};
    attr.attr_set = MOUNT_ATTR_IDMAP;
    attr.userns_fd = static_cast<uint64_t>(userns.get());
    // "ridmap" maps the submounts of an rbind too; "idmap" only its top.
    unsigned setattr_flags = AT_EMPTY_PATH | (options.recursive_idmap ? AT_RECURSIVE : 0);
    if (::syscall(SYS_mount_setattr, tree.get(), "", setattr_flags, &attr, sizeof attr) < 0) {
        throw_errno("idmap " + source + " (mount_setattr MOUNT_ATTR_IDMAP)");
    }
    return tree;
}

}  // namespace

std::vector<unique_fd> prepare_idmapped_mounts(const spec::Spec& spec, const std::string& bundle) {
    std::vector<unique_fd> fds(spec.mounts.size());
    for (size_t i = 0; i < spec.mounts.size(); ++i) {
        const spec::Mount& mount = spec.mounts[i];
        if (!wants_idmap(mount)) continue;
        try {
            fds[i] = idmapped_tree(spec, mount, bundle);
        } catch (const Error& e) {
            throw e.with_context("mount " + mount.destination);
        }
    }
    return fds;
}

}  // namespace rt::linux
