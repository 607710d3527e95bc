// rt's systemd client against a fake systemd on a unix socket (a child
// process speaking D-Bus with rt's own marshalling): authentication, Hello,
// the match for JobRemoved, the calls and their arguments, waiting for the
// right job, "unit exists" handled as runc does, and the errors.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <optional>
#include <sstream>

#include "rt/cgroups/systemd.hpp"
#include "rt/dbus/connection.hpp"

namespace rt::cgroups::systemd {
namespace {

using dbus::Message;
using dbus::MessageType;
using dbus::Value;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

const std::string job7 = "/org/freedesktop/systemd1/job/7";

Message reply_to(const Message& call, std::vector<Value> body = {}) {
    Message m;
    m.type = MessageType::method_return;
    m.reply_serial = call.serial;
    m.body = std::move(body);
    return m;
}

Message error_to(const Message& call, const std::string& name) {
    Message m;
    m.type = MessageType::error;
    m.reply_serial = call.serial;
    m.error_name = name;
    m.body = {Value::string("fake systemd says no")};
    return m;
}

Message job_removed(uint32_t id, const std::string& job, const std::string& unit, const std::string& result) {
    Message m;
    m.type = MessageType::signal;
    m.path = "/org/freedesktop/systemd1";
    m.interface = "org.freedesktop.systemd1.Manager";
    m.member = "JobRemoved";
    m.body = {Value::uint32(id), Value::object_path(job), Value::string(unit), Value::string(result)};
    return m;
}

// What the fake systemd answers to one call: the messages to send back.
using Handler = std::function<std::vector<Message>(const Message& call, int nth_of_its_kind)>;

// The fake: a child process serving one connection on a socket in a temp
// dir, logging each call as "Member signature first-string-args".
class FakeSystemd {
public:
    // `raw`: bytes sent right after the authentication, before any answer.
    explicit FakeSystemd(Handler handler, const std::string& auth_reply = "OK 0123456789abcdef0123456789abcdef",
                         const std::string& raw = "") {
        char dir[] = "/tmp/rt-fake-systemd-XXXXXX";
        if (!::mkdtemp(dir)) throw std::runtime_error("mkdtemp");
        dir_ = dir;
        socket_ = dir_ + "/bus";
        log_ = dir_ + "/log";
        int listener = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
        sockaddr_un sun{};
        sun.sun_family = AF_UNIX;
        std::strncpy(sun.sun_path, socket_.c_str(), sizeof sun.sun_path - 1);
        if (::bind(listener, reinterpret_cast<sockaddr*>(&sun), sizeof sun) || ::listen(listener, 1)) {
            throw std::runtime_error("bind");
        }
        pid_ = ::fork();
        if (pid_ == 0) {
            ::alarm(30);
            int fd = ::accept(listener, nullptr, nullptr);
            serve(fd, handler, auth_reply, raw);
            ::_exit(0);
        }
        ::close(listener);
    }
    ~FakeSystemd() {
        ::kill(pid_, SIGKILL);
        ::waitpid(pid_, nullptr, 0);
        std::filesystem::remove_all(dir_);
    }

    std::string address() const { return "unix:path=" + socket_; }
    std::vector<std::string> calls() {
        ::waitpid(pid_, nullptr, 0);  // it ends when rt closes the connection
        std::ifstream in(log_);
        std::vector<std::string> lines;
        for (std::string line; std::getline(in, line);) lines.push_back(line);
        return lines;
    }

private:
    void serve(int fd, const Handler& handler, const std::string& auth_reply, const std::string& raw) {
        std::ofstream log(log_);
        std::string in;
        auto fill = [&] {
            char buffer[4096];
            ssize_t n = ::read(fd, buffer, sizeof buffer);
            if (n <= 0) ::_exit(0);
            in.append(buffer, static_cast<size_t>(n));
        };
        auto line = [&] {
            while (in.find("\r\n") == std::string::npos) fill();
            std::string l = in.substr(0, in.find("\r\n"));
            in.erase(0, l.size() + 2);
            return l;
        };
        std::string auth = line();
        log << "auth " << (auth[0] == '\0' ? "NUL+" + auth.substr(1) : auth) << "\n";
        std::string answer = auth_reply + "\r\n";
        if (::write(fd, answer.data(), answer.size()) < 0) ::_exit(1);
        log << line() << "\n" << std::flush;  // BEGIN
        if (!raw.empty() && ::write(fd, raw.data(), raw.size()) < 0) ::_exit(1);
        uint32_t serial = 1;
        std::map<std::string, int> seen;
        for (;;) {
            while (in.size() < 16) fill();
            size_t size = dbus::message_size(in);
            while (in.size() < size) fill();
            Message call = dbus::parse_message(std::string_view(in).substr(0, size));
            in.erase(0, size);
            std::string entry = call.member + " " + call.signature();
            for (const auto& v : call.body) {
                if (v.type() == "s") entry += " " + v.as_string();
            }
            log << entry << "\n" << std::flush;
            for (Message out : handler(call, ++seen[call.member])) {
                out.serial = serial++;
                std::string bytes = dbus::serialize(out);
                if (::write(fd, bytes.data(), bytes.size()) < 0) ::_exit(1);
            }
        }
    }

    std::string dir_, socket_, log_;
    pid_t pid_ = -1;
};

// A systemd that answers like the real one, with `start` for StartTransientUnit.
Handler systemd_with(std::function<std::vector<Message>(const Message&, int)> start) {
    return [start](const Message& call, int nth) -> std::vector<Message> {
        if (call.member == "Hello") return {reply_to(call, {Value::string(":1.42")})};
        if (call.member == "AddMatch") return {reply_to(call)};
        if (call.member == "Get") return {reply_to(call, {Value::variant(Value::string("252.38-1~deb12u1"))})};
        if (call.member == "StartTransientUnit") return start(call, nth);
        if (call.member == "SetUnitProperties") return {reply_to(call)};
        if (call.member == "StopUnit") return {error_to(call, "org.freedesktop.systemd1.NoSuchUnit")};
        if (call.member == "ResetFailedUnit") return {error_to(call, "org.freedesktop.systemd1.NoSuchUnit")};
        return {error_to(call, "org.freedesktop.DBus.Error.UnknownMethod")};
    };
}

class SystemdDbus : public ::testing::Test {
protected:
    void TearDown() override { ::unsetenv("DBUS_SYSTEM_BUS_ADDRESS"); }
    void use(const FakeSystemd& fake) { ::setenv("DBUS_SYSTEM_BUS_ADDRESS", fake.address().c_str(), 1); }
    std::string error_of(const std::function<void()>& f) {
        try {
            f();
        } catch (const std::exception& e) {
            return e.what();
        }
        return "";
    }
};

std::vector<Property> some_properties() {
    return {{"Delegate", Value::boolean(true)}, {"PIDs", Value::array("u", {Value::uint32(4242)})}};
}

TEST_F(SystemdDbus, StartWaitsForItsOwnJobAndRetriesALeftoverUnitOnce) {
    FakeSystemd fake(systemd_with([](const Message& call, int nth) -> std::vector<Message> {
        if (nth == 1) return {error_to(call, "org.freedesktop.systemd1.UnitExists")};
        // Another job's end first: rt must wait for its own.
        return {reply_to(call, {Value::object_path(job7)}),
                job_removed(6, "/org/freedesktop/systemd1/job/6", "other.scope", "failed"),
                job_removed(7, job7, "rt-c1.scope", "done")};
    }));
    use(fake);
    {
        auto systemd = connect_systemd();
        EXPECT_EQ(systemd->version(), 252);
        EXPECT_EQ(systemd->version(), 252);  // asked once
        systemd->start_unit("rt-c1.scope", some_properties());
        systemd->set_properties("rt-c1.scope", {{"MemoryMax", Value::uint64(1 << 25)}});
        systemd->stop_unit("rt-c1.scope");  // no such unit: fine
    }
    EXPECT_THAT(fake.calls(),
                ElementsAre("auth NUL+AUTH EXTERNAL " + [] {
                    std::string hex;
                    for (char c : std::to_string(::geteuid())) hex += "3" + std::string(1, c);
                    return hex;
                }(),
                            "BEGIN", "Hello ",
                            "AddMatch s type='signal',sender='org.freedesktop.systemd1',interface='org.freedesktop."
                            "systemd1.Manager',member='JobRemoved',path='/org/freedesktop/systemd1'",
                            "Get ss org.freedesktop.systemd1.Manager Version",
                            "StartTransientUnit ssa(sv)a(sa(sv)) rt-c1.scope replace",
                            "ResetFailedUnit s rt-c1.scope",
                            "StartTransientUnit ssa(sv)a(sa(sv)) rt-c1.scope replace",
                            "SetUnitProperties sba(sv) rt-c1.scope", "StopUnit ss rt-c1.scope replace",
                            "ResetFailedUnit s rt-c1.scope"));
}

TEST_F(SystemdDbus, AFailedJobIsAnErrorAndTheUnitIsReset) {
    FakeSystemd fake(systemd_with([](const Message& call, int) -> std::vector<Message> {
        return {reply_to(call, {Value::object_path(job7)}), job_removed(7, job7, "rt-c1.scope", "failed")};
    }));
    use(fake);
    {
        auto systemd = connect_systemd();
        EXPECT_THAT(error_of([&] { systemd->start_unit("rt-c1.scope", some_properties()); }),
                    HasSubstr("systemd could not start rt-c1.scope: its job ended \"failed\""));
    }
    EXPECT_EQ(fake.calls().back(), "ResetFailedUnit s rt-c1.scope");
}

TEST_F(SystemdDbus, AUnitThatStaysIsAnError) {
    FakeSystemd fake(systemd_with([](const Message& call, int) -> std::vector<Message> {
        return {error_to(call, "org.freedesktop.systemd1.UnitExists")};
    }));
    use(fake);
    auto systemd = connect_systemd();
    EXPECT_THAT(error_of([&] { systemd->start_unit("rt-c1.scope", some_properties()); }),
                HasSubstr("systemd already has a unit rt-c1.scope"));
}

TEST_F(SystemdDbus, ARefusedAuthenticationNamesTheSocket) {
    FakeSystemd fake(systemd_with(nullptr), "REJECTED EXTERNAL");
    use(fake);
    std::string error = error_of([] { connect_systemd(); });
    EXPECT_THAT(error, HasSubstr("--systemd-cgroup: cannot reach systemd over D-Bus"));
    EXPECT_THAT(error, HasSubstr("/bus: D-Bus: authentication as uid " + std::to_string(::geteuid()) +
                                 " refused: \"REJECTED EXTERNAL\""));
}

TEST_F(SystemdDbus, AMalformedAnswerIsAnErrorNotACrash) {
    FakeSystemd fake(systemd_with(nullptr), "OK 0123456789abcdef0123456789abcdef",
                     std::string("x\x02\x00\x01\x00\x00\x00\x00\x01\x00\x00\x00\x00\x00\x00\x00", 16));
    use(fake);
    EXPECT_THAT(error_of([] { connect_systemd(); }), HasSubstr("D-Bus: malformed message: unknown byte order 'x'"));
}

TEST_F(SystemdDbus, NoSystemdAtAllIsAClearError) {
    ::setenv("DBUS_SYSTEM_BUS_ADDRESS", "unix:path=/nonexistent/rt-test-bus", 1);
    std::string error = error_of([] { connect_systemd(); });
    EXPECT_THAT(error, HasSubstr("--systemd-cgroup: cannot reach systemd over D-Bus"));
    EXPECT_THAT(error, HasSubstr("connect /nonexistent/rt-test-bus: No such file or directory"));
}

// Rootless: the user's systemd on the user's bus, $XDG_RUNTIME_DIR/bus when
// no session address is set; its ControlGroup is where its units go.
class UserSystemdDbus : public SystemdDbus {
protected:
    void SetUp() override {
        for (const char* name : {"DBUS_SESSION_BUS_ADDRESS", "XDG_RUNTIME_DIR"}) {
            const char* value = std::getenv(name);
            saved_.emplace_back(name, value ? std::optional<std::string>(value) : std::nullopt);
        }
        ::unsetenv("DBUS_SESSION_BUS_ADDRESS");
    }
    void TearDown() override {
        for (const auto& [name, value] : saved_) {
            if (value) {
                ::setenv(name.c_str(), value->c_str(), 1);
            } else {
                ::unsetenv(name.c_str());
            }
        }
        SystemdDbus::TearDown();
    }
    std::vector<std::pair<std::string, std::optional<std::string>>> saved_;
};

TEST_F(UserSystemdDbus, TheRuntimeDirsBusAndTheManagersControlGroup) {
    const std::string manager_cgroup = "/user.slice/user-1000.slice/user@1000.service";
    Handler base = systemd_with([](const Message& call, int) -> std::vector<Message> {
        return {reply_to(call, {Value::object_path(job7)}), job_removed(7, job7, "rt-c1.scope", "done")};
    });
    FakeSystemd fake([&](const Message& call, int nth) -> std::vector<Message> {
        if (call.member == "Get" && call.body.size() == 2 && call.body[1].as_string() == "ControlGroup") {
            return {reply_to(call, {Value::variant(Value::string(manager_cgroup))})};
        }
        return base(call, nth);
    });
    std::string address = fake.address();  // unix:path=DIR/bus
    std::string dir = address.substr(10, address.size() - 10 - 4);
    ::setenv("XDG_RUNTIME_DIR", dir.c_str(), 1);
    {
        auto systemd = connect_user_systemd();
        EXPECT_EQ(systemd->control_group(), manager_cgroup);
        systemd->start_unit("rt-c1.scope", some_properties());
    }
    auto calls = fake.calls();
    ASSERT_GE(calls.size(), 6u);
    EXPECT_EQ(calls[2], "Hello ");
    EXPECT_EQ(calls[4], "Get ss org.freedesktop.systemd1.Manager ControlGroup");
    EXPECT_EQ(calls[5], "StartTransientUnit ssa(sv)a(sa(sv)) rt-c1.scope replace");
}

TEST_F(UserSystemdDbus, NoUserBusIsAClearError) {
    ::setenv("XDG_RUNTIME_DIR", "/nonexistent/rt-test-runtime", 1);
    std::string error = error_of([] { connect_user_systemd(); });
    EXPECT_THAT(error, HasSubstr("--systemd-cgroup rootless: cannot reach the user's systemd instance "
                                 "(systemd --user) over D-Bus on the user's bus: connect "
                                 "/nonexistent/rt-test-runtime/bus: No such file or directory"));
    ::unsetenv("XDG_RUNTIME_DIR");
    EXPECT_THAT(error_of([] { connect_user_systemd(); }),
                HasSubstr("neither DBUS_SESSION_BUS_ADDRESS nor XDG_RUNTIME_DIR is set"));
}

}  // namespace
}  // namespace rt::cgroups::systemd
