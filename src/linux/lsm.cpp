// AppArmor profile and SELinux label of the container's process.
#include "rt/linux/lsm.hpp"

#include <fcntl.h>
#include <sys/vfs.h>
#include <unistd.h>

#include <cerrno>
#include <sstream>

#include "rt/linux/own_proc.hpp"
#include "rt/util/error.hpp"
#include "rt/util/fd.hpp"
#include "rt/util/file.hpp"

namespace rt::linux {
namespace {

constexpr long kSelinuxMagic = 0xf97cff8c;

std::string trimmed(std::string text) {
    while (!text.empty() && (text.back() == '\n' || text.back() == ' ' || text.back() == '\0')) text.pop_back();
    return text;
}

// Writes `value` to <proc>/thread-self/attr/<name>: the label applies to the
// next execve of this thread.
bool write_attr(int proc_fd, const std::string& name, const std::string& value, bool missing_ok) {
    std::string path = "thread-self/attr/" + name;
    unique_fd fd = open_own_proc_file(proc_fd, path, O_WRONLY);
    if (!fd) {
        if (missing_ok && errno == ENOENT) return false;
        throw_errno("open /proc/" + path);
    }
    if (::write(fd.get(), value.data(), value.size()) != static_cast<ssize_t>(value.size())) {
        throw_errno("write \"" + value + "\" to /proc/" + path);
    }
    return true;
}

}  // namespace

HostLsms lsms_from_list(const std::string& list) {
    HostLsms host;
    host.description = "active LSMs: " + trimmed(list);
    std::istringstream names(trimmed(list));
    std::string name;
    while (std::getline(names, name, ',')) {
        if (name == "apparmor") host.apparmor = true;
        if (name == "selinux") host.selinux = true;
    }
    return host;
}

HostLsms host_lsms() {
    try {
        if (auto list = read_file_if_exists("/sys/kernel/security/lsm")) return lsms_from_list(*list);
    } catch (const Error&) {
        // Unreadable: fall back to the other signs.
    }
    HostLsms host;
    try {
        auto enabled = read_file_if_exists("/sys/module/apparmor/parameters/enabled");
        host.apparmor = enabled && enabled->starts_with("Y");
    } catch (const Error&) {
    }
    struct statfs fs {};
    host.selinux = ::statfs("/sys/fs/selinux", &fs) == 0 && static_cast<long>(fs.f_type) == kSelinuxMagic;
    host.description = "no /sys/kernel/security/lsm; AppArmor module " +
                       std::string(host.apparmor ? "enabled" : "not enabled") + ", selinuxfs " +
                       (host.selinux ? "mounted" : "not mounted");
    return host;
}

LsmLabels plan_lsm_labels(const spec::Process& process, const HostLsms& host, const std::string& where) {
    LsmLabels labels;
    if (process.apparmor_profile && !process.apparmor_profile->empty()) {
        if (!host.apparmor) {
            throw Error(where + ".apparmorProfile: AppArmor is not enabled on this host (" + host.description + ")");
        }
        labels.apparmor_profile = process.apparmor_profile;
    }
    if (process.selinux_label && !process.selinux_label->empty()) {
        if (!host.selinux) {
            throw Error(where + ".selinuxLabel: SELinux is not enabled on this host (" + host.description + ")");
        }
        labels.selinux_label = process.selinux_label;
    }
    return labels;
}

void apply_lsm_labels(const LsmLabels& labels, int proc_fd) {
    if (labels.apparmor_profile) {
        // Since Linux 5.1 AppArmor has its own directory (the LSMs may be
        // stacked); attr/exec is the older interface. As runc.
        const std::string value = "exec " + *labels.apparmor_profile;
        if (!write_attr(proc_fd, "apparmor/exec", value, true)) write_attr(proc_fd, "exec", value, false);
    }
    if (labels.selinux_label) write_attr(proc_fd, "exec", *labels.selinux_label, false);
}

}  // namespace rt::linux
