// Device rules: the list rt applies (deny all, the config's, the defaults),
// their v1 lines, and the cgroup v2 BPF program: its instructions for a
// small rule set, and what it decides, run by a small eBPF interpreter
// that knows the instructions the generator uses.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "rt/cgroups/devices.hpp"
#include "rt/spec/parse.hpp"

namespace rt::cgroups {
namespace {

using ::testing::ElementsAre;

// Runs `program` on a bpf_cgroup_dev_ctx; returns R0. Fails the test on an
// instruction it does not know, a backward jump or running off the end.
int64_t run(const std::vector<bpf_insn>& program, char type, const std::string& access, uint32_t major,
            uint32_t minor) {
    uint32_t ctx[3];
    uint32_t access_bits = 0;
    for (char c : access) {
        if (c == 'r') access_bits |= BPF_DEVCG_ACC_READ;
        if (c == 'w') access_bits |= BPF_DEVCG_ACC_WRITE;
        if (c == 'm') access_bits |= BPF_DEVCG_ACC_MKNOD;
    }
    ctx[0] = access_bits << 16 | (type == 'b' ? BPF_DEVCG_DEV_BLOCK : BPF_DEVCG_DEV_CHAR);
    ctx[1] = major;
    ctx[2] = minor;
    uint64_t reg[11] = {};
    bool initialized[11] = {};
    initialized[1] = true;  // R1 = ctx
    for (size_t pc = 0; pc < program.size(); ++pc) {
        const bpf_insn& i = program[pc];
        auto src = [&] { return BPF_SRC(i.code) == BPF_X ? reg[i.src_reg] : static_cast<uint64_t>(int64_t{i.imm}); };
        switch (BPF_CLASS(i.code)) {
        case BPF_LDX:
            EXPECT_EQ(i.code, BPF_LDX | BPF_W | BPF_MEM);
            EXPECT_EQ(i.src_reg, 1);
            reg[i.dst_reg] = ctx[i.off / 4];
            initialized[i.dst_reg] = true;
            break;
        case BPF_ALU: {  // 32-bit: the result is zero-extended
            uint32_t a = static_cast<uint32_t>(reg[i.dst_reg]), b = static_cast<uint32_t>(src());
            switch (BPF_OP(i.code)) {
            case BPF_AND: a &= b; break;
            case BPF_RSH: a >>= b; break;
            case BPF_MOV: a = b; break;
            default: ADD_FAILURE() << "ALU op " << int(BPF_OP(i.code)); return -1;
            }
            if (BPF_OP(i.code) != BPF_MOV) {
                EXPECT_TRUE(initialized[i.dst_reg]) << "pc " << pc;
            }
            reg[i.dst_reg] = a;
            initialized[i.dst_reg] = true;
            break;
        }
        case BPF_ALU64:
            EXPECT_EQ(BPF_OP(i.code), BPF_MOV);
            reg[i.dst_reg] = src();
            initialized[i.dst_reg] = true;
            break;
        case BPF_JMP: {
            if (BPF_OP(i.code) == BPF_EXIT) {
                EXPECT_TRUE(initialized[0]);
                return static_cast<int64_t>(reg[0]);
            }
            EXPECT_GE(i.off, 0) << "backward jump at " << pc;
            EXPECT_TRUE(initialized[i.dst_reg]);
            bool taken = false;
            switch (BPF_OP(i.code)) {
            case BPF_JNE: taken = reg[i.dst_reg] != src(); break;
            case BPF_JEQ: taken = reg[i.dst_reg] == src(); break;
            default: ADD_FAILURE() << "JMP op " << int(BPF_OP(i.code)); return -1;
            }
            if (taken) pc += i.off;
            break;
        }
        default: ADD_FAILURE() << "class " << int(BPF_CLASS(i.code)); return -1;
        }
    }
    ADD_FAILURE() << "ran off the end of the program";
    return -1;
}

std::vector<DeviceRule> rules_of(const std::string& devices_json) {
    return container_device_rules(spec::parse_resources(R"({"devices": )" + devices_json + "}").devices, {});
}

TEST(DeviceRules, DenyAllThenTheConfigsThenTheDefaults) {
    auto rules = rules_of(R"([{"allow": true, "type": "c", "major": 4, "minor": 7, "access": "rw"}])");
    ASSERT_EQ(rules.size(), 2 + default_device_rules().size());
    EXPECT_EQ(rules[0], (DeviceRule{false, 'a', -1, -1, "rwm"}));
    EXPECT_EQ(rules[1], (DeviceRule{true, 'c', 4, 7, "rw"}));
    EXPECT_EQ(rules.back(), (DeviceRule{true, 'c', 10, 200, "rwm"}));  // /dev/net/tun, runc's last
}

TEST(DeviceRules, RulesBeforeAnAllOrNothingRuleAreDropped) {
    EXPECT_EQ(rules_of(R"([{"allow": false, "access": "rwm"}])"), rules_of("[]"));
    auto rules = rules_of(R"([{"allow": true, "type": "c", "major": 4, "access": "r"},
                              {"allow": true, "access": "rwm"},
                              {"allow": false, "type": "b", "access": "w"}])");
    ASSERT_EQ(rules.size(), 2 + default_device_rules().size());
    EXPECT_EQ(rules[0], (DeviceRule{true, 'a', -1, -1, "rwm"}));
    EXPECT_EQ(rules[1], (DeviceRule{false, 'b', -1, -1, "w"}));
}

TEST(DeviceRules, ADefaultDeviceTheConfigRedefinesLosesItsRule) {
    spec::Device null_device;
    null_device.path = "/dev/null";
    null_device.type = "c";
    auto rules = container_device_rules({}, {null_device});
    EXPECT_EQ(rules.size(), 1 + default_device_rules().size() - 1);
    for (const auto& rule : rules) EXPECT_FALSE(rule.major == 1 && rule.minor == 3);
}

TEST(DeviceRules, V1Lines) {
    EXPECT_THAT(v1_rule_lines({false, 'a', -1, -1, "rwm"}), ElementsAre("a"));
    EXPECT_THAT(v1_rule_lines({true, 'c', 1, 3, "rwm"}), ElementsAre("c 1:3 rwm"));
    EXPECT_THAT(v1_rule_lines({true, 'c', 136, -1, "rw"}), ElementsAre("c 136:* rw"));
    // The kernel would read "a 8:0 r" as "everything": one line per type.
    EXPECT_THAT(v1_rule_lines({false, 'a', 8, 0, "r"}), ElementsAre("c 8:0 r", "b 8:0 r"));
    EXPECT_THAT(v1_rule_lines({true, 'a', -1, -1, "m"}), ElementsAre("c *:* m", "b *:* m"));
}

bpf_insn insn(uint8_t code, uint8_t dst, uint8_t src, int16_t off, int32_t imm) {
    bpf_insn i{};
    i.code = code;
    i.dst_reg = dst;
    i.src_reg = src;
    i.off = off;
    i.imm = imm;
    return i;
}

bool operator==(const bpf_insn& a, const bpf_insn& b) {
    return a.code == b.code && a.dst_reg == b.dst_reg && a.src_reg == b.src_reg && a.off == b.off && a.imm == b.imm;
}

TEST(DeviceFilterProgram, Instructions) {
    // deny all; allow c 1:3 rwm; deny r of block devices of major 8.
    std::vector<DeviceRule> rules = {{false, 'a', -1, -1, "rwm"}, {true, 'c', 1, 3, "rwm"}, {false, 'b', 8, -1, "r"}};
    std::vector<bpf_insn> expected = {
        // prologue: R2 type, R3 access, R4 major, R5 minor, R6 undecided access
        insn(BPF_LDX | BPF_W | BPF_MEM, 2, 1, 0, 0),
        insn(BPF_ALU | BPF_AND | BPF_K, 2, 0, 0, 0xffff),
        insn(BPF_LDX | BPF_W | BPF_MEM, 3, 1, 0, 0),
        insn(BPF_ALU | BPF_RSH | BPF_K, 3, 0, 0, 16),
        insn(BPF_LDX | BPF_W | BPF_MEM, 4, 1, 4, 0),
        insn(BPF_LDX | BPF_W | BPF_MEM, 5, 1, 8, 0),
        insn(BPF_ALU | BPF_MOV | BPF_X, 6, 3, 0, 0),
        // last rule first: deny b 8:* r
        insn(BPF_JMP | BPF_JNE | BPF_K, 2, 0, 6, BPF_DEVCG_DEV_BLOCK),
        insn(BPF_JMP | BPF_JNE | BPF_K, 4, 0, 5, 8),
        insn(BPF_ALU | BPF_MOV | BPF_X, 1, 6, 0, 0),
        insn(BPF_ALU | BPF_AND | BPF_K, 1, 0, 0, BPF_DEVCG_ACC_READ),
        insn(BPF_JMP | BPF_JEQ | BPF_K, 1, 0, 2, 0),
        insn(BPF_ALU64 | BPF_MOV | BPF_K, 0, 0, 0, 0),
        insn(BPF_JMP | BPF_EXIT, 0, 0, 0, 0),
        // allow c 1:3 rwm
        insn(BPF_JMP | BPF_JNE | BPF_K, 2, 0, 4, BPF_DEVCG_DEV_CHAR),
        insn(BPF_JMP | BPF_JNE | BPF_K, 4, 0, 3, 1),
        insn(BPF_JMP | BPF_JNE | BPF_K, 5, 0, 2, 3),
        insn(BPF_ALU64 | BPF_MOV | BPF_K, 0, 0, 0, 1),
        insn(BPF_JMP | BPF_EXIT, 0, 0, 0, 0),
        // deny a *:* rwm decides the rest: nothing follows
        insn(BPF_ALU64 | BPF_MOV | BPF_K, 0, 0, 0, 0),
        insn(BPF_JMP | BPF_EXIT, 0, 0, 0, 0),
    };
    auto program = device_filter_program(rules);
    ASSERT_EQ(program.size(), expected.size());
    for (size_t i = 0; i < expected.size(); ++i) EXPECT_TRUE(program[i] == expected[i]) << "instruction " << i;
}

TEST(DeviceFilterProgram, TheDefaultsAllowTheUsualDevicesOnly) {
    auto program = device_filter_program(container_device_rules({}, {}));
    EXPECT_EQ(run(program, 'c', "rw", 1, 3), 1);    // /dev/null
    EXPECT_EQ(run(program, 'c', "r", 1, 9), 1);     // /dev/urandom
    EXPECT_EQ(run(program, 'c', "rw", 136, 5), 1);  // /dev/pts/5
    EXPECT_EQ(run(program, 'c', "m", 4, 1), 1);     // mknod of anything
    EXPECT_EQ(run(program, 'b', "m", 8, 0), 1);
    EXPECT_EQ(run(program, 'c', "r", 1, 1), 0);   // /dev/mem
    EXPECT_EQ(run(program, 'b', "r", 8, 0), 0);   // /dev/sda
    EXPECT_EQ(run(program, 'c', "rm", 4, 1), 0);  // mknod yes, read no: no
    EXPECT_EQ(run(program, 'c', "w", 10, 229), 0);
}

TEST(DeviceFilterProgram, LaterRulesWinForTheAccessTheyName) {
    // allow c 10:229 rw, then deny its w: reading stays allowed.
    auto program = device_filter_program(rules_of(R"([
        {"allow": true, "type": "c", "major": 10, "minor": 229, "access": "rw"},
        {"allow": false, "type": "c", "major": 10, "minor": 229, "access": "w"}])"));
    EXPECT_EQ(run(program, 'c', "r", 10, 229), 1);
    EXPECT_EQ(run(program, 'c', "w", 10, 229), 0);
    EXPECT_EQ(run(program, 'c', "rw", 10, 229), 0);
    // Two allows, each for a part: the whole is allowed (v1 merges them too).
    program = device_filter_program(rules_of(R"([
        {"allow": true, "type": "c", "major": 10, "minor": 229, "access": "r"},
        {"allow": true, "type": "c", "major": 10, "minor": 229, "access": "w"}])"));
    EXPECT_EQ(run(program, 'c', "rw", 10, 229), 1);
    EXPECT_EQ(run(program, 'c', "rwm", 10, 229), 1);  // m from the defaults
    EXPECT_EQ(run(program, 'b', "rw", 10, 229), 0);
}

TEST(DeviceFilterProgram, AllowAllThenDenyOne) {
    auto program = device_filter_program(rules_of(R"([
        {"allow": true, "access": "rwm"},
        {"allow": false, "type": "b", "major": 7, "access": "rwm"}])"));
    EXPECT_EQ(run(program, 'c', "rw", 1, 1), 1);
    EXPECT_EQ(run(program, 'b', "r", 8, 0), 1);
    EXPECT_EQ(run(program, 'b', "r", 7, 3), 0);
    // runc's defaults come last: mknod of block devices stays allowed.
    EXPECT_EQ(run(program, 'b', "m", 7, 3), 1);
}

TEST(DeviceFilterProgram, TypeAMatchesBothTypes) {
    auto program = device_filter_program(rules_of(R"([{"allow": true, "type": "a", "major": 4, "access": "r"}])"));
    EXPECT_EQ(run(program, 'c', "r", 4, 1), 1);
    EXPECT_EQ(run(program, 'b', "r", 4, 1), 1);
    EXPECT_EQ(run(program, 'b', "w", 4, 1), 0);
}

}  // namespace
}  // namespace rt::cgroups
