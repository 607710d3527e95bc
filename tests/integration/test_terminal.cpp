// Terminals: a pty from the container's own devpts, sent over
// --console-socket (one message, one fd) or relayed by a foreground rt
// between its own terminal and the container's.
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include <chrono>
#include <cstring>

#include "fixture.hpp"
#include "terminal_helpers.hpp"

namespace rt_test {
namespace {

class Terminal : public RtTest {
protected:
    void terminal_config(Bundle& bundle, const std::vector<std::string>& args) {
        bundle.config["process"]["terminal"] = true;
        bundle.config["process"]["args"] = args;
        bundle.write();
    }
};

TEST_F(Terminal, ConsoleSocketGetsOneMasterThatDrivesTheContainer) {
    Bundle bundle;
    terminal_config(bundle, {"/bin/sh"});
    bundle.config["process"]["consoleSize"] = {{"height", 33}, {"width", 111}};
    bundle.write();
    FdListener listener(bundle.dir() + "/console.sock");
    std::string id = new_id();

    auto r = rt({"create", "--console-socket", listener.path(), "--bundle", bundle.dir(), id});
    ASSERT_EQ(r.status, 0) << r.err;
    EXPECT_EQ(r.out, "");
    auto got = listener.receive();
    ASSERT_EQ(got.fds, 1) << "exactly one fd";
    EXPECT_TRUE(got.then_eof) << "one message, then rt is gone";
    EXPECT_EQ(got.bytes.rfind("/dev/pts/", 0), 0u) << got.bytes;
    int master = got.fd;

    ASSERT_EQ(rt({"start", id}).status, 0);
    write_text(master,
               "stty size; /bin/rt-testhelper isatty 0; tty; /bin/rt-testhelper open /dev/tty rw; "
               "grep -c ' /dev/console ' /proc/self/mountinfo; /bin/rt-testhelper fds; echo END-$((6*7))\n");
    std::string out;
    EXPECT_TRUE(read_until(master, out, "END-42\r\n")) << out;
    // consoleSize, a terminal on stdin that is the controlling one, from the
    // container's devpts, and /dev/console bound to it.
    EXPECT_NE(out.find("\r\n33 111\r\n1\r\n/dev/pts/0\r\nok\r\n1\r\n0\r\n1\r\n2\r\nEND-42\r\n"),
              std::string::npos) << out;

    write_text(master, "exit 3\n");
    std::string rest;
    read_until(master, rest, "never");
    close(master);
    EXPECT_TRUE(eventually([&] { return state(id)["status"] == "stopped"; }));
}

TEST_F(Terminal, TerminalOptionsThatCannotWorkAreRefused) {
    Bundle bundle;
    terminal_config(bundle, {"/bin/sh"});
    std::string id = new_id();
    auto r = rt({"create", "--bundle", bundle.dir(), id});
    EXPECT_EQ(r.status, 1);
    EXPECT_EQ(r.err, "rt: cannot allocate tty if rt will detach without setting console socket\n");
    EXPECT_FALSE(path_exists(root_ + "/" + id));

    r = rt({"run", "-d", "--bundle", bundle.dir(), id});
    EXPECT_EQ(r.status, 1);
    EXPECT_FALSE(path_exists(root_ + "/" + id));

    Bundle plain;
    FdListener listener(plain.dir() + "/console.sock");
    r = rt({"create", "--console-socket", listener.path(), "--bundle", plain.dir(), id});
    EXPECT_EQ(r.status, 1);
    EXPECT_EQ(r.err, "rt: cannot use console socket if rt will not detach or allocate tty\n");
    EXPECT_FALSE(path_exists(root_ + "/" + id));

    // A terminal needs the container's devpts: said by the init, undone.
    Bundle no_devpts;
    terminal_config(no_devpts, {"/bin/sh"});
    json mounts = json::array();
    for (const auto& m : no_devpts.config["mounts"]) {
        if (m["destination"] != "/dev/pts") mounts.push_back(m);
    }
    no_devpts.config["mounts"] = mounts;
    no_devpts.write();
    FdListener no_devpts_listener(no_devpts.dir() + "/console.sock");
    r = rt({"create", "--console-socket", no_devpts_listener.path(), "--bundle", no_devpts.dir(), id});
    EXPECT_EQ(r.status, 1);
    EXPECT_NE(r.err.find("terminal (is devpts mounted on /dev/pts?): open /dev/pts/ptmx"), std::string::npos)
        << r.err;
    EXPECT_FALSE(path_exists(root_ + "/" + id));
    EXPECT_EQ(no_devpts_listener.receive().fds, 0);

    // A socket nobody listens on: said before anything is made.
    r = rt({"create", "--console-socket", bundle.dir() + "/nobody", "--bundle", bundle.dir(), id});
    EXPECT_EQ(r.status, 1);
    EXPECT_NE(r.err.find("connect to console socket " + bundle.dir() + "/nobody"), std::string::npos) << r.err;
    EXPECT_FALSE(path_exists(root_ + "/" + id));
}

TEST_F(Terminal, ExecWithATerminalThroughTheConsoleSocket) {
    Bundle bundle;
    bundle.args({"/bin/rt-testhelper", "pause"});
    std::string id = new_id();
    ASSERT_EQ(rt({"run", "-d", "--bundle", bundle.dir(), id}).status, 0);
    FdListener listener(bundle.dir() + "/console.sock");
    std::string pid_file = bundle.dir() + "/exec.pid";

    auto r = rt({"exec", "-t", "-d", "--console-socket", listener.path(), "--pid-file", pid_file, id, "/bin/sh"});
    ASSERT_EQ(r.status, 0) << r.err;
    auto got = listener.receive();
    ASSERT_EQ(got.fds, 1);
    EXPECT_TRUE(got.then_eof);
    int master = got.fd;
    write_text(master, "/bin/rt-testhelper isatty 1; /bin/rt-testhelper open /dev/tty rw; /bin/rt-testhelper fds; echo END-$((6*7))\n");
    std::string out;
    EXPECT_TRUE(read_until(master, out, "END-42\r\n")) << out;
    EXPECT_NE(out.find("\r\n1\r\nok\r\n0\r\n1\r\n2\r\nEND-42\r\n"), std::string::npos) << out;
    write_text(master, "exit\n");
    pid_t pid = std::stoi(read_text(pid_file));
    EXPECT_TRUE(eventually([&] { return !process_exists(pid); }));
    close(master);

    // Detached with a terminal needs the socket; in the foreground it has none.
    r = rt({"exec", "-t", "-d", id, "true"});
    EXPECT_EQ(r.status, 255);
    EXPECT_NE(r.err.find("cannot allocate tty if rt will detach without setting console socket"), std::string::npos);
    r = rt({"exec", "--console-socket", listener.path(), id, "true"});
    EXPECT_EQ(r.status, 255);
    EXPECT_NE(r.err.find("cannot use console socket if rt will not detach or allocate tty"), std::string::npos);
}

TEST_F(Terminal, ForegroundExecRelaysThePty) {
    Bundle bundle;
    bundle.args({"/bin/rt-testhelper", "pause"});
    std::string id = new_id();
    ASSERT_EQ(rt({"run", "-d", "--bundle", bundle.dir(), id}).status, 0);
    // rt's own stdio are pipes here: the relay still runs, without raw mode.
    auto r = rt({"exec", "-t", id, "/bin/sh", "-c", "/bin/rt-testhelper isatty 0; exit 4"});
    EXPECT_EQ(r.status, 4) << r.err;
    EXPECT_EQ(r.out, "1\r\n");
    // All of it, up to what the process wrote just before it exited (a
    // fast writer leaves the pty's buffers full when it exits).
    r = rt({"exec", "-t", id, "sh", "-c", "head -c 1000000 /dev/zero | tr '\\0' a"});
    EXPECT_EQ(r.status, 0) << r.err;
    EXPECT_EQ(r.out.size(), 1000000u);
    EXPECT_EQ(r.out.find_first_not_of('a'), std::string::npos);

    r = rt({"exec", id, "/bin/rt-testhelper", "isatty", "0"});
    EXPECT_EQ(r.out, "0\n");
    // The terminal belongs to the process's user, who can reopen it.
    r = rt({"exec", "-t", "-u", "1000", id, "/bin/rt-testhelper", "open", "/dev/tty", "rw"});
    EXPECT_EQ(r.out, "ok\r\n") << r.err;
}

// `rt run -t` from a terminal the test holds (as a person at a shell): the
// relay puts it in raw mode, copies its size (and its changes) to the
// container's pty, and restores it at the end.
TEST_F(Terminal, RunTtyRelaysTheCallersTerminal) {
    Bundle bundle;
    bundle.args({"/bin/sh", "-c",
                 "/bin/rt-testhelper isatty 0; stty size; read line; echo got:$line; read line; stty size; exit 5"});
    std::string id = new_id();

    int master = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
    ASSERT_GE(master, 0);
    ASSERT_EQ(grantpt(master), 0);
    ASSERT_EQ(unlockpt(master), 0);
    std::string slave_path = ptsname(master);
    winsize ws{};
    ws.ws_row = 33;
    ws.ws_col = 111;
    ASSERT_EQ(ioctl(master, TIOCSWINSZ, &ws), 0);
    int slave = open(slave_path.c_str(), O_RDWR | O_NOCTTY | O_CLOEXEC);
    ASSERT_GE(slave, 0);

    auto argv = rt_argv({"run", "-t", "--bundle", bundle.dir(), id});
    pid_t pid = fork();
    if (pid == 0) {
        setsid();
        int tty = open(slave_path.c_str(), O_RDWR);
        ioctl(tty, TIOCSCTTY, 0);
        dup2(tty, 0);
        dup2(tty, 1);
        dup2(tty, 2);
        for (int fd = 3; fd < 1024; ++fd) close(fd);
        std::vector<char*> args;
        for (auto& a : argv) args.push_back(a.data());
        args.push_back(nullptr);
        execv(args[0], args.data());
        _exit(127);
    }
    std::string out;
    EXPECT_TRUE(read_until(master, out, "33 111\r\n")) << out;
    EXPECT_NE(out.find("1\r\n33 111\r\n"), std::string::npos) << out;
    termios raw{};
    ASSERT_EQ(tcgetattr(slave, &raw), 0);
    EXPECT_EQ(raw.c_lflag & (ICANON | ECHO), 0u) << "rt's terminal in raw mode while relaying";

    write_text(master, "hello\r");
    EXPECT_TRUE(read_until(master, out, "got:hello\r\n")) << out;

    ws.ws_row = 40;
    ws.ws_col = 120;
    ASSERT_EQ(ioctl(master, TIOCSWINSZ, &ws), 0);  // SIGWINCH to rt
    usleep(200 * 1000);
    write_text(master, "\r");
    EXPECT_TRUE(read_until(master, out, "40 120\r\n")) << out;

    int status = 0;
    bool exited = eventually([&] { return waitpid(pid, &status, WNOHANG) == pid; }, 10000);
    if (!exited) {
        kill(pid, SIGKILL);
        waitpid(pid, &status, 0);
    }
    EXPECT_TRUE(exited);
    EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 5) << "status " << status << ": " << out;
    termios restored{};
    ASSERT_EQ(tcgetattr(slave, &restored), 0);
    EXPECT_EQ(restored.c_lflag & (ICANON | ECHO), static_cast<tcflag_t>(ICANON | ECHO));
    close(slave);
    close(master);
    EXPECT_FALSE(path_exists(root_ + "/" + id));
}

}  // namespace
}  // namespace rt_test
