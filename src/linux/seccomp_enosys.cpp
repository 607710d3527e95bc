// The ENOSYS stub of a seccomp filter (runc's libcontainer/seccomp/patchbpf,
// in rt's own code): a profile cannot name the system calls of kernels newer
// than itself, and its default errno (EPERM) would tell libc that such a call
// exists but is refused, so libc gives up instead of falling back (clone3 to
// clone, faccessat2 to faccessat, ...). The stub, put before libseccomp's
// program, answers ENOSYS for every number above the highest one the
// profile names on the caller's architecture; everything else goes on to the
// filter as before. A known call that the profile leaves out still gets the
// default errno.
//
// The rule, as runc's:
//   - only when the default action refuses (errno, kill, trap) and its errno
//     is not ENOSYS already: with allow, log or trace nothing is refused;
//   - per architecture of the filter, the native one always included; x32
//     shares x86_64's AUDIT_ARCH and is told apart by bit 30 of the number;
//   - the highest number is over every name of the profile, whatever its
//     action (names this libseccomp does not know count for nothing);
//   - on s390 and s390x, call 0 (setup(2), through which the kernel
//     multiplexes numbers it does not know) gets ENOSYS too.
//
// Layout (all jumps forward; the filter starts right after the stub):
//       ld  arch
//       jeq AUDIT_ARCH_a, section_a       (one per architecture)
//       ja  filter
//   section_a:
//       ld  nr
//       jgt highest_a, enosys
//       ja  filter
//   enosys:
//       ret ERRNO(ENOSYS)
//   filter:
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <seccomp.h>

#include <algorithm>
#include <cerrno>
#include <cstddef>
#include <optional>

#include "rt/linux/seccomp.hpp"
#include "rt/util/error.hpp"

namespace rt::linux {
namespace {

constexpr uint32_t kX32Bit = 0x40000000;  // __X32_SYSCALL_BIT
constexpr uint32_t kArchOffset = offsetof(seccomp_data, arch);
constexpr uint32_t kNumberOffset = offsetof(seccomp_data, nr);

// The kernel's AUDIT_ARCH_* of a libseccomp architecture: the same value but
// for x32, which libseccomp tells apart with a value of its own.
uint32_t audit_arch(uint32_t scmp_arch) { return scmp_arch == SCMP_ARCH_X32 ? SCMP_ARCH_X86_64 : scmp_arch; }

// One architecture as the kernel sees it: x86_64 may hold x32 too.
struct Section {
    uint32_t audit = 0;
    bool s390 = false;
    std::optional<uint32_t> highest;      // the architecture itself
    std::optional<uint32_t> x32_highest;  // x32, within x86_64
};

// A program with forward jumps to labels, resolved when it is finished.
class Assembler {
public:
    size_t here() const { return code_.size(); }
    void load(uint32_t offset) { code_.push_back(BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offset)); }
    void ret(uint32_t value) { code_.push_back(BPF_STMT(BPF_RET | BPF_K, value)); }
    // Conditional jump: to label `yes` when true, else to `no` (-1: the next
    // instruction).
    void jump_if(uint16_t op, uint32_t k, int yes, int no = -1) {
        fixups_.push_back({code_.size(), yes, no, false});
        code_.push_back(BPF_JUMP(BPF_JMP | op | BPF_K, k, 0, 0));
    }
    void jump(int label) {
        fixups_.push_back({code_.size(), label, -1, true});
        code_.push_back(BPF_STMT(BPF_JMP | BPF_JA, 0));
    }
    int label() {
        labels_.push_back(SIZE_MAX);
        return static_cast<int>(labels_.size() - 1);
    }
    void place(int label) { labels_[static_cast<size_t>(label)] = code_.size(); }

    std::vector<sock_filter> finish() {
        for (const Fixup& f : fixups_) {
            auto offset = [&](int label) -> size_t {
                size_t target = labels_.at(static_cast<size_t>(label));
                if (target == SIZE_MAX || target <= f.at) throw Error("seccomp ENOSYS stub: bad jump");
                return target - f.at - 1;
            };
            sock_filter& insn = code_[f.at];
            if (f.unconditional) {
                insn.k = static_cast<uint32_t>(offset(f.yes));
                continue;
            }
            size_t yes = offset(f.yes), no = f.no < 0 ? 0 : offset(f.no);
            // A conditional jump reaches 255 instructions: the stub is a few
            // dozen long at most.
            if (yes > 255 || no > 255) throw Error("seccomp ENOSYS stub: a jump is too long");
            insn.jt = static_cast<uint8_t>(yes);
            insn.jf = static_cast<uint8_t>(no);
        }
        return std::move(code_);
    }

private:
    struct Fixup {
        size_t at;
        int yes, no;
        bool unconditional;
    };
    std::vector<sock_filter> code_;
    std::vector<size_t> labels_;
    std::vector<Fixup> fixups_;
};

}  // namespace

bool default_action_wants_enosys_stub(uint32_t default_action) {
    const uint32_t kind = default_action & SECCOMP_RET_ACTION_FULL;
    // Allow, log and trace let unknown calls reach the kernel (a tracer
    // handles ENOSYS itself); an errno of ENOSYS already says it.
    if (kind == SCMP_ACT_ALLOW || kind == SCMP_ACT_LOG || kind == SCMP_ACT_TRACE(0)) return false;
    return default_action != SCMP_ACT_ERRNO(ENOSYS);
}

std::vector<std::pair<uint32_t, uint32_t>> highest_syscalls(const spec::Seccomp& seccomp,
                                                            const std::vector<uint32_t>& architectures) {
    std::vector<uint32_t> archs = {seccomp_arch_native()};
    for (uint32_t arch : architectures) {
        if (std::find(archs.begin(), archs.end(), arch) == archs.end()) archs.push_back(arch);
    }
    std::vector<std::pair<uint32_t, uint32_t>> out;
    for (uint32_t arch : archs) {
        int highest = 0;
        for (const spec::SeccompSyscall& syscall : seccomp.syscalls) {
            for (const std::string& name : syscall.names) {
                // Negative: unknown (__NR_SCMP_ERROR) or not on this
                // architecture (libseccomp's pseudo numbers).
                highest = std::max(highest, seccomp_syscall_resolve_name_arch(arch, name.c_str()));
            }
        }
        if (highest > 0) out.emplace_back(arch, static_cast<uint32_t>(highest));
    }
    return out;
}

std::vector<sock_filter> enosys_stub(const std::vector<std::pair<uint32_t, uint32_t>>& highest) {
    if (highest.empty()) return {};
    std::vector<Section> sections;
    for (const auto& entry : highest) {
        const uint32_t arch = entry.first, number = entry.second;
        auto it = std::find_if(sections.begin(), sections.end(),
                               [&](const Section& s) { return s.audit == audit_arch(arch); });
        if (it == sections.end()) {
            sections.push_back({audit_arch(arch), arch == SCMP_ARCH_S390 || arch == SCMP_ARCH_S390X, {}, {}});
            it = sections.end() - 1;
        }
        (arch == SCMP_ARCH_X32 ? it->x32_highest : it->highest) = number;
    }

    Assembler a;
    const int filter = a.label(), enosys = a.label();
    std::vector<int> starts;
    a.load(kArchOffset);
    for (const Section& section : sections) {
        starts.push_back(a.label());
        a.jump_if(BPF_JEQ, section.audit, starts.back());
    }
    a.jump(filter);  // an architecture the profile does not name: the filter decides
    for (size_t i = 0; i < sections.size(); ++i) {
        const Section& s = sections[i];
        a.place(starts[i]);
        a.load(kNumberOffset);
        if (s.s390) a.jump_if(BPF_JEQ, 0, enosys);
        if (s.audit == AUDIT_ARCH_X86_64) {
            const int x32 = a.label();
            // Bit 30 set: an x32 call. Without x32 in the profile it goes
            // to the filter as it is; without x86_64, a native one does.
            a.jump_if(BPF_JSET, kX32Bit, x32);
            if (s.highest) a.jump_if(BPF_JGT, *s.highest, enosys);
            a.jump(filter);
            a.place(x32);
            if (s.x32_highest) a.jump_if(BPF_JGT, *s.x32_highest, enosys);
        } else {
            a.jump_if(BPF_JGT, *s.highest, enosys);
        }
        a.jump(filter);
    }
    a.place(enosys);
    a.ret(SECCOMP_RET_ERRNO | ENOSYS);
    a.place(filter);
    return a.finish();
}

}  // namespace rt::linux
