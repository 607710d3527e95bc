// The command line as callers written for runc use it: repeated options,
// signal 0, unknown commands, debug logs, what rt keeps off stderr.
#include <linux/magic.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include <gmock/gmock.h>

#include "fixture.hpp"

namespace fs = std::filesystem;

namespace rt_test {
namespace {

class RuncCli : public RtTest {};

// urfave/cli, runc's parser, takes the last of a repeated single-value
// option; CRI-O's conmon-rs passes --root twice on every create and exec.
TEST_F(RuncCli, ARepeatedOptionTakesItsLastValue) {
    Bundle bundle;
    bundle.args({"/bin/rt-testhelper", "pause"});
    std::string decoy = bundle.dir() + "/decoy-root";
    std::string first_pid = bundle.dir() + "/first.pid", last_pid = bundle.dir() + "/last.pid";
    std::string id = new_id();
    auto r = run_program({RT_BINARY, "--root", decoy, "--root=" + root_, "run", "-d", "--bundle", "/no/such/bundle",
                          "-b", bundle.dir(), "--pid-file", first_pid, "--pid-file", last_pid, id});
    ASSERT_EQ(r.status, 0) << r.err;
    EXPECT_EQ(state(id)["status"], "running");
    EXPECT_FALSE(path_exists(decoy));
    EXPECT_FALSE(path_exists(first_pid));
    EXPECT_EQ(read_text(last_pid), std::to_string(state(id)["pid"].get<int>()));

    // Global options of the log, a command's format.
    std::string log = bundle.dir() + "/log";
    r = rt({"--log-format", "json", "--log-format=text", "--log", bundle.dir() + "/other-log", "--log", log, "state",
            "no-such"});
    EXPECT_EQ(r.status, 1);
    EXPECT_NE(read_text(log).find("level=error msg="), std::string::npos) << read_text(log);
    EXPECT_FALSE(path_exists(bundle.dir() + "/other-log"));
    r = rt({"list", "-f", "json", "--format", "table", "-q", "--quiet"});
    EXPECT_EQ(r.status, 0) << r.err;
    EXPECT_EQ(r.out, id + "\n");

    // exec: a repeated user is the last one; --env, --cap, --additional-gids
    // are lists, as runc's.
    r = rt({"exec", "-u", "1000", "--user=0:0", "-e", "A=1", "-e", "B=2", "--env", "A=3", "-g", "7", "-g", "8", "-c",
            "CAP_CHOWN", "--cap", "CAP_FOWNER", "--cwd", "/var", "--cwd", "/tmp", id, "sh", "-c",
            "rt-testhelper ids; echo $A $B; rt-testhelper cwd; rt-testhelper status CapEff"});
    EXPECT_EQ(r.status, 0) << r.err;
    EXPECT_EQ(r.out.substr(0, r.out.find('\n')), "uid=0 gid=0 euid=0 egid=0 groups=7,8") << r.out;
    EXPECT_NE(r.out.find("\n3 2\n/tmp\n"), std::string::npos) << r.out;
    // CAP_CHOWN (0) and CAP_FOWNER (3), both.
    EXPECT_NE(r.out.find("0000000000000009"), std::string::npos) << r.out;

    // Several containers still make an error, not the last one.
    r = rt({"kill", id, "KILL", "extra"});
    EXPECT_NE(r.status, 0);
    EXPECT_EQ(state(id)["status"], "running");
}

// Signal 0, a liveness check: 0 while the init lives (created, running,
// paused), "container not running" and 1 once it is gone, as runc 1.1.5.
TEST_F(RuncCli, SignalZeroChecksThatTheInitLives) {
    Bundle bundle;
    bundle.args({"/bin/rt-testhelper", "pause"});
    std::string id = new_id();
    ASSERT_EQ(rt({"create", "--bundle", bundle.dir(), id}).status, 0);
    auto r = rt({"kill", id, "0"});
    EXPECT_EQ(r.status, 0) << r.err;
    EXPECT_EQ(r.err, "");
    ASSERT_EQ(rt({"start", id}).status, 0);
    EXPECT_EQ(rt({"kill", id, "0"}).status, 0);
    ASSERT_EQ(rt({"pause", id}).status, 0);
    EXPECT_EQ(rt({"kill", id, "0"}).status, 0);
    EXPECT_EQ(rt({"kill", "--all", id, "0"}).status, 0);
    EXPECT_EQ(state(id)["status"], "paused");  // nothing was thawed nor killed
    ASSERT_EQ(rt({"resume", id}).status, 0);
    EXPECT_EQ(state(id)["status"], "running");

    ASSERT_EQ(rt({"kill", id, "KILL"}).status, 0);
    ASSERT_TRUE(eventually([&] { return state(id)["status"] == "stopped"; }));
    r = rt({"kill", id, "0"});
    EXPECT_EQ(r.status, 1);
    EXPECT_EQ(r.err, "rt: container not running\n");
    // By number only, as runc.
    r = rt({"kill", id, "SIG0"});
    EXPECT_EQ(r.status, 1);
    EXPECT_NE(r.err.find("unknown signal \"SIG0\""), std::string::npos) << r.err;
}

// The pid that /proc/self/fdinfo shows for a pidfd (-1 if it is none).
int pid_of_pidfd(int fd) {
    std::string info = read_text("/proc/self/fdinfo/" + std::to_string(fd));
    size_t at = info.find("\nPid:\t");
    return at == std::string::npos ? -1 : std::stoi(info.substr(at + 6));
}

// --pidfd-socket (runc 1.2, containerd's go-runc): a pidfd of the init (of
// create and run) or of the exec'd process, one message over the socket.
TEST_F(RuncCli, PidfdSocketGetsAPidfdOfTheProcess) {
    Bundle bundle;
    bundle.args({"/bin/rt-testhelper", "pause"});
    FdListener listener(bundle.dir() + "/pidfd.sock");
    std::string id = new_id();
    auto r = rt({"create", "--pidfd-socket", listener.path(), "--bundle", bundle.dir(), id});
    ASSERT_EQ(r.status, 0) << r.err;
    auto got = listener.receive();
    ASSERT_EQ(got.fds, 1);
    EXPECT_EQ(got.bytes, "standard");
    EXPECT_TRUE(got.then_eof);
    EXPECT_EQ(pid_of_pidfd(got.fd), state(id)["pid"].get<int>());
    // The caller kills the container through it.
    EXPECT_EQ(syscall(SYS_pidfd_send_signal, got.fd, SIGKILL, nullptr, 0), 0);
    close(got.fd);
    EXPECT_TRUE(eventually([&] { return state(id)["status"] == "stopped"; }));

    std::string running = new_id(), exec_pid = bundle.dir() + "/exec.pid";
    ASSERT_EQ(rt({"run", "-d", "--no-subreaper", "--pidfd-socket", listener.path(), "--bundle", bundle.dir(),
                  running})
                  .status,
              0);
    got = listener.receive();
    EXPECT_EQ(got.bytes, "standard");
    EXPECT_EQ(pid_of_pidfd(got.fd), state(running)["pid"].get<int>());
    close(got.fd);
    r = rt({"exec", "-d", "--pid-file", exec_pid, "--pidfd-socket", listener.path(), running, "/bin/rt-testhelper",
            "pause"});
    ASSERT_EQ(r.status, 0) << r.err;
    got = listener.receive();
    EXPECT_EQ(got.bytes, "setns");
    EXPECT_EQ(std::to_string(pid_of_pidfd(got.fd)), read_text(exec_pid));
    close(got.fd);

    // No one listening: an error before anything is made.
    std::string never = new_id();
    r = rt({"create", "--pidfd-socket", bundle.dir() + "/nobody", "--bundle", bundle.dir(), never});
    EXPECT_EQ(r.status, 1);
    EXPECT_NE(r.err.find("connect to pidfd socket " + bundle.dir() + "/nobody"), std::string::npos) << r.err;
    EXPECT_FALSE(path_exists(root_ + "/" + never));
}

// --no-subreaper is run's, as in runc: accepted (rt is no subreaper anyway).
TEST_F(RuncCli, RunTakesNoSubreaper) {
    Bundle bundle;
    bundle.args({"/bin/sh", "-c", "echo hi"});
    auto r = rt({"run", "--no-subreaper", "--bundle", bundle.dir(), new_id()});
    EXPECT_EQ(r.status, 0) << r.err;
    EXPECT_EQ(r.out, "hi\n");
}

std::vector<std::string> lines_of(const std::string& text) {
    std::vector<std::string> lines;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);) lines.push_back(line);
    return lines;
}

// --debug: runc's debug lines, on stderr without --log, in the --log-format
// (logrus's text or JSON), saying what rt does step by step; nothing without
// --debug.
TEST_F(RuncCli, DebugWritesRuncsDebugLines) {
    Bundle bundle;
    bundle.args({"/bin/rt-testhelper", "pause"});
    std::string id = new_id();
    auto r = rt({"--debug", "run", "-d", "--bundle", bundle.dir(), id});
    ASSERT_EQ(r.status, 0) << r.err;
    auto lines = lines_of(r.err);
    ASSERT_GE(lines.size(), 4u) << r.err;
    for (const auto& line : lines) {
        EXPECT_THAT(line, ::testing::MatchesRegex(R"(time="[0-9T:.Z-]+" level=debug msg=".+")"));
    }
    for (const std::string& step :
         {"create " + id + ": " + bundle.dir() + "/config.json read and validated", "create " + id + ": init cloned, pid ",
          "create " + id + ": cgroups made", "create " + id + ": init " + std::to_string(state(id)["pid"].get<int>()) +
          " ready", "start " + id + ": init "}) {
        EXPECT_NE(r.err.find("msg=\"" + step), std::string::npos) << step << "\n" << r.err;
    }

    r = rt({"--debug", "--log-format", "json", "exec", id, "true"});
    ASSERT_EQ(r.status, 0) << r.err;
    lines = lines_of(r.err);
    ASSERT_FALSE(lines.empty());
    for (const auto& line : lines) {
        auto object = nlohmann::ordered_json::parse(line);
        std::vector<std::string> keys;
        for (const auto& [key, value] : object.items()) keys.push_back(key);
        EXPECT_EQ(keys, (std::vector<std::string>{"level", "msg", "time"})) << line;
        EXPECT_EQ(object["level"], "debug");
    }
    EXPECT_NE(r.err.find("\"msg\":\"exec " + id + ": process cloned"), std::string::npos) << r.err;

    // Quiet without --debug; into the log file with --log.
    r = rt({"kill", id, "0"});
    EXPECT_EQ(r.err, "");
    std::string log = bundle.dir() + "/debug.log";
    r = rt({"--debug", "--log", log, "kill", id, "KILL"});
    EXPECT_EQ(r.err, "");
    EXPECT_NE(read_text(log).find("level=debug msg=\"kill " + id + ": signal 9 sent to init "), std::string::npos)
        << read_text(log);
}

// A command rt does not have (a misspelt one, say) is an error naming
// it, with runc's exit status 3, even with --help, which would otherwise
// print rt's help and exit 0 as if all went well.
TEST_F(RuncCli, AnUnknownCommandIsAnError) {
    for (const std::vector<std::string>& args : std::vector<std::vector<std::string>>{
             {"checkpoin", "--help"}, {"restor", "some-id"}, {"--debug", "checkpoin"}, {"help", "checkpoin"}}) {
        auto r = rt(args);
        EXPECT_EQ(r.status, 3) << args.front();
        std::string command = args.front() == "restor" ? "restor" : "checkpoin";
        EXPECT_EQ(r.err, "rt: unknown command \"" + command + "\"\n");
        EXPECT_EQ(r.out, "");
    }
    // Help is still help: rt's, a command's, and runc's `help` command.
    auto r = rt({"--help"});
    EXPECT_EQ(r.status, 0);
    EXPECT_NE(r.out.find("exec"), std::string::npos) << r.out;
    r = rt({"kill", "--help"});
    EXPECT_EQ(r.status, 0);
    EXPECT_NE(r.out.find("Usage: rt kill"), std::string::npos) << r.out;
    r = rt({"help", "kill"});
    EXPECT_EQ(r.status, 0);
    EXPECT_NE(r.out.find("Usage: rt kill"), std::string::npos) << r.out;
    r = rt({"h"});
    EXPECT_EQ(r.status, 0);
    EXPECT_NE(r.out.find("features"), std::string::npos) << r.out;
    // `rt` alone prints the help, as `runc` alone does.
    r = run_program({RT_BINARY});
    EXPECT_EQ(r.status, 0) << r.err;
    EXPECT_NE(r.out.find("Usage: rt"), std::string::npos) << r.out;
}

// runc 1.1's own template asks for ambient capabilities without an
// inheritable set, which no process can have: a note for --debug, not a
// warning on every run and exec.
TEST_F(RuncCli, RuncsTemplateRunsQuietly) {
    Bundle bundle;
    const json caps = {"CAP_AUDIT_WRITE", "CAP_KILL", "CAP_NET_BIND_SERVICE"};  // `runc spec` of runc 1.1.5
    bundle.config["process"]["capabilities"] = {
        {"bounding", caps}, {"effective", caps}, {"permitted", caps}, {"ambient", caps}};
    bundle.args({"/bin/rt-testhelper", "pause"});
    std::string id = new_id();
    auto r = rt({"run", "-d", "--bundle", bundle.dir(), id});
    ASSERT_EQ(r.status, 0) << r.err;
    EXPECT_EQ(r.err, "");
    r = rt({"exec", id, "true"});
    EXPECT_EQ(r.status, 0) << r.err;
    EXPECT_EQ(r.err, "");
    r = rt({"--debug", "exec", id, "true"});
    EXPECT_NE(r.err.find("level=debug msg=\"ignoring ambient capabilities that are not both permitted and "
                         "inheritable: CAP_KILL, CAP_NET_BIND_SERVICE, CAP_AUDIT_WRITE\""),
              std::string::npos)
        << r.err;

}

// `text` with its one `from` replaced by `to` (a test failure if not once).
std::string replaced(std::string text, const std::string& from, const std::string& to) {
    size_t at = text.find(from);
    EXPECT_NE(at, std::string::npos) << from;
    EXPECT_EQ(text.find(from, at + 1), std::string::npos) << from;
    return at == std::string::npos ? text : text.replace(at, from.size(), to);
}

// rt spec writes runc's template byte for byte (tests/data/spec holds what
// `runc spec` of runc 1.1.5 wrote on a cgroup v1 host), but where rt must
// differ: its spec version and name, no ambient set (as runc 1.2+); a
// cgroup namespace where cgroup v2 is all there is, as runc adds it.
TEST_F(RuncCli, SpecWritesRuncsTemplate) {
    std::string expected = read_text(std::string(RT_SOURCE_DIR) + "/tests/data/spec/runc-1.1.5-spec.json");
    expected = replaced(expected, "\"ociVersion\": \"1.0.2-dev\"", "\"ociVersion\": \"1.3.0\"");
    expected = replaced(expected, "\"hostname\": \"runc\"", "\"hostname\": \"rt\"");
    expected = replaced(expected,
                        ",\n\t\t\t\"ambient\": [\n\t\t\t\t\"CAP_AUDIT_WRITE\",\n\t\t\t\t\"CAP_KILL\",\n"
                        "\t\t\t\t\"CAP_NET_BIND_SERVICE\"\n\t\t\t]",
                        "");
    struct statfs fs {};
    if (statfs("/sys/fs/cgroup", &fs) == 0 && static_cast<unsigned long>(fs.f_type) == CGROUP2_SUPER_MAGIC) {
        expected = replaced(expected, "\"type\": \"mount\"\n\t\t\t}",
                            "\"type\": \"mount\"\n\t\t\t},\n\t\t\t{\n\t\t\t\t\"type\": \"cgroup\"\n\t\t\t}");
    }
    Bundle bundle;
    std::string path = bundle.dir() + "/config.json";
    fs::remove(path);
    auto r = run_program({"/bin/sh", "-c", "umask 027 && exec " + std::string(RT_BINARY) + " spec -b " + bundle.dir()});
    ASSERT_EQ(r.status, 0) << r.err;
    EXPECT_EQ(read_text(path), expected);
    struct stat st {};
    ASSERT_EQ(stat(path.c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 0777, 0640u);  // 0666 less the umask, as runc

    // What tools do to runc's template works on rt's: a cgroup namespace
    // added (where the template has none), and the calls runc's allows
    // (no seccomp filter: a user namespace may be made).
    json config = json::parse(read_text(path));
    bool has_cgroup_ns = false;
    for (const auto& ns : config["linux"]["namespaces"]) has_cgroup_ns = has_cgroup_ns || ns["type"] == "cgroup";
    if (!has_cgroup_ns) config["linux"]["namespaces"].push_back({{"type", "cgroup"}});
    config["process"]["terminal"] = false;
    config["process"]["args"] = {"/bin/sh", "-c", "/bin/rt-testhelper status Seccomp; /bin/rt-testhelper syscall unshare-user"};
    bundle.config = config;
    bundle.write();
    r = rt({"run", "--bundle", bundle.dir(), new_id()});
    EXPECT_EQ(r.status, 0) << r.err;
    EXPECT_EQ(r.out, "0\nok\n");
    EXPECT_EQ(r.err, "");
}

}  // namespace
}  // namespace rt_test
