// Device access control: which device nodes the container's processes may
// read, write or mknod (linux.resources.devices).
//
// The rules rt applies are, in this order (as runc):
//   1. deny everything ("a *:* rwm");
//   2. the config's rules, in their order;
//   3. the default devices every container may use (/dev/null, /dev/zero,
//      /dev/full, /dev/random, /dev/urandom, /dev/tty, /dev/pts/*,
//      /dev/ptmx, /dev/net/tun, and mknod of any device), minus those whose
//      path linux.devices redefines.
// A later rule overrides an earlier one for the accesses it names.
//
// cgroup v1 writes them one by one to devices.deny / devices.allow. cgroup v2
// has no devices files: the rules become a BPF_PROG_TYPE_CGROUP_DEVICE program
// (raw instructions, generated here) attached to the container's cgroup.
#pragma once

#include <linux/bpf.h>

#include <cstdint>
#include <string>
#include <vector>

#include "rt/spec/config.hpp"

namespace rt::cgroups {

struct DeviceRule {
    bool allow = false;
    char type = 'a';     // 'a' (all), 'c' or 'b'
    int64_t major = -1;  // -1: any
    int64_t minor = -1;
    std::string access = "rwm";  // subset of "rwm"

    bool operator==(const DeviceRule&) const = default;
};

// The default rules of step 3 above (all allow).
const std::vector<DeviceRule>& default_device_rules();

// Steps 1-3 for a config: `rules` from linux.resources.devices, `devices`
// from linux.devices. What comes before the last rule for every access to
// every device ("a *:* rwm", allow or deny) is dropped: that rule overrides
// it all.
std::vector<DeviceRule> container_device_rules(const std::vector<spec::DeviceRule>& rules,
                                               const std::vector<spec::Device>& devices);

// The lines of devices.allow/devices.deny for a rule: "c 1:3 rwm", or "a"
// for everything. A narrower rule of type 'a' becomes a 'c' and a 'b' line.
std::vector<std::string> v1_rule_lines(const DeviceRule& rule);

// The cgroup v2 program for `rules`. It sees the access as
// bpf_cgroup_dev_ctx {access_type = access << 16 | type, major, minor} and
// returns 1 (allow) or 0 (deny). It walks the rules from the last to the
// first, keeping in R6 the requested access bits no rule has decided yet: a
// matching deny rule that names one of them denies; a matching allow rule
// decides the bits it names, and allows once none is left. Bits no rule
// decides are denied.
std::vector<bpf_insn> device_filter_program(const std::vector<DeviceRule>& rules);

// Loads a device program and attaches it to a cgroup v2 directory in place of
// the one there (the kernel's BPF_F_REPLACE when exactly one is attached, else
// attach the new one, then detach the old ones): the cgroup is never without
// a filter. An interface so that unit tests can record instead of loading.
class DeviceFilterLoader {
public:
    virtual ~DeviceFilterLoader() = default;
    virtual void replace(const std::string& cgroup_dir, const std::vector<bpf_insn>& program) = 0;
};

// The real one: bpf(2).
DeviceFilterLoader& kernel_device_filter_loader();

}  // namespace rt::cgroups
