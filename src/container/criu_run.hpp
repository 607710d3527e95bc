// Running the criu(8) binary for checkpoint and restore (internal to
// container/): found on PATH before anything is done, run as a child of rt,
// and on failure an error that quotes CRIU's own log.
#pragma once

#include <sys/types.h>

#include <functional>
#include <string>
#include <vector>

#include "rt/util/fd.hpp"

namespace rt::container {

// The criu binary on PATH; throws "criu: not found in PATH ..." otherwise.
std::string find_criu();

// A criu child that waits, before it execs, until release(): the parent
// moves it into the container's cgroups first. `setup` runs in the child
// after the release, before the exec, and may add arguments; it throws on
// failure (the child then says why on stderr and exits 127).
using ChildSetup = std::function<void(std::vector<std::string>& args)>;
class CriuChild {
public:
    CriuChild(const std::string& criu, std::vector<std::string> args, ChildSetup setup);
    ~CriuChild();
    CriuChild(const CriuChild&) = delete;
    CriuChild& operator=(const CriuChild&) = delete;
    pid_t pid() const { return pid_; }
    void release();
    // Waits for criu; throws an error naming `what` and quoting `log` (the
    // lines of CRIU's log with "Error") unless it exited 0.
    void wait(const std::string& what, const std::string& log);

private:
    pid_t pid_ = -1;
    unique_fd go_;
};

// Runs criu to the end (no setup, no wait for release).
void run_criu(const std::string& criu, const std::vector<std::string>& args, const std::string& what,
              const std::string& log);

}  // namespace rt::container
