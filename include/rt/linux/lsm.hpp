// process.apparmorProfile and process.selinuxLabel (config.md, Linux Process):
// the label the container's process gets at execve. Both need that LSM active
// on the host: asking for one the host does not have is an error before
// anything is created (a container meant to be confined must not run
// unconfined).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "rt/spec/config.hpp"

namespace rt::linux {

struct HostLsms {
    bool apparmor = false;
    bool selinux = false;
    std::string description;  // "lsm: lockdown,capability,landlock" or how it was found out
};

// /sys/kernel/security/lsm when securityfs is mounted; otherwise the signs
// runc goes by: AppArmor's module parameter, a mounted selinuxfs.
HostLsms host_lsms();
// Parses the content of /sys/kernel/security/lsm ("lockdown,capability,apparmor").
HostLsms lsms_from_list(const std::string& list);

struct LsmLabels {
    std::optional<std::string> apparmor_profile;  // empty strings in the config mean "none", as in runc
    std::optional<std::string> selinux_label;
};
// Throws rt::Error naming `where`.apparmorProfile / .selinuxLabel when the host
// lacks that LSM.
LsmLabels plan_lsm_labels(const spec::Process& process, const HostLsms& host, const std::string& where);

// Writes the labels for the next execve of this thread (attr/apparmor/exec
// or attr/exec, attr/exec), through `proc_fd`, a /proc of the host's.
void apply_lsm_labels(const LsmLabels& labels, int proc_fd);

}  // namespace rt::linux
