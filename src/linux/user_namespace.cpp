#include "rt/linux/user_namespace.hpp"

#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>

#include "rt/util/error.hpp"
#include "rt/util/file.hpp"
#include "rt/util/process.hpp"

namespace rt::linux {

std::string format_id_map(const std::vector<spec::IdMapping>& mappings) {
    std::string text;
    for (const auto& m : mappings) {
        text += std::to_string(m.container_id) + " " + std::to_string(m.host_id) + " " +
                std::to_string(m.size) + "\n";
    }
    return text;
}

bool needs_setgroups_deny(bool privileged) { return !privileged; }

namespace {

void write_maps_of(pid_t pid, const std::vector<spec::IdMapping>& uid_mappings,
                   const std::vector<spec::IdMapping>& gid_mappings) {
    std::string proc = "/proc/" + std::to_string(pid);
    try {
        write_existing_file(proc + "/uid_map", format_id_map(uid_mappings));
        if (needs_setgroups_deny(::geteuid() == 0)) write_existing_file(proc + "/setgroups", "deny");
        write_existing_file(proc + "/gid_map", format_id_map(gid_mappings));
    } catch (const Error& e) {
        throw e.with_context("user namespace mappings");
    }
}

// struct clone_args of <linux/sched.h> (which clashes with glibc's <sched.h>),
// the fields up to exit_signal: a fork into a new user namespace.
struct CloneArgs {
    uint64_t flags;
    uint64_t pidfd;
    uint64_t child_tid;
    uint64_t parent_tid;
    uint64_t exit_signal;
    uint64_t stack;
    uint64_t stack_size;
    uint64_t tls;
};

}  // namespace

void write_id_maps(pid_t pid, const spec::Linux& linux) {
    const spec::Namespace* user = linux.find_namespace(spec::NamespaceType::user);
    if (!user || user->path) return;
    write_maps_of(pid, linux.uid_mappings, linux.gid_mappings);
}

unique_fd make_user_namespace(const std::vector<spec::IdMapping>& uid_mappings,
                              const std::vector<spec::IdMapping>& gid_mappings) {
    CloneArgs args{};
    args.flags = CLONE_NEWUSER;
    args.exit_signal = SIGCHLD;
    pid_t pid = static_cast<pid_t>(::syscall(SYS_clone3, &args, sizeof args));
    if (pid < 0) throw_errno("clone a user namespace for an idmapped mount");
    if (pid == 0) {
        // Only holds the namespace until the parent has its fd.
        for (;;) ::pause();
    }
    unique_fd ns;
    try {
        write_maps_of(pid, uid_mappings, gid_mappings);
        std::string path = "/proc/" + std::to_string(pid) + "/ns/user";
        ns.reset(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
        if (!ns) throw_errno("open " + path);
    } catch (...) {
        ::kill(pid, SIGKILL);
        wait_child(pid);
        throw;
    }
    ::kill(pid, SIGKILL);
    wait_child(pid);
    return ns;
}

}  // namespace rt::linux
