// SeccompRules -> BPF through libseccomp (in the parent), and the seccomp(2)
// call that loads it (in the child).
#include <fcntl.h>
#include <linux/seccomp.h>
#include <seccomp.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <memory>
#include <optional>

#include "rt/linux/seccomp.hpp"
#include "rt/linux/seccomp_cache.hpp"
#include "rt/util/error.hpp"
#include "rt/util/log.hpp"

namespace rt::linux {
namespace {

struct FilterRelease {
    void operator()(void* ctx) const { seccomp_release(ctx); }
};
using filter_ptr = std::unique_ptr<void, FilterRelease>;

// Above this many rules libseccomp's binary tree beats its linear list
// (runc's threshold; libseccomp <= 2.5.4 misbehaves with a tree of 0 rules).
constexpr size_t kBinaryTreeThreshold = 32;

std::vector<sock_filter> export_bpf(scmp_filter_ctx ctx) {
    // libseccomp 2.5 exports to an fd only: a memfd holds any size.
    unique_fd memory(static_cast<int>(::syscall(SYS_memfd_create, "rt-seccomp", MFD_CLOEXEC)));
    if (!memory) throw_errno("memfd_create for the seccomp filter");
    if (int rc = seccomp_export_bpf(ctx, memory.get()); rc < 0) throw_errno(-rc, "export the seccomp filter");
    off_t size = ::lseek(memory.get(), 0, SEEK_END);
    if (size < 0 || size % sizeof(sock_filter) != 0) throw Error("export the seccomp filter: odd size");
    std::vector<sock_filter> program(static_cast<size_t>(size) / sizeof(sock_filter));
    if (::pread(memory.get(), program.data(), static_cast<size_t>(size), 0) != size) {
        throw_errno("read the seccomp filter back");
    }
    return program;
}

}  // namespace

SeccompProgram compile_seccomp(const SeccompRules& rules, const spec::Seccomp& seccomp) {
    filter_ptr filter(seccomp_init(rules.default_action));
    if (!filter) throw Error("seccomp: libseccomp refuses the default action " + seccomp_action_name(rules.default_action));
    scmp_filter_ctx ctx = filter.get();
    for (uint32_t arch : rules.architectures) {
        int rc = seccomp_arch_add(ctx, arch);
        if (rc < 0 && rc != -EEXIST) throw_errno(-rc, "seccomp: add architecture " + std::to_string(arch));
    }
    if (rules.rules.size() > kBinaryTreeThreshold) {
        // An optimisation only: an older libseccomp without it still works.
        if (seccomp_attr_set(ctx, SCMP_FLTATR_CTL_OPTIMIZE, 2) < 0) log::debug("seccomp: no binary tree optimisation");
    }
    for (const SeccompRule& rule : rules.rules) {
        int rc = seccomp_rule_add_array(ctx, rule.action, rule.number, static_cast<unsigned>(rule.args.size()),
                                        rule.args.data());
        if (rc < 0) {
            throw_errno(-rc, "seccomp: add rule " + seccomp_action_name(rule.action) + " for " + rule.syscall);
        }
    }

    SeccompProgram program;
    program.instructions = enosys_stub(rules.highest_syscalls);
    std::vector<sock_filter> exported = export_bpf(ctx);
    program.instructions.insert(program.instructions.end(), exported.begin(), exported.end());
    if (program.instructions.size() > BPF_MAXINSNS) {
        throw Error("the seccomp filter has " + std::to_string(program.instructions.size()) +
                    " instructions, above the kernel's " + std::to_string(BPF_MAXINSNS));
    }
    program.notify = rules.notify;
    program.flags = rules.flags;
    if (rules.notify) {
        program.flags |= SECCOMP_FILTER_FLAG_NEW_LISTENER;
        // TSYNC and NEW_LISTENER together need TSYNC_ESRCH (seccomp(2)).
        if (program.flags & SECCOMP_FILTER_FLAG_TSYNC) program.flags |= SECCOMP_FILTER_FLAG_TSYNC_ESRCH;
        program.listener_path = seccomp.listener_path.value_or("");
        program.listener_metadata = seccomp.listener_metadata.value_or("");
    } else if (program.flags & SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV) {
        // It only changes how a notified call waits: with no SCMP_ACT_NOTIFY
        // rule there is nothing for it to do, and the kernel refuses it
        // without NEW_LISTENER.
        log::debug("seccomp: SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV without SCMP_ACT_NOTIFY rules has no effect");
        program.flags &= ~static_cast<unsigned long>(SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV);
    }
    return program;
}

SeccompProgram plan_seccomp(const spec::Seccomp& seccomp, const std::string& where, const SeccompCache* cache) {
    // A profile found in the cache was translated and compiled without error
    // before, by this rt and libseccomp (they are part of the key): the same
    // translation cannot fail now.
    Sha256Digest key{};
    if (cache) {
        key = seccomp_cache_key(seccomp);
        if (std::optional<CachedSeccomp> hit = cache->load(key)) {
            SeccompProgram program;
            program.instructions = std::move(hit->instructions);
            program.flags = hit->flags;
            program.notify = (hit->flags & SECCOMP_FILTER_FLAG_NEW_LISTENER) != 0;
            if (program.notify) {
                program.listener_path = seccomp.listener_path.value_or("");
                program.listener_metadata = seccomp.listener_metadata.value_or("");
            }
            return program;
        }
    }
    SeccompRules rules = translate_seccomp(seccomp, where);
    for (const std::string& name : rules.unknown_syscalls) {
        log::debug("seccomp: unknown system call \"", name, "\" left out");
    }
    SeccompProgram program;
    try {
        program = compile_seccomp(rules, seccomp);
    } catch (const Error& e) {
        throw e.with_context(where);
    }
    if (cache) cache->store(key, {program.instructions, program.flags});
    return program;
}

unique_fd load_seccomp(const SeccompProgram& program) {
    sock_fprog prog{};
    prog.len = static_cast<unsigned short>(program.instructions.size());
    prog.filter = const_cast<sock_filter*>(program.instructions.data());
    long rc = ::syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, program.flags, &prog);
    if (rc < 0) {
        if (errno == EACCES) throw_errno("load the seccomp filter (needs noNewPrivileges or CAP_SYS_ADMIN)");
        throw_errno("load the seccomp filter");
    }
    return program.notify ? unique_fd(static_cast<int>(rc)) : unique_fd();
}

}  // namespace rt::linux
