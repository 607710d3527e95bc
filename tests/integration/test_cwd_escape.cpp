// A working directory that leads out of the container (issue 9 item 1,
// CVE-2024-21626): process.cwd (or exec --cwd) "/proc/self/fd/N/.." goes
// through whatever fd N the runtime still holds when it enters the cwd; on a
// runtime that chdir()s to the string, N=3 put the process in the host's
// /proc (host PIDs listed, core_pattern writable). rt resolves the cwd with
// the container's root as "/" and no magic link, enters it by fd, and checks
// getcwd. (rt exec holds no directory fd when it enters the cwd, so only
// create's init was reachable this way.) Such a cwd stays inside the container (".." is taken lexically,
// so it names the container's own /proc/self/fd) or fails, naming it.
#include "fixture.hpp"

namespace rt_test {
namespace {

class CwdEscape : public RtTest {};

// What the process prints: the entries of its cwd, which on the host's /proc
// or in rt's state directory are not those of the image's root.
const std::vector<std::string> kListCwd = {"/bin/sh", "-c", "ls -a | tr '\\n' ' '"};

bool lists_host_directory(const std::string& out) {
    // /proc: numbered entries and "sys"; the state dir: state.json,
    // exec.fifo; a log dir: the log.
    return out.find(" sys ") != std::string::npos || out.find("state.json") != std::string::npos ||
           out.find("exec.fifo") != std::string::npos || out.find("rt.log") != std::string::npos;
}

TEST_F(CwdEscape, ProcessCwdThroughAnFdOfRtsStaysInside) {
    for (int n = 3; n <= 12; ++n) {
        Bundle bundle;
        bundle.args(kListCwd);
        std::string cwd = "/proc/self/fd/" + std::to_string(n) + "/..";
        bundle.config["process"]["cwd"] = cwd;
        bundle.write();
        auto r = rt({"run", "--bundle", bundle.dir(), new_id()});
        EXPECT_FALSE(lists_host_directory(r.out)) << "cwd " << cwd << " reached the host: " << r.out;
        // Resolved inside the root (its own /proc/self/fd, ".." taken
        // lexically), or refused naming it.
        if (r.status != 0) {
            EXPECT_NE(r.err.find(cwd), std::string::npos) << r.err;
        }
    }
}

}  // namespace
}  // namespace rt_test
