// The container's process: user and groups, working directory, the command
// looked up in the container's PATH, fds, and finally execve.
#include <fcntl.h>
#include <grp.h>
#include <linux/close_range.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <climits>
#include <sstream>

#include "rt/util/error.hpp"
#include "rt/util/file.hpp"
#include "rt/util/passwd.hpp"
#include "rt/linux/path_in_root.hpp"
#include "steps.hpp"

namespace rt::linux {
namespace {

constexpr const char* default_path = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

std::string env_value(const std::vector<std::string>& env, const std::string& name) {
    for (const auto& entry : env) {
        if (entry.size() > name.size() && entry.compare(0, name.size(), name) == 0 &&
            entry[name.size()] == '=') {
            return entry.substr(name.size() + 1);
        }
    }
    return {};
}

bool has_env(const std::vector<std::string>& env, const std::string& name) {
    for (const auto& entry : env) {
        if (entry.compare(0, name.size() + 1, name + "=") == 0) return true;
    }
    return false;
}

// The user's home directory from the container's /etc/passwd, "/" if none.
std::string home_of(uint32_t uid) {
    std::optional<std::string> passwd;
    try {
        passwd = read_file_if_exists("/etc/passwd");
    } catch (const Error&) {
        return "/";
    }
    auto entry = passwd ? passwd_by_uid(*passwd, uid) : std::nullopt;
    return entry && !entry->home.empty() ? entry->home : "/";
}

// Called as the container's user (real and effective ids alike), maybe
// under a seccomp filter already: access(2), not faccessat(AT_EACCESS),
// which glibc makes faccessat2, a call older profiles (Docker's before 2021,
// runtime-tools') do not allow.
bool is_executable_file(const std::string& path) {
    struct stat st {};
    return ::stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode) && ::access(path.c_str(), X_OK) == 0;
}

std::string look_up(const std::string& command, const std::vector<std::string>& env) {
    if (command.find('/') != std::string::npos) {
        if (!is_executable_file(command)) throw_errno("exec: \"" + command + "\"");
        return command;
    }
    std::string path = has_env(env, "PATH") ? env_value(env, "PATH") : default_path;
    std::istringstream dirs(path);
    std::string dir;
    while (std::getline(dirs, dir, ':')) {
        std::string candidate = (dir.empty() ? "." : dir) + "/" + command;
        if (is_executable_file(candidate)) return candidate;
    }
    throw Error("exec: \"" + command + "\": executable file not found in $PATH", ENOENT);
}

}  // namespace

void set_user(const spec::Process& process) {
    const auto& user = process.user;
    std::vector<gid_t> groups(user.additional_gids.begin(), user.additional_gids.end());
    if (::setgroups(groups.size(), groups.data()) < 0) {
        // A user namespace whose maps an unprivileged rt wrote has setgroups
        // "deny" (user_namespaces(7)): with no group to set there is none
        // to drop either, as runc; asked-for groups are an error.
        int err = errno;
        auto policy = read_file_if_exists("/proc/self/setgroups");
        bool denied = err == EPERM && policy && policy->rfind("deny", 0) == 0;
        if (!denied || !groups.empty()) {
            throw_errno(err, denied ? "setgroups (additionalGids need a user namespace whose maps allow setgroups: "
                                      "rootless, map them with newgidmap)"
                                    : "setgroups");
        }
    }
    if (::setresgid(user.gid, user.gid, user.gid) < 0) {
        throw_errno("setresgid " + std::to_string(user.gid));
    }
    if (::setresuid(user.uid, user.uid, user.uid) < 0) {
        throw_errno("setresuid " + std::to_string(user.uid));
    }
}

void enter_cwd(const spec::Process& process) {
    // By fd, resolved with the container's root as "/" and no magic link: a
    // cwd such as /proc/self/fd/N/.. would otherwise lead through an fd rt
    // still holds (the exec fifo, the log, a host /proc) to the host's
    // directories (CVE-2024-21626).
    unique_fd root(::open("/", O_PATH | O_DIRECTORY | O_CLOEXEC));
    if (!root) throw_errno("open / to enter cwd " + process.cwd);
    unique_fd dir;
    try {
        dir = open_in_root(root.get(), process.cwd, O_PATH | O_DIRECTORY);
    } catch (const Error& e) {
        errno = e.err();
        throw_errno("chdir to cwd " + process.cwd);
    }
    if (::fchdir(dir.get()) < 0) throw_errno("chdir to cwd " + process.cwd);
    // The kernel names a directory outside the root "(unreachable)/...",
    // which getcwd(3) refuses: whatever happened, the process never starts
    // with a working directory it cannot reach from its own "/".
    char here[PATH_MAX];
    if (::getcwd(here, sizeof here) == nullptr || here[0] != '/') {
        throw Error("cwd " + process.cwd + " lies outside the container's root", EPERM);
    }
}

ExecPlan plan_exec(const spec::Process& process) {
    ExecPlan plan;
    plan.argv = process.args;
    plan.env = process.env;
    if (!has_env(plan.env, "HOME")) plan.env.push_back("HOME=" + home_of(process.user.uid));
    plan.path = look_up(process.args.at(0), plan.env);
    return plan;
}

void prepare_fds(int preserve_fds) {
    unsigned first_closed = 3 + static_cast<unsigned>(preserve_fds);
    if (::syscall(SYS_close_range, first_closed, ~0U, CLOSE_RANGE_CLOEXEC) < 0) {
        throw_errno("close_range");
    }
    for (int fd = 3; fd < static_cast<int>(first_closed); ++fd) {
        if (::fcntl(fd, F_SETFD, 0) < 0 && errno != EBADF) {
            throw_errno("keep fd " + std::to_string(fd));
        }
    }
}

void exec_process(const ExecPlan& plan, mode_t umask_value) {
    std::vector<char*> argv, envp;
    for (const auto& a : plan.argv) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    for (const auto& e : plan.env) envp.push_back(const_cast<char*>(e.c_str()));
    envp.push_back(nullptr);
    ::umask(umask_value);
    ::execve(plan.path.c_str(), argv.data(), envp.data());
    throw_errno("exec " + plan.path);
}

}  // namespace rt::linux
