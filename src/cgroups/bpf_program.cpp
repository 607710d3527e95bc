// The cgroup v2 device filter, as raw eBPF instructions (no compiler, no
// libbpf): the same prologue as systemd's, crun's and runc's generators, and
// a block per rule, walked from the last rule to the first.
#include "rt/cgroups/devices.hpp"

namespace rt::cgroups {
namespace {

bpf_insn insn(uint8_t code, uint8_t dst, uint8_t src, int16_t off, int32_t imm) {
    bpf_insn i{};
    i.code = code;
    i.dst_reg = dst & 0xf;
    i.src_reg = src & 0xf;
    i.off = off;
    i.imm = imm;
    return i;
}

bpf_insn load_word(uint8_t dst, uint8_t src, int16_t offset) {
    return insn(BPF_LDX | BPF_W | BPF_MEM, dst, src, offset, 0);
}
bpf_insn alu32_imm(uint8_t op, uint8_t dst, int32_t imm) {
    return insn(BPF_ALU | op | BPF_K, dst, 0, 0, imm);
}
bpf_insn mov32_reg(uint8_t dst, uint8_t src) {
    return insn(BPF_ALU | BPF_MOV | BPF_X, dst, src, 0, 0);
}
bpf_insn mov64_imm(uint8_t dst, int32_t imm) {
    return insn(BPF_ALU64 | BPF_MOV | BPF_K, dst, 0, 0, imm);
}
bpf_insn jump_imm(uint8_t op, uint8_t dst, int32_t imm) {
    return insn(BPF_JMP | op | BPF_K, dst, 0, 0, imm);  // offset set once the block is complete
}
bpf_insn exit_insn() {
    return insn(BPF_JMP | BPF_EXIT, 0, 0, 0, 0);
}

// Registers, after the prologue.
constexpr uint8_t r_result = BPF_REG_0;
constexpr uint8_t r_scratch = BPF_REG_1;  // the context pointer is no longer needed
constexpr uint8_t r_type = BPF_REG_2;
constexpr uint8_t r_access = BPF_REG_3;
constexpr uint8_t r_major = BPF_REG_4;
constexpr uint8_t r_minor = BPF_REG_5;
constexpr uint8_t r_undecided = BPF_REG_6;

constexpr int32_t all_access = BPF_DEVCG_ACC_READ | BPF_DEVCG_ACC_WRITE | BPF_DEVCG_ACC_MKNOD;

int32_t access_mask(const std::string& access) {
    int32_t mask = 0;
    for (char c : access) {
        if (c == 'r') mask |= BPF_DEVCG_ACC_READ;
        if (c == 'w') mask |= BPF_DEVCG_ACC_WRITE;
        if (c == 'm') mask |= BPF_DEVCG_ACC_MKNOD;
    }
    return mask;
}

// The block of one rule. Every jump in it goes to the next block, so the
// offsets are "to the end of this block".
std::vector<bpf_insn> rule_block(const DeviceRule& rule, int32_t mask) {
    std::vector<bpf_insn> block;
    if (rule.type == 'c') block.push_back(jump_imm(BPF_JNE, r_type, BPF_DEVCG_DEV_CHAR));
    if (rule.type == 'b') block.push_back(jump_imm(BPF_JNE, r_type, BPF_DEVCG_DEV_BLOCK));
    if (rule.major >= 0) block.push_back(jump_imm(BPF_JNE, r_major, static_cast<int32_t>(rule.major)));
    if (rule.minor >= 0) block.push_back(jump_imm(BPF_JNE, r_minor, static_cast<int32_t>(rule.minor)));
    if (rule.allow) {
        if (mask != all_access) {
            // Those bits are allowed; allow once none is left undecided.
            block.push_back(alu32_imm(BPF_AND, r_undecided, ~mask));
            block.push_back(jump_imm(BPF_JNE, r_undecided, 0));
        }
        block.push_back(mov64_imm(r_result, 1));
    } else {
        if (mask != all_access) {
            // Deny if one of the undecided bits is among those denied.
            block.push_back(mov32_reg(r_scratch, r_undecided));
            block.push_back(alu32_imm(BPF_AND, r_scratch, mask));
            block.push_back(jump_imm(BPF_JEQ, r_scratch, 0));
        }
        block.push_back(mov64_imm(r_result, 0));
    }
    block.push_back(exit_insn());
    for (size_t i = 0; i < block.size(); ++i) {
        if (BPF_CLASS(block[i].code) == BPF_JMP && BPF_OP(block[i].code) != BPF_EXIT) {
            block[i].off = static_cast<int16_t>(block.size() - i - 1);
        }
    }
    return block;
}

}  // namespace

std::vector<bpf_insn> device_filter_program(const std::vector<DeviceRule>& rules) {
    std::vector<bpf_insn> program = {
        // struct bpf_cgroup_dev_ctx { u32 access_type; u32 major; u32 minor; }
        load_word(r_type, BPF_REG_1, 0),  // type: low 16 bits of access_type
        alu32_imm(BPF_AND, r_type, 0xffff),
        load_word(r_access, BPF_REG_1, 0),  // access: high 16 bits
        alu32_imm(BPF_RSH, r_access, 16),
        load_word(r_major, BPF_REG_1, 4),
        load_word(r_minor, BPF_REG_1, 8),
        mov32_reg(r_undecided, r_access),
    };
    for (auto rule = rules.rbegin(); rule != rules.rend(); ++rule) {
        int32_t mask = access_mask(rule->access);
        if (mask == 0) continue;  // decides nothing
        auto block = rule_block(*rule, mask);
        program.insert(program.end(), block.begin(), block.end());
        // A rule for every access to every device decides everything left:
        // what comes after it could never run (and the verifier refuses
        // unreachable instructions).
        if (rule->type == 'a' && rule->major < 0 && rule->minor < 0 && mask == all_access) return program;
    }
    // Whatever no rule decided is denied.
    program.push_back(mov64_imm(r_result, 0));
    program.push_back(exit_insn());
    return program;
}

}  // namespace rt::cgroups
