#include "rt/linux/user_namespace.hpp"

#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <cstdlib>

#include "rt/util/error.hpp"
#include "rt/util/file.hpp"
#include "rt/util/process.hpp"
#include "clone3.hpp"

namespace rt::linux {

std::string format_id_map(const std::vector<spec::IdMapping>& mappings) {
    std::string text;
    for (const auto& m : mappings) {
        text += std::to_string(m.container_id) + " " + std::to_string(m.host_id) + " " +
                std::to_string(m.size) + "\n";
    }
    return text;
}

MapWriter map_writer(bool privileged, const std::vector<spec::IdMapping>& mappings, unsigned own_id) {
    if (privileged) return MapWriter::direct;
    bool own_only = mappings.size() == 1 && mappings[0].size == 1 && mappings[0].host_id == own_id;
    return own_only ? MapWriter::direct_denying_setgroups : MapWriter::tool;
}

std::vector<std::string> mapping_tool_argv(const std::string& tool, pid_t pid,
                                           const std::vector<spec::IdMapping>& mappings) {
    std::vector<std::string> argv = {tool, std::to_string(pid)};
    for (const auto& m : mappings) {
        argv.push_back(std::to_string(m.container_id));
        argv.push_back(std::to_string(m.host_id));
        argv.push_back(std::to_string(m.size));
    }
    return argv;
}

namespace {

// `name` in $PATH (or /usr/bin:/bin without one), as runc finds it; empty
// when it is nowhere.
std::string find_in_path(const std::string& name) {
    const char* path = ::getenv("PATH");
    std::string dirs = path && *path ? path : "/usr/bin:/bin";
    size_t start = 0;
    while (start <= dirs.size()) {
        size_t colon = dirs.find(':', start);
        std::string dir = dirs.substr(start, colon == std::string::npos ? std::string::npos : colon - start);
        std::string candidate = (dir.empty() ? "." : dir) + "/" + name;
        if (::access(candidate.c_str(), X_OK) == 0) return candidate;
        if (colon == std::string::npos) break;
        start = colon + 1;
    }
    return {};
}

// Runs newuidmap or newgidmap for `pid`; its own message on failure (it
// says which range /etc/subuid does not grant).
void run_mapping_tool(const std::string& name, const char* file, pid_t pid,
                      const std::vector<spec::IdMapping>& mappings) {
    std::string tool = find_in_path(name);
    if (tool.empty()) {
        throw Error("rootless: mapping more than the caller's own ID needs " + name +
                    " (Debian's uidmap package), and it is not in $PATH");
    }
    auto args = mapping_tool_argv(tool, pid, mappings);
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    int err[2];
    if (::pipe2(err, O_CLOEXEC) < 0) throw_errno("pipe");
    unique_fd read_end(err[0]), write_end(err[1]);
    pid_t child = ::fork();
    if (child < 0) throw_errno("fork " + name);
    if (child == 0) {
        ::dup2(write_end.get(), STDERR_FILENO);
        ::execv(tool.c_str(), argv.data());
        ::_exit(127);
    }
    write_end.reset();
    std::string message;
    char buffer[512];
    for (ssize_t n; (n = ::read(read_end.get(), buffer, sizeof buffer)) != 0;) {
        if (n < 0) {
            if (errno == EINTR) continue;
            break;
        }
        if (message.size() < 4096) message.append(buffer, static_cast<size_t>(n));
    }
    int status = exit_code_of(wait_child(child));
    if (status != 0) {
        while (!message.empty() && (message.back() == '\n' || message.back() == ' ')) message.pop_back();
        throw Error(std::string(file) + " of the user namespace: " + tool + " failed (exit status " +
                    std::to_string(status) + ")" + (message.empty() ? "" : ": " + message) +
                    " (the ranges must be granted in /etc/sub" + (name == "newuidmap" ? "uid" : "gid") + ")");
    }
}

void write_maps_of(pid_t pid, const std::vector<spec::IdMapping>& uid_mappings,
                   const std::vector<spec::IdMapping>& gid_mappings) {
    std::string proc = "/proc/" + std::to_string(pid);
    bool privileged = ::geteuid() == 0;
    try {
        if (map_writer(privileged, uid_mappings, ::geteuid()) == MapWriter::tool) {
            run_mapping_tool("newuidmap", "uid_map", pid, uid_mappings);
        } else {
            write_existing_file(proc + "/uid_map", format_id_map(uid_mappings));
        }
        switch (map_writer(privileged, gid_mappings, ::getegid())) {
        case MapWriter::tool: run_mapping_tool("newgidmap", "gid_map", pid, gid_mappings); break;
        case MapWriter::direct_denying_setgroups:
            write_existing_file(proc + "/setgroups", "deny");
            [[fallthrough]];
        case MapWriter::direct: write_existing_file(proc + "/gid_map", format_id_map(gid_mappings)); break;
        }
    } catch (const Error& e) {
        throw e.with_context("user namespace mappings");
    }
}

}  // namespace

void write_id_maps(pid_t pid, const spec::Linux& linux) {
    const spec::Namespace* user = linux.find_namespace(spec::NamespaceType::user);
    if (!user || user->path) return;
    write_maps_of(pid, linux.uid_mappings, linux.gid_mappings);
}

unique_fd make_user_namespace(const std::vector<spec::IdMapping>& uid_mappings,
                              const std::vector<spec::IdMapping>& gid_mappings) {
    CloneArgs args{};
    args.flags = CLONE_NEWUSER;
    args.exit_signal = SIGCHLD;
    pid_t pid = static_cast<pid_t>(::syscall(SYS_clone3, &args, sizeof args));
    if (pid < 0) throw_errno("clone a user namespace for an idmapped mount");
    if (pid == 0) {
        // Only holds the namespace until the parent has its fd.
        for (;;) ::pause();
    }
    unique_fd ns;
    try {
        write_maps_of(pid, uid_mappings, gid_mappings);
        std::string path = "/proc/" + std::to_string(pid) + "/ns/user";
        ns.reset(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
        if (!ns) throw_errno("open " + path);
    } catch (...) {
        ::kill(pid, SIGKILL);
        wait_child(pid);
        throw;
    }
    ::kill(pid, SIGKILL);
    wait_child(pid);
    return ns;
}

}  // namespace rt::linux
