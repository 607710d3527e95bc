// What every integration test stands on: running build/rt with a state root
// of its own, busybox bundles in temp dirs, and cleanup that leaves nothing
// on the host even when the test fails.
//
// Each test gets
//   root_   /run/rt-test-<pid>-<n>: the --root of every rt it runs
//   bundle  /tmp/rt-test-XXXXXX/: config.json + rootfs (busybox and
//           rt-testhelper), config editable as JSON before write()
// TearDown force-deletes every container under root_ and checks that no
// state, mount or process of the test is left.
#pragma once

#include <gtest/gtest.h>
#include <sys/types.h>

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace rt_test {

using nlohmann::json;

struct Result {
    int status = -1;  // exit code, or 128+N when killed by signal N
    std::string out;
    std::string err;
};

// Runs a program to completion with a timeout (killing it past that).
Result run_program(const std::vector<std::string>& argv, const std::string& input = "",
                   int timeout_seconds = 60);

// A process left running (rt run in the foreground, say), with its output
// collected when it is waited for.
class Background {
public:
    Background(const std::vector<std::string>& argv);
    ~Background();
    Background(const Background&) = delete;
    Background& operator=(const Background&) = delete;
    pid_t pid() const { return pid_; }
    // Waits (with a timeout) and returns what it printed and its status.
    Result wait(int timeout_seconds = 60);
    // Reads stdout until `text` appears (or timeout); true if it did.
    bool wait_for_output(const std::string& text, int timeout_seconds = 20);

private:
    pid_t pid_ = -1;
    int out_fd_ = -1;
    int err_fd_ = -1;
    std::string out_, err_;
};

// The caller's side of --console-socket and --pidfd-socket, as containerd's
// shim and conmon hold it: a listening unix socket (removed at the end).
class FdListener {
public:
    explicit FdListener(const std::string& path);
    ~FdListener();
    FdListener(const FdListener&) = delete;
    FdListener& operator=(const FdListener&) = delete;
    const std::string& path() const { return path_; }

    struct Received {
        int fds = 0;            // how many fds came
        int fd = -1;            // the first of them (the test closes it)
        std::string bytes;
        bool then_eof = false;  // nothing more came, and rt closed its end
    };
    // Accepts one connection (waiting up to 10 s) and reads what it carries.
    Received receive();

private:
    std::string path_;
    int fd_ = -1;
};

// A bundle in a fresh temp dir. The rootfs is a copy of a template made once
// per test binary by scripts/mkrootfs (busybox + /bin/rt-testhelper).
class Bundle {
public:
    Bundle();
    ~Bundle();
    Bundle(const Bundle&) = delete;
    Bundle& operator=(const Bundle&) = delete;

    const std::string& dir() const { return dir_; }
    std::string rootfs() const { return dir_ + "/rootfs"; }
    json config;  // the default test config; edit, then write()

    // Sets process.args.
    Bundle& args(const std::vector<std::string>& argv);
    void write() const;

private:
    std::string dir_;
};

// Host uid and gid that root of a user-namespaced test container maps to.
constexpr unsigned kMappedRoot = 100000;
// Adds a user namespace mapping root to kMappedRoot (65536 ids) to `config`.
void add_user_namespace(json& config);
// lchown -R, as runc's tests remap a rootfs for a user namespace.
void chown_tree(const std::string& path, uid_t uid, gid_t gid);

// The default test config: busybox sh, namespaces pid/mount/ipc/uts/network,
// the usual /proc, /dev, /dev/pts, /dev/shm, /dev/mqueue, /sys mounts.
json default_config();

class RtTest : public ::testing::Test {
protected:
    void SetUp() override;
    void TearDown() override;

    // build/rt --root root_ ARGS...
    Result rt(const std::vector<std::string>& args, const std::string& input = "",
              int timeout_seconds = 60);
    std::vector<std::string> rt_argv(const std::vector<std::string>& args) const;
    // `state ID` parsed; fails the test if rt fails.
    json state(const std::string& id);
    // A unique container ID for this test.
    std::string new_id(const std::string& hint = "c");
    // `run -d` of `bundle` with an init that waits for a signal (its args
    // replaced): a running container to work on. Returns its ID.
    std::string start_container(Bundle& bundle);
    // `create` of `bundle` (written first) must fail with `message` and leave
    // no state and no mount behind.
    void expect_create_fails(Bundle& bundle, const std::string& message);

    std::string root_;
    int id_counter_ = 0;
};

std::string read_text(const std::string& path);
bool path_exists(const std::string& path);
// Lines of /proc/self/mountinfo that mention `needle`.
std::vector<std::string> host_mounts_containing(const std::string& needle);
bool process_exists(pid_t pid);
// True once `pid` handles `signal` or waits for it in sigwaitinfo: a
// container's PID 1 drops signals it does neither with.
bool catches_signal(pid_t pid, int signal);
// Polls `check` up to timeout; true when it returned true.
bool eventually(const std::function<bool()>& check, int timeout_ms = 5000);

}  // namespace rt_test
