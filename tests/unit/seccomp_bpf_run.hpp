// A classic BPF interpreter for seccomp programs, for tests: what a filter
// answers for a given architecture, number and arguments, on any
// architecture the filter handles (the kernel can only try the native one).
#pragma once

#include <linux/filter.h>
#include <linux/seccomp.h>

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <stdexcept>
#include <vector>

namespace rt::test {

inline uint32_t run_seccomp_bpf(const std::vector<sock_filter>& program, uint32_t arch, int nr,
                                const uint64_t (&args)[6] = {}) {
    seccomp_data data{};
    data.nr = nr;
    data.arch = arch;
    std::memcpy(data.args, args, sizeof data.args);
    uint32_t a = 0, x = 0, mem[BPF_MEMWORDS] = {};
    for (size_t pc = 0; pc < program.size(); ++pc) {
        const sock_filter& f = program[pc];
        auto word_at = [&](uint32_t k) {
            if (k % 4 != 0 || k + 4 > sizeof data) throw std::runtime_error("bad load offset");
            uint32_t v;
            std::memcpy(&v, reinterpret_cast<const char*>(&data) + k, 4);
            return v;
        };
        switch (f.code) {
        case BPF_LD | BPF_W | BPF_ABS: a = word_at(f.k); break;
        case BPF_LD | BPF_IMM: a = f.k; break;
        case BPF_LDX | BPF_IMM: x = f.k; break;
        case BPF_LD | BPF_MEM: a = mem[f.k]; break;
        case BPF_LDX | BPF_MEM: x = mem[f.k]; break;
        case BPF_ST: mem[f.k] = a; break;
        case BPF_STX: mem[f.k] = x; break;
        case BPF_ALU | BPF_AND | BPF_K: a &= f.k; break;
        case BPF_ALU | BPF_OR | BPF_K: a |= f.k; break;
        case BPF_MISC | BPF_TAX: x = a; break;
        case BPF_MISC | BPF_TXA: a = x; break;
        case BPF_JMP | BPF_JA: pc += f.k; break;
        case BPF_JMP | BPF_JEQ | BPF_K: pc += a == f.k ? f.jt : f.jf; break;
        case BPF_JMP | BPF_JGT | BPF_K: pc += a > f.k ? f.jt : f.jf; break;
        case BPF_JMP | BPF_JGE | BPF_K: pc += a >= f.k ? f.jt : f.jf; break;
        case BPF_JMP | BPF_JSET | BPF_K: pc += (a & f.k) ? f.jt : f.jf; break;
        case BPF_JMP | BPF_JEQ | BPF_X: pc += a == x ? f.jt : f.jf; break;
        case BPF_JMP | BPF_JGT | BPF_X: pc += a > x ? f.jt : f.jf; break;
        case BPF_JMP | BPF_JGE | BPF_X: pc += a >= x ? f.jt : f.jf; break;
        case BPF_RET | BPF_K: return f.k;
        case BPF_RET | BPF_A: return a;
        default: throw std::runtime_error("instruction not known to this interpreter: " + std::to_string(f.code));
        }
    }
    throw std::runtime_error("ran off the end of the program");
}

}  // namespace rt::test
