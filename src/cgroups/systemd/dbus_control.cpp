// systemd's Manager interface over D-Bus (org.freedesktop.systemd1(5)): the
// calls the systemd driver makes, each job waited for through JobRemoved.
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>

#include "rt/cgroups/systemd.hpp"
#include "rt/dbus/connection.hpp"
#include "rt/util/log.hpp"

namespace rt::cgroups::systemd {
namespace {

const std::string service = "org.freedesktop.systemd1";
const std::string manager_path = "/org/freedesktop/systemd1";
const std::string manager_interface = "org.freedesktop.systemd1.Manager";

constexpr int connect_timeout_ms = 10000;
constexpr int call_timeout_ms = 25000;  // D-Bus's usual default
constexpr int job_timeout_ms = 30000;   // runc's

bool is(const dbus::RemoteError& e, const char* name) {
    return e.name() == std::string("org.freedesktop.systemd1.") + name;
}

dbus::Value property_array(const std::vector<Property>& properties) {
    std::vector<dbus::Value> items;
    for (const auto& p : properties) {
        items.push_back(dbus::Value::structure({dbus::Value::string(p.name), dbus::Value::variant(p.value)}));
    }
    return dbus::Value::array("(sv)", std::move(items));
}

class DbusControl final : public UnitControl {
public:
    explicit DbusControl(dbus::Connection connection) : bus_(std::move(connection)) {
        if (bus_.bus()) {
            // JobRemoved goes to the client that asked for the job; a match
            // rule lets the bus pass it on when systemd broadcasts it.
            bus_.call(dbus::Message::method_call(
                          "org.freedesktop.DBus", "/org/freedesktop/DBus", "org.freedesktop.DBus", "AddMatch",
                          {dbus::Value::string("type='signal',sender='org.freedesktop.systemd1',"
                                               "interface='org.freedesktop.systemd1.Manager',member='JobRemoved',"
                                               "path='/org/freedesktop/systemd1'")}),
                      call_timeout_ms);
        }
    }

    int version() override {
        if (version_ == 0) {
            std::string text = manager_string("Version");
            version_ = parse_version(text);
            if (version_ < 0) log::warn("cannot tell systemd's version from \"" + text + "\"");
        }
        return version_;
    }

    void start_unit(const std::string& unit, const std::vector<Property>& properties) override {
        auto start = [&] {
            return job_of(call("StartTransientUnit", {dbus::Value::string(unit), dbus::Value::string("replace"),
                                                      property_array(properties),
                                                      dbus::Value::array("(sa(sv))", {})}));
        };
        std::string job;
        try {
            job = start();
        } catch (const dbus::RemoteError& e) {
            if (!is(e, "UnitExists")) throw;
            // A unit of that name is left from before (a failed one, say):
            // have systemd forget it, and try once more, as runc does.
            reset_failed(unit);
            try {
                job = start();
            } catch (const dbus::RemoteError& again) {
                if (!is(again, "UnitExists")) throw;
                throw Error("systemd already has a unit " + unit + " (another container with this cgroupsPath?)");
            }
        }
        std::string result = wait_job(job);
        if (result != "done") {
            reset_failed(unit);
            throw Error("systemd could not start " + unit + ": its job ended \"" + result + "\"");
        }
    }

    void set_properties(const std::string& unit, const std::vector<Property>& properties) override {
        if (properties.empty()) return;
        call("SetUnitProperties", {dbus::Value::string(unit), dbus::Value::boolean(true), property_array(properties)});
    }

    void stop_unit(const std::string& unit) override {
        std::string job;
        try {
            job = job_of(call("StopUnit", {dbus::Value::string(unit), dbus::Value::string("replace")}));
        } catch (const dbus::RemoteError& e) {
            // Gone already: a scope stops by itself once its last process
            // has exited.
            if (!is(e, "NoSuchUnit")) throw;
        }
        if (!job.empty()) {
            std::string result = wait_job(job);
            if (result != "done") log::warn("stopping " + unit + ": systemd's job ended \"" + result + "\"");
        }
        reset_failed(unit);
    }

    std::string control_group() override { return manager_string("ControlGroup"); }

private:
    // A string property of the Manager ("" when it is not a string).
    std::string manager_string(const std::string& name) {
        dbus::Message reply = bus_.call(
            dbus::Message::method_call(service, manager_path, "org.freedesktop.DBus.Properties", "Get",
                                       {dbus::Value::string(manager_interface), dbus::Value::string(name)}),
            call_timeout_ms);
        if (reply.body.size() == 1 && reply.body[0].type() == "v" && reply.body[0].inner().type() == "s") {
            return reply.body[0].inner().as_string();
        }
        return "";
    }

    dbus::Message call(const std::string& method, std::vector<dbus::Value> args) {
        return bus_.call(dbus::Message::method_call(service, manager_path, manager_interface, method, std::move(args)),
                         call_timeout_ms);
    }

    static std::string job_of(const dbus::Message& reply) {
        if (reply.body.size() != 1 || reply.body[0].type() != "o") {
            throw Error("D-Bus: systemd answered with \"" + reply.signature() + "\", not a job's object path");
        }
        return reply.body[0].as_string();
    }

    // Waits for JobRemoved(u id, o job, s unit, s result) of `job`.
    std::string wait_job(const std::string& job) {
        dbus::Message removed = bus_.wait_for_signal(
            [&](const dbus::Message& m) {
                return m.interface == manager_interface && m.member == "JobRemoved" && m.path == manager_path &&
                       m.signature() == "uoss" && m.body[1].as_string() == job;
            },
            job_timeout_ms);
        return removed.body[3].as_string();
    }

    void reset_failed(const std::string& unit) {
        try {
            call("ResetFailedUnit", {dbus::Value::string(unit)});
        } catch (const dbus::RemoteError& e) {
            // Not failed, or not there: nothing to forget.
            if (!is(e, "NoSuchUnit") && !is(e, "UnitNotFailed")) log::debug("ResetFailedUnit " + unit + ": " + e.what());
        }
    }

    dbus::Connection bus_;
    int version_ = 0;
};

}  // namespace

std::unique_ptr<UnitControl> connect_systemd() {
    std::vector<std::pair<dbus::SocketAddress, bool>> candidates;  // (socket, is a bus)
    const char* env = std::getenv("DBUS_SYSTEM_BUS_ADDRESS");
    std::string address = env && *env ? env : "unix:path=/run/dbus/system_bus_socket";
    std::string failures;
    try {
        for (const auto& socket : dbus::parse_address(address)) candidates.emplace_back(socket, true);
    } catch (const Error& e) {
        failures += std::string(e.what()) + "; ";
    }
    // As root, systemd's own socket works without a bus daemon (runc's
    // fallback too).
    if (::geteuid() == 0) candidates.emplace_back(dbus::SocketAddress{"/run/systemd/private", false}, false);
    for (const auto& [socket, is_bus] : candidates) {
        try {
            return std::make_unique<DbusControl>(dbus::Connection::open(socket, is_bus, connect_timeout_ms));
        } catch (const Error& e) {
            failures += std::string(e.what()) + "; ";
        }
    }
    if (failures.size() >= 2) failures.resize(failures.size() - 2);
    struct stat st {};
    std::string hint = ::stat("/run/systemd/system", &st) == 0 ? ""
                                                               : " (systemd is not running on this host: there is no "
                                                                 "/run/systemd/system)";
    throw Error("--systemd-cgroup: cannot reach systemd over D-Bus" + hint + ": " + failures);
}

std::string user_bus_address(const char* session_bus_address, const char* xdg_runtime_dir) {
    if (session_bus_address && *session_bus_address) return session_bus_address;
    if (xdg_runtime_dir && *xdg_runtime_dir) {
        // An address escapes what is not a plain character (its spec's
        // "optionally-escaped bytes").
        std::string escaped;
        static const char digits[] = "0123456789abcdef";
        for (unsigned char c : std::string(xdg_runtime_dir)) {
            bool plain = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
                         c == '_' || c == '/' || c == '\\' || c == '.' || c == '*';
            if (plain) {
                escaped.push_back(static_cast<char>(c));
            } else {
                escaped += {'%', digits[c >> 4], digits[c & 15]};
            }
        }
        return "unix:path=" + escaped + "/bus";
    }
    throw Error("neither DBUS_SESSION_BUS_ADDRESS nor XDG_RUNTIME_DIR is set");
}

std::unique_ptr<UnitControl> connect_user_systemd() {
    const std::string what = "--systemd-cgroup rootless: cannot reach the user's systemd instance (systemd --user) "
                             "over D-Bus on the user's bus";
    std::string failures;
    try {
        std::string address = user_bus_address(std::getenv("DBUS_SESSION_BUS_ADDRESS"), std::getenv("XDG_RUNTIME_DIR"));
        for (const auto& socket : dbus::parse_address(address)) {
            try {
                return std::make_unique<DbusControl>(dbus::Connection::open(socket, true, connect_timeout_ms));
            } catch (const Error& e) {
                failures += std::string(e.what()) + "; ";
            }
        }
        if (failures.empty()) failures = "no unix socket in the address \"" + address + "\"; ";
    } catch (const Error& e) {
        failures += std::string(e.what()) + "; ";
    }
    failures.resize(failures.size() - 2);
    throw Error(what + ": " + failures +
                " (a user session with systemd --user and the user's D-Bus, e.g. `loginctl enable-linger`, is needed)");
}

}  // namespace rt::cgroups::systemd
