#include "fixture.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <sstream>
#include <thread>

namespace fs = std::filesystem;

namespace rt_test {
namespace {

int exit_code(int status) {
    if (WIFEXITED(status)) return WEXITSTATUS(status);
    if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
    return -1;
}

pid_t spawn(const std::vector<std::string>& argv, int in_fd, int out_fd, int err_fd) {
    pid_t pid = fork();
    if (pid == 0) {
        dup2(in_fd, 0);
        dup2(out_fd, 1);
        dup2(err_fd, 2);
        // Like a shim or a shell: no fd of the test binary leaks to rt.
        for (int fd = 3; fd < 1024; ++fd) close(fd);
        std::vector<char*> args;
        for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
        args.push_back(nullptr);
        execv(args[0], args.data());
        _exit(127);
    }
    return pid;
}

// Reads what is there now, without waiting.
void read_available(int fd, std::string& into) {
    if (fd < 0) return;
    char buf[4096];
    for (;;) {
        pollfd p{fd, POLLIN, 0};
        if (poll(&p, 1, 0) <= 0 || !(p.revents & POLLIN)) return;
        ssize_t got = read(fd, buf, sizeof buf);
        if (got <= 0) return;
        into.append(buf, static_cast<size_t>(got));
    }
}

// Collects output until the process exits (not until the pipes close: a
// container started by `rt create` keeps rt's stdout and stderr open), the
// text `until` appears, or the deadline passes. Returns true unless the
// deadline passed; `status` gets the wait status once the process exited.
bool collect(pid_t pid, int out_fd, int err_fd, std::string& out, std::string& err,
             std::chrono::steady_clock::time_point deadline, int* status,
             const std::string& until = "") {
    for (;;) {
        if (!until.empty() && out.find(until) != std::string::npos) return true;
        if (status && waitpid(pid, status, WNOHANG) == pid) {
            read_available(out_fd, out);
            read_available(err_fd, err);
            return true;
        }
        if (std::chrono::steady_clock::now() >= deadline) return false;
        pollfd fds[2] = {{out_fd, POLLIN, 0}, {err_fd, POLLIN, 0}};
        int n = poll(fds, 2, 20);
        if (n <= 0) continue;
        for (int i = 0; i < 2; ++i) {
            if (fds[i].fd < 0 || !(fds[i].revents & (POLLIN | POLLHUP))) continue;
            char buf[4096];
            ssize_t got = read(fds[i].fd, buf, sizeof buf);
            if (got > 0) (i == 0 ? out : err).append(buf, static_cast<size_t>(got));
        }
    }
}

}  // namespace

namespace {

std::string template_rootfs() {
    static std::string path = [] {
        std::string dir = "/tmp/rt-test-template-" + std::to_string(getpid());
        auto r = run_program({"/bin/bash", std::string(RT_SOURCE_DIR) + "/scripts/mkrootfs", dir,
                              "--with-helper", RT_TESTHELPER});
        if (r.status != 0) {
            ADD_FAILURE() << "mkrootfs failed: " << r.err;
        }
        std::atexit([] { fs::remove_all("/tmp/rt-test-template-" + std::to_string(getpid())); });
        return dir;
    }();
    return path;
}

}  // namespace

Result run_program(const std::vector<std::string>& argv, const std::string& input,
                   int timeout_seconds) {
    int in[2], out[2], err[2];
    if (pipe2(in, O_CLOEXEC) || pipe2(out, O_CLOEXEC) || pipe2(err, O_CLOEXEC)) {
        return {-1, "", "pipe failed"};
    }
    pid_t pid = spawn(argv, in[0], out[1], err[1]);
    close(in[0]);
    close(out[1]);
    close(err[1]);
    if (!input.empty()) {
        ssize_t ignored = write(in[1], input.data(), input.size());
        (void)ignored;
    }
    close(in[1]);
    Result result;
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(timeout_seconds);
    int status = 0;
    bool finished = collect(pid, out[0], err[0], result.out, result.err, deadline, &status);
    close(out[0]);
    close(err[0]);
    if (!finished) {
        kill(pid, SIGKILL);
        waitpid(pid, &status, 0);
        result.err += "\n[test: killed after " + std::to_string(timeout_seconds) + "s]";
    }
    result.status = exit_code(status);
    return result;
}

Background::Background(const std::vector<std::string>& argv) {
    int out[2], err[2];
    if (pipe2(out, O_CLOEXEC) || pipe2(err, O_CLOEXEC)) throw std::runtime_error("pipe");
    int null = open("/dev/null", O_RDONLY | O_CLOEXEC);
    pid_ = spawn(argv, null, out[1], err[1]);
    close(null);
    close(out[1]);
    close(err[1]);
    out_fd_ = out[0];
    err_fd_ = err[0];
}

Background::~Background() {
    if (pid_ > 0) {
        kill(pid_, SIGKILL);
        waitpid(pid_, nullptr, 0);
    }
    if (out_fd_ >= 0) close(out_fd_);
    if (err_fd_ >= 0) close(err_fd_);
}

bool Background::wait_for_output(const std::string& text, int timeout_seconds) {
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(timeout_seconds);
    return collect(pid_, out_fd_, err_fd_, out_, err_, deadline, nullptr, text);
}

Result Background::wait(int timeout_seconds) {
    Result result;
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(timeout_seconds);
    int status = 0;
    bool finished = collect(pid_, out_fd_, err_fd_, out_, err_, deadline, &status);
    if (!finished) {
        kill(pid_, SIGKILL);
        waitpid(pid_, &status, 0);
        err_ += "\n[test: killed after " + std::to_string(timeout_seconds) + "s]";
    }
    pid_ = -1;
    result.status = exit_code(status);
    result.out = out_;
    result.err = err_;
    return result;
}

FdListener::FdListener(const std::string& path) : path_(path) {
    fd_ = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    std::strncpy(addr.sun_path, path.c_str(), sizeof addr.sun_path - 1);
    if (bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) < 0 || listen(fd_, 4) < 0) {
        ADD_FAILURE() << "listen on " << path << ": " << strerror(errno);
    }
}

FdListener::~FdListener() {
    close(fd_);
    unlink(path_.c_str());
}

FdListener::Received FdListener::receive() {
    Received got;
    pollfd p{fd_, POLLIN, 0};
    if (poll(&p, 1, 10000) != 1) return got;
    int conn = accept4(fd_, nullptr, nullptr, SOCK_CLOEXEC);
    if (conn < 0) return got;
    char buf[4096];
    iovec iov{buf, sizeof buf};
    alignas(cmsghdr) char control[CMSG_SPACE(sizeof(int) * 8)];
    msghdr msg{};
    msg.msg_iov = &iov;
    msg.msg_iovlen = 1;
    msg.msg_control = control;
    msg.msg_controllen = sizeof control;
    ssize_t n = recvmsg(conn, &msg, MSG_CMSG_CLOEXEC);
    if (n > 0) got.bytes.assign(buf, static_cast<size_t>(n));
    for (cmsghdr* c = CMSG_FIRSTHDR(&msg); c; c = CMSG_NXTHDR(&msg, c)) {
        if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS) continue;
        size_t count = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
        for (size_t i = 0; i < count; ++i) {
            int fd;
            std::memcpy(&fd, CMSG_DATA(c) + i * sizeof(int), sizeof fd);
            if (got.fds++ == 0) {
                got.fd = fd;
            } else {
                close(fd);
            }
        }
    }
    got.then_eof = recv(conn, buf, sizeof buf, 0) == 0;
    close(conn);
    return got;
}

json default_config() {
    return json::parse(R"({
      "ociVersion": "1.3.0",
      "root": {"path": "rootfs", "readonly": false},
      "hostname": "rt-test",
      "process": {
        "terminal": false,
        "user": {"uid": 0, "gid": 0},
        "cwd": "/",
        "args": ["/bin/sh", "-c", "true"],
        "env": ["PATH=/usr/sbin:/usr/bin:/sbin:/bin", "TERM=xterm"]
      },
      "mounts": [
        {"destination": "/proc", "type": "proc", "source": "proc"},
        {"destination": "/dev", "type": "tmpfs", "source": "tmpfs",
         "options": ["nosuid", "strictatime", "mode=755", "size=65536k"]},
        {"destination": "/dev/pts", "type": "devpts", "source": "devpts",
         "options": ["nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620"]},
        {"destination": "/dev/shm", "type": "tmpfs", "source": "shm",
         "options": ["nosuid", "noexec", "nodev", "mode=1777", "size=65536k"]},
        {"destination": "/dev/mqueue", "type": "mqueue", "source": "mqueue",
         "options": ["nosuid", "noexec", "nodev"]},
        {"destination": "/sys", "type": "sysfs", "source": "sysfs",
         "options": ["nosuid", "noexec", "nodev", "ro"]}
      ],
      "linux": {
        "namespaces": [{"type": "pid"}, {"type": "network"}, {"type": "ipc"},
                       {"type": "uts"}, {"type": "mount"}]
      }
    })");
}

void add_user_namespace(json& config) {
    config["linux"]["namespaces"].push_back({{"type", "user"}});
    config["linux"]["uidMappings"] = {{{"containerID", 0}, {"hostID", kMappedRoot}, {"size", 65536}}};
    config["linux"]["gidMappings"] = {{{"containerID", 0}, {"hostID", kMappedRoot}, {"size", 65536}}};
}

void chown_tree(const std::string& path, uid_t uid, gid_t gid) {
    lchown(path.c_str(), uid, gid);
    for (const auto& entry : fs::recursive_directory_iterator(path)) {
        lchown(entry.path().c_str(), uid, gid);
    }
}

Bundle::Bundle() : config(default_config()) {
    char pattern[] = "/tmp/rt-test-XXXXXX";
    if (!mkdtemp(pattern)) throw std::runtime_error("mkdtemp");
    dir_ = pattern;
    chmod(dir_.c_str(), 0755);
    fs::copy(template_rootfs(), rootfs(), fs::copy_options::recursive | fs::copy_options::copy_symlinks);
    write();
}

Bundle::~Bundle() {
    // A test that failed half-way may have left a mount here: detach them
    // all before removing the directory (never crossing into the host).
    for (const auto& line : host_mounts_containing(dir_)) {
        std::istringstream fields(line);
        std::string skip, mount_point;
        fields >> skip >> skip >> skip >> skip >> mount_point;
        umount2(mount_point.c_str(), MNT_DETACH);
    }
    std::error_code ec;
    fs::remove_all(dir_, ec);
}

Bundle& Bundle::args(const std::vector<std::string>& argv) {
    config["process"]["args"] = argv;
    write();
    return *this;
}

void Bundle::write() const {
    std::ofstream(dir_ + "/config.json") << config.dump(2);
}

namespace {

// Directories of the hierarchies under /sys/fs/cgroup where a container
// without linux.cgroupsPath gets its cgroup (below /rt). Those that did not
// exist before the tests are removed again once empty.
std::vector<std::string> default_cgroup_parents_made_by_tests() {
    static const std::vector<std::string> made = [] {
        std::vector<std::string> list;
        std::error_code ec;
        for (const auto& entry : fs::directory_iterator("/sys/fs/cgroup", ec)) {
            if (!entry.is_directory() || entry.is_symlink()) continue;
            std::string dir = entry.path().string() + "/rt";
            if (!fs::exists(entry.path() / "cgroup.procs") || fs::exists(dir)) continue;
            list.push_back(dir);
        }
        // The unified mount itself, on a v2 host.
        if (fs::exists("/sys/fs/cgroup/cgroup.procs") && !fs::exists("/sys/fs/cgroup/rt")) {
            list.push_back("/sys/fs/cgroup/rt");
        }
        return list;
    }();
    return made;
}

}  // namespace

void RtTest::SetUp() {
    (void)default_cgroup_parents_made_by_tests();  // before any test made one
    static int counter = 0;
    root_ = "/run/rt-test-" + std::to_string(getpid()) + "-" + std::to_string(++counter);
    fs::remove_all(root_);
}

void RtTest::TearDown() {
    if (fs::exists(root_)) {
        // rt's seccomp cache is no container: it goes with root_.
        fs::remove_all(root_ + "/@seccomp");
        for (const auto& entry : fs::directory_iterator(root_)) {
            std::string id = entry.path().filename();
            auto r = rt({"delete", "--force", id});
            EXPECT_EQ(r.status, 0) << "cleanup: delete --force " << id << ": " << r.err;
        }
        std::vector<std::string> left;
        for (const auto& entry : fs::directory_iterator(root_)) left.push_back(entry.path());
        EXPECT_TRUE(left.empty()) << "state left under " << root_ << ": " << left.front();
        fs::remove_all(root_);
    }
    // rmdir fails while another container of this run still uses it.
    for (const auto& dir : default_cgroup_parents_made_by_tests()) rmdir(dir.c_str());
}

std::vector<std::string> RtTest::rt_argv(const std::vector<std::string>& args) const {
    std::vector<std::string> argv = {RT_BINARY, "--root", root_};
    argv.insert(argv.end(), args.begin(), args.end());
    return argv;
}

Result RtTest::rt(const std::vector<std::string>& args, const std::string& input,
                  int timeout_seconds) {
    return run_program(rt_argv(args), input, timeout_seconds);
}

json RtTest::state(const std::string& id) {
    auto r = rt({"state", id});
    EXPECT_EQ(r.status, 0) << r.err;
    if (r.status != 0) return json::object();
    return json::parse(r.out);
}

void RtTest::expect_create_fails(Bundle& bundle, const std::string& message) {
    bundle.write();
    std::string id = new_id();
    auto r = rt({"create", "--bundle", bundle.dir(), id});
    EXPECT_EQ(r.status, 1);
    EXPECT_NE(r.err.find(message), std::string::npos) << r.err;
    EXPECT_FALSE(path_exists(root_ + "/" + id));
    EXPECT_TRUE(host_mounts_containing(bundle.dir()).empty());
}

std::string RtTest::start_container(Bundle& bundle) {
    bundle.args({"/bin/rt-testhelper", "pause"});
    std::string id = new_id();
    auto r = rt({"run", "-d", "--bundle", bundle.dir(), id});
    EXPECT_EQ(r.status, 0) << r.err;
    return id;
}

std::string RtTest::new_id(const std::string& hint) {
    return hint + "-" + std::to_string(getpid()) + "-" + std::to_string(++id_counter_);
}

std::string read_text(const std::string& path) {
    std::ifstream in(path);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

bool path_exists(const std::string& path) {
    struct stat st {};
    return lstat(path.c_str(), &st) == 0;
}

std::vector<std::string> host_mounts_containing(const std::string& needle) {
    std::vector<std::string> lines;
    std::istringstream in(read_text("/proc/self/mountinfo"));
    std::string line;
    while (std::getline(in, line)) {
        if (line.find(needle) != std::string::npos) lines.push_back(line);
    }
    return lines;
}

bool process_exists(pid_t pid) {
    if (pid <= 0) return false;
    std::string stat = read_text("/proc/" + std::to_string(pid) + "/stat");
    if (stat.empty()) return false;
    auto close = stat.rfind(')');
    return close != std::string::npos && stat[close + 2] != 'Z';
}

bool catches_signal(pid_t pid, int signal) {
    std::string proc = "/proc/" + std::to_string(pid);
    // rt-testhelper waits for signals in sigwaitinfo, which the kernel lets
    // through even to PID 1 (and which shows in neither SigCgt nor SigBlk
    // while it waits).
    if (read_text(proc + "/wchan").find("sigtimedwait") != std::string::npos) return true;
    std::istringstream in(read_text(proc + "/status"));
    std::string line;
    while (std::getline(in, line)) {
        if (line.rfind("SigCgt:", 0) == 0) {
            unsigned long long mask = std::stoull(line.substr(7), nullptr, 16);
            return (mask >> (signal - 1)) & 1;
        }
    }
    return false;
}

bool eventually(const std::function<bool()>& check, int timeout_ms) {
    auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
    while (std::chrono::steady_clock::now() < deadline) {
        if (check()) return true;
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return check();
}

}  // namespace rt_test
