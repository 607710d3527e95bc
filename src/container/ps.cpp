// rt ps: the processes in the container's cgroup, as JSON or as lines of
// ps(1) output (runc runs ps with the caller's arguments and keeps the lines
// whose PID is the container's).
#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <sstream>

#include "container_cgroups.hpp"
#include "internal.hpp"
#include "rt/util/error.hpp"
#include "rt/util/fd.hpp"
#include "rt/util/log.hpp"
#include "rt/util/process.hpp"

namespace rt::container {
namespace {

struct Output {
    int status = 0;
    std::string text;  // stdout and stderr together
};

// Runs argv (looked up in PATH) and collects what it prints.
Output run_capturing(const std::vector<std::string>& argv) {
    int pipe_fds[2];
    if (::pipe2(pipe_fds, O_CLOEXEC) < 0) throw_errno("pipe");
    unique_fd read_end(pipe_fds[0]), write_end(pipe_fds[1]);
    pid_t pid = ::fork();
    if (pid < 0) throw_errno("fork");
    if (pid == 0) {
        ::dup2(write_end.get(), STDOUT_FILENO);
        ::dup2(write_end.get(), STDERR_FILENO);
        std::vector<char*> args;
        for (const auto& arg : argv) args.push_back(const_cast<char*>(arg.c_str()));
        args.push_back(nullptr);
        ::execvp(args[0], args.data());
        std::string message = errno_message(errno, "exec " + argv[0]) + "\n";
        ssize_t ignored = ::write(STDERR_FILENO, message.data(), message.size());
        (void)ignored;
        ::_exit(127);
    }
    write_end.reset();
    Output out;
    char buffer[4096];
    for (;;) {
        ssize_t n = ::read(read_end.get(), buffer, sizeof buffer);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) break;
        out.text.append(buffer, static_cast<size_t>(n));
    }
    out.status = wait_child(pid);
    return out;
}

}  // namespace

std::vector<pid_t> processes(const state::Store& store, const std::string& id) {
    state::ContainerState state = store.load(id);
    std::vector<pid_t> pids = require_cgroups(state)->processes();
    std::sort(pids.begin(), pids.end());
    return pids;
}

std::string ps(const state::Store& store, const PsOptions& options) {
    std::vector<pid_t> pids = processes(store, options.id);
    if (options.json) {
        std::string out = "[";
        for (size_t i = 0; i < pids.size(); ++i) out += (i ? "," : "") + std::to_string(pids[i]);
        return out + "]\n";
    }
    std::vector<std::string> argv = {"ps"};
    if (options.ps_args.empty()) {
        argv.push_back("-ef");
    } else {
        argv.insert(argv.end(), options.ps_args.begin(), options.ps_args.end());
    }
    if (log::debugging()) {
        std::string shown;
        for (const auto& arg : argv) shown += " " + arg;
        log::debug("ps: running", shown);
    }
    Output output = run_capturing(argv);
    if (output.status != 0) {
        std::string how = WIFEXITED(output.status) ? "exit status " + std::to_string(WEXITSTATUS(output.status))
                                                   : "killed by signal " + std::to_string(WTERMSIG(output.status));
        throw Error("ps: " + how + ": " + output.text);
    }
    std::istringstream lines(output.text);
    std::string header;
    std::getline(lines, header);
    std::istringstream titles(header);
    std::string title;
    int pid_column = -1;
    for (int i = 0; titles >> title; ++i) {
        if (title == "PID") {
            pid_column = i;
            break;
        }
    }
    if (pid_column < 0) throw Error("couldn't find PID field in ps output");
    std::string out = header + "\n";
    std::string line;
    while (std::getline(lines, line)) {
        if (line.empty()) continue;
        std::istringstream fields(line);
        std::string field;
        for (int i = 0; i <= pid_column && fields >> field; ++i) {
        }
        char* end = nullptr;
        long pid = std::strtol(field.c_str(), &end, 10);
        if (field.empty() || *end != '\0') throw Error("unable to parse pid: \"" + field + "\"");
        if (std::binary_search(pids.begin(), pids.end(), static_cast<pid_t>(pid))) out += line + "\n";
    }
    return out;
}

}  // namespace rt::container
