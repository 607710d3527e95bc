#include "criu_run.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <deque>
#include <sstream>

#include "rt/util/error.hpp"
#include "rt/util/file.hpp"
#include "rt/util/log.hpp"
#include "rt/util/process.hpp"

namespace rt::container {
namespace {

std::string status_text(int status) {
    if (WIFEXITED(status)) return "exit status " + std::to_string(WEXITSTATUS(status));
    if (WIFSIGNALED(status)) return std::string("killed by signal ") + ::strsignal(WTERMSIG(status));
    return "status " + std::to_string(status);
}

// The last lines of CRIU's log that say "Error", as runc quotes them.
std::string quote_errors(const std::string& log) {
    auto text = read_file_if_exists(log);
    if (!text) return "";
    std::deque<std::string> errors;
    std::istringstream lines(*text);
    std::string line;
    while (std::getline(lines, line)) {
        if (line.find("Error") == std::string::npos) continue;
        errors.push_back(line);
        if (errors.size() > 3) errors.pop_front();
    }
    std::string out;
    for (const auto& e : errors) out += (out.empty() ? "" : "; ") + e;
    return out;
}

}  // namespace

std::string find_criu() {
    const char* path = ::getenv("PATH");
    std::istringstream dirs(path ? path : "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin");
    std::string dir;
    while (std::getline(dirs, dir, ':')) {
        if (dir.empty()) continue;
        std::string candidate = dir + "/criu";
        struct stat st {};
        if (::stat(candidate.c_str(), &st) == 0 && S_ISREG(st.st_mode) && ::access(candidate.c_str(), X_OK) == 0) {
            return candidate;
        }
    }
    throw Error("criu: not found in PATH (rt checkpoint and restore need CRIU, criu(8), installed)", ENOENT);
}

CriuChild::CriuChild(const std::string& criu, std::vector<std::string> args, ChildSetup setup) {
    int go[2];
    if (::pipe2(go, O_CLOEXEC) < 0) throw_errno("pipe");
    unique_fd go_read(go[0]);
    go_.reset(go[1]);
    if (log::debugging()) {
        std::string line;
        for (const auto& a : args) line += (line.empty() ? "" : " ") + a;
        log::debug("running ", line);
    }
    pid_ = ::fork();
    if (pid_ < 0) throw_errno("fork criu");
    if (pid_ == 0) {
        go_.reset();
        char byte;
        if (::read(go_read.get(), &byte, 1) != 1) ::_exit(127);  // the parent gave up
        std::string message;
        try {
            if (setup) setup(args);
            std::vector<char*> argv;
            for (auto& a : args) argv.push_back(a.data());
            argv.push_back(nullptr);
            ::execv(criu.c_str(), argv.data());
            message = "rt: exec " + criu + ": " + std::strerror(errno) + "\n";
        } catch (const std::exception& e) {
            message = std::string("rt: before criu: ") + e.what() + "\n";
        }
        ssize_t ignored = ::write(STDERR_FILENO, message.data(), message.size());
        (void)ignored;
        ::_exit(127);
    }
}

CriuChild::~CriuChild() {
    if (pid_ <= 0) return;
    go_.reset();  // an unreleased child exits
    ::kill(pid_, SIGKILL);
    try {
        wait_child(pid_);
    } catch (const Error&) {
    }
}

void CriuChild::release() {
    char byte = 0;
    if (::write(go_.get(), &byte, 1) != 1) throw_errno("release criu");
    go_.reset();
}

void CriuChild::wait(const std::string& what, const std::string& log) {
    int status = wait_child(pid_);
    pid_ = -1;
    if (WIFEXITED(status) && WEXITSTATUS(status) == 0) return;
    std::string message = what + " failed (criu " + status_text(status) + "; log " + log + ")";
    std::string errors = quote_errors(log);
    if (!errors.empty()) message += ": " + errors;
    throw Error(message);
}

void run_criu(const std::string& criu, const std::vector<std::string>& args, const std::string& what,
              const std::string& log) {
    CriuChild child(criu, args, nullptr);
    child.release();
    child.wait(what, log);
}

}  // namespace rt::container
