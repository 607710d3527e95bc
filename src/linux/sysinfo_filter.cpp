// rt.lxcfs: the seccomp filter that hands sysinfo(2) to rt's agent, loaded
// by the container's init and each exec'd process, and the check that it
// can stand beside the config's own profile (rt/linux/sysinfo_agent.hpp).
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <seccomp.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <cstddef>

#include "rt/linux/seccomp.hpp"
#include "rt/linux/seccomp_notify.hpp"
#include "rt/linux/sysinfo_agent.hpp"
#include "rt/spec/rt_annotations.hpp"
#include "rt/util/error.hpp"

namespace rt::linux {
namespace {

const std::string kWhat = "annotation " + std::string(spec::kLxcfsAnnotation);

// sysinfo of the native ABI -> the listener; everything else allowed (the
// profile, a filter of its own, decides about the rest). Other ABIs (a
// 32-bit program, x32 with its flag bit in the number) never match.
std::vector<sock_filter> sysinfo_program() {
    const uint32_t arch = seccomp_arch_native();
    const int number = seccomp_syscall_resolve_name("sysinfo");
    if (number < 0) throw Error(kWhat + ": libseccomp knows no sysinfo system call on this architecture");
    return {
        BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(seccomp_data, arch)),
        BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, arch, 0, 3),
        BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(seccomp_data, nr)),
        BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, static_cast<uint32_t>(number), 0, 1),
        BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_USER_NOTIF),
        BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
    };
}

}  // namespace

std::string sysinfo_agent_socket(const std::string& state_dir) {
    return state_dir + "/sysinfo.sock";
}

void check_sysinfo_filter_fits(const spec::Spec& spec) {
    if (!spec.linux || !spec.linux->seccomp) return;
    SeccompRules rules = translate_seccomp(*spec.linux->seccomp, ".linux.seccomp");
    if (rules.notify) {
        throw Error(kWhat + ": .linux.seccomp has SCMP_ACT_NOTIFY rules, and the kernel gives a process one "
                            "seccomp listener, which rt needs to answer sysinfo(2)");
    }
    uint32_t action = rules.default_action;
    for (const SeccompRule& rule : rules.rules) {
        if (rule.syscall == "sysinfo") action = rule.action;
    }
    if ((action & 0xffff0000U) == SCMP_ACT_TRACE(0)) {  // the action; the low half is its data
        throw Error(kWhat + ": .linux.seccomp traces sysinfo (SCMP_ACT_TRACE), which rt's answer would take "
                            "from the tracer");
    }
}

SysinfoFilter::SysinfoFilter(const std::string& socket) {
    if (socket.empty()) return;
    try {
        agent_ = connect_seccomp_listener(socket);
    } catch (const Error& e) {
        throw e.with_context(kWhat + ": the container's sysinfo agent");
    }
}

void SysinfoFilter::load() {
    if (!agent_) return;
    std::vector<sock_filter> program = sysinfo_program();
    sock_fprog prog{};
    prog.len = static_cast<unsigned short>(program.size());
    prog.filter = program.data();
    int fd = static_cast<int>(::syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, SECCOMP_FILTER_FLAG_NEW_LISTENER, &prog));
    if (fd < 0) {
        if (errno == EBUSY) throw_errno(kWhat + ": load the sysinfo filter (the process has a seccomp listener already)");
        throw_errno(kWhat + ": load the sysinfo filter");
    }
    unique_fd listener(fd);
    send_seccomp_fd(agent_.get(), "rt sysinfo", listener.get());
    agent_.reset();
}

}  // namespace rt::linux
