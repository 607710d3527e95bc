// What the engines' own processes do around rt that a shell does not, seen
// under containerd's shim and conmon (tests/suites/containerd.sh, podman.sh):
// here, a caller that is a child subreaper and reaps every child the moment
// it exits.
#include <fcntl.h>
#include <sched.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>

#include "fixture.hpp"

namespace rt_test {
namespace {

class Callers : public RtTest {};

std::vector<char*> c_argv(const std::vector<std::string>& argv) {
    std::vector<char*> args;
    for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    return args;
}

// Runs `create` and then `start` from a child that, as conmon and the runc
// shim do, is a subreaper (the init becomes its child when create exits) and
// reaps each child as soon as it exits. Returns start's exit status; its
// stderr goes to err_path.
int create_and_start_under_a_reaper(const std::vector<std::string>& create,
                                    const std::vector<std::string>& start,
                                    const std::string& err_path) {
    auto create_args = c_argv(create);
    auto start_args = c_argv(start);
    pid_t reaper = fork();
    if (reaper == 0) {
        alarm(30);  // never hang the test binary
        prctl(PR_SET_CHILD_SUBREAPER, 1);
        // One CPU for all: the init that start wakes runs at once, as it
        // often does on a busy machine.
        cpu_set_t one;
        CPU_ZERO(&one);
        CPU_SET(sched_getcpu(), &one);
        sched_setaffinity(0, sizeof one, &one);
        int null = open("/dev/null", O_RDWR);
        int err = open(err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
        dup2(null, 0);
        dup2(null, 1);
        dup2(err, 2);
        for (int fd = 3; fd < 1024; ++fd) close(fd);
        pid_t pid = fork();
        if (pid == 0) {
            execv(create_args[0], create_args.data());
            _exit(127);
        }
        int status = 0;
        if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status) || WEXITSTATUS(status) != 0) _exit(100);
        pid_t start_pid = fork();
        if (start_pid == 0) {
            execv(start_args[0], start_args.data());
            _exit(127);
        }
        // Reap start and the container's init, whichever ends first.
        int start_status = -1;
        for (;;) {
            pid_t done = waitpid(-1, &status, 0);
            if (done < 0 && errno == EINTR) continue;
            if (done < 0) break;  // ECHILD: nothing left
            if (done == start_pid) start_status = status;
        }
        _exit(WIFEXITED(start_status) ? WEXITSTATUS(start_status) : 101);
    }
    int status = 0;
    waitpid(reaper, &status, 0);
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

// The init of a container whose process exits at once can be gone, and
// reaped by the caller, before `start` returns: start succeeded all the same
// (podman's `run --rm echo` failed one time in five with "cannot start a
// container that has stopped" when start looked for the init only after
// opening the exec fifo).
TEST_F(Callers, StartOfAProcessThatExitsAtOnceUnderAReapingCaller) {
    Bundle bundle;
    bundle.args({"/bin/true"});
    bundle.write();
    std::string err_path = bundle.dir() + "/start.err";
    int failures = 0;
    std::string first_error;
    for (int i = 0; i < 40; ++i) {
        std::string id = new_id("reaped");
        int status = create_and_start_under_a_reaper(rt_argv({"create", "--bundle", bundle.dir(), id}),
                                                     rt_argv({"start", id}), err_path);
        ASSERT_NE(status, 100) << "create failed: " << read_text(err_path);
        if (status != 0) {
            ++failures;
            if (first_error.empty()) first_error = read_text(err_path);
        }
        EXPECT_EQ(state(id)["status"], "stopped");
        ASSERT_EQ(rt({"delete", id}).status, 0);
    }
    EXPECT_EQ(failures, 0) << "start failed " << failures << " times of 40, first: " << first_error;
}

}  // namespace
}  // namespace rt_test
