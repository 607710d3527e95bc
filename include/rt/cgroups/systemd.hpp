// The systemd cgroup driver (`rt --systemd-cgroup`), as runc's: the
// container's cgroup is a transient scope unit that rt asks systemd for over
// D-Bus, and the v1/v2 managers write what systemd has no property for.
//
//   linux.cgroupsPath  "SLICE:PREFIX:NAME" -> unit PREFIX-NAME.scope in SLICE
//                      (SLICE "" is system.slice, "-.slice" the root slice);
//                      absent or "" -> system.slice:rt:<id>.
//   create             StartTransientUnit(PREFIX-NAME.scope, Slice=SLICE,
//                      Delegate=yes, PIDs=[init], accounting on, the
//                      resources systemd knows as properties), waiting for
//                      the job (JobRemoved); a leftover unit of that name is
//                      reset and the start retried once. Then the cgroupfs
//                      writer of the host's version makes what systemd did
//                      not (v1 hierarchies systemd does not manage) and
//                      writes every resource into the files, as with
//                      cgroupfs: what systemd set is written again, the
//                      rest only there.
//   update             SetUnitProperties(runtime) and the files.
//   delete             StopUnit (waiting for the job), ResetFailedUnit, and
//                      the directories systemd does not remove.
//   pause, ps, events, kill --all: the files, as with cgroupfs.
//
// Rootless (as runc): the user's own systemd instance on the user's bus
// ($DBUS_SESSION_BUS_ADDRESS, else $XDG_RUNTIME_DIR/bus), the default slice
// "user.slice" of that manager, so the scope's cgroup is below the user
// manager's own (".../user@UID.service/user.slice/rt-ID.scope"). No device
// rules (a user cannot load device filters). On cgroup v2 the limits go as
// for root, into the controllers delegated to the user; on v1 a user manager
// is delegated no controller: the scope only tracks the processes, and a
// limit is an error. The drivers are "systemd-user-v1" and "systemd-user-v2".
//
// Which resource becomes which property (runc's tables, per version of
// cgroups and of systemd) is in unit_properties.cpp and devices.cpp.
#pragma once

#include <sys/types.h>

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "rt/cgroups/devices.hpp"
#include "rt/cgroups/layout.hpp"
#include "rt/cgroups/manager.hpp"
#include "rt/dbus/message.hpp"
#include "rt/spec/config.hpp"

namespace rt::cgroups::systemd {

// Where a container goes, from linux.cgroupsPath.
struct UnitPath {
    std::string slice;      // "system.slice", as given to systemd (Slice=)
    std::string unit;       // "rt-abc.scope"
    std::string slice_dir;  // the slice's cgroup below a mount: "/system.slice", "/" for -.slice
    // The unit's cgroup below a mount: "/system.slice/rt-abc.scope".
    std::string cgroup() const { return (slice_dir == "/" ? "" : slice_dir) + "/" + unit; }
};

// "SLICE:PREFIX:NAME" (or the default for an absent or empty path). Throws
// rt::Error starting with ".linux.cgroupsPath: " for anything else.
// `rootless`: the default slice is the user manager's "user.slice".
UnitPath unit_path(const std::optional<std::string>& cgroups_path, const std::string& id, bool rootless = false);

// runc's ExpandSlice: "a-b.slice" -> "/a.slice/a-b.slice", "-.slice" -> "/".
std::string expand_slice(const std::string& slice);

// One unit property: its name and its value (sent in a variant).
struct Property {
    std::string name;
    dbus::Value value;
    bool operator==(const Property&) const = default;
};

// The properties of a new scope, without its resources: Description, Slice,
// Delegate, PIDs, accounting, DefaultDependencies.
std::vector<Property> scope_properties(const std::string& id, const UnitPath& path, pid_t pid, bool v2);

// The resources systemd knows, as properties (runc's mapping for cgroup v1
// or v2 and for `systemd_version`). `resources` may change: a CPU quota is
// rounded up to what systemd can express (whole percents), as runc does, so
// that the files get the same value. `devices`: the container's device rules,
// or nullptr to leave them. Throws rt::Error naming the field for a value
// that cannot be expressed. `warn`: log what systemd cannot take (false when
// only checking).
std::vector<Property> resource_properties(spec::Resources& resources, const std::vector<DeviceRule>* devices,
                                          bool v2, int systemd_version, bool warn = true);

// DevicePolicy and DeviceAllow for the device rules (devices.cpp).
std::vector<Property> device_properties(const std::vector<DeviceRule>& rules, int systemd_version, bool warn = true);

// runc's RangeToBits: a cpuset list ("0-2,7") as the bytes of AllowedCPUs
// and AllowedMemoryNodes (bit n of byte k is CPU 8k+n).
std::string cpu_mask(const std::string& list);

// The unit property of a D-Bus "Version" string ("252.38-1~deb12u1" -> 252);
// -1 when there is no number.
int parse_version(const std::string& text);

// What rt asks of systemd. The real one talks D-Bus; unit tests record.
class UnitControl {
public:
    virtual ~UnitControl() = default;
    virtual int version() = 0;
    // Starts a transient unit and waits until its job is done.
    virtual void start_unit(const std::string& unit, const std::vector<Property>& properties) = 0;
    virtual void set_properties(const std::string& unit, const std::vector<Property>& properties) = 0;
    // Stops a unit and waits until its job is done; nothing when there is no
    // such unit. Then forgets it if it failed (ResetFailedUnit).
    virtual void stop_unit(const std::string& unit) = 0;
    // The manager's own cgroup (its ControlGroup property): "" for the
    // system's systemd (units are below the root), the user@UID.service
    // cgroup for a user's.
    virtual std::string control_group() { return ""; }
};

// systemd over D-Bus: the system bus ($DBUS_SYSTEM_BUS_ADDRESS, else
// /run/dbus/system_bus_socket), or, as root, systemd's private socket
// /run/systemd/private. Throws an rt::Error naming D-Bus and systemd when
// neither answers.
std::unique_ptr<UnitControl> connect_systemd();

// The address of the caller's user bus: `session_bus_address` when set and
// not empty, else unix:path=`xdg_runtime_dir`/bus. Throws rt::Error naming
// both variables when neither is set.
std::string user_bus_address(const char* session_bus_address, const char* xdg_runtime_dir);

// The user's own systemd instance over the user's bus (rootless). Throws an
// rt::Error naming D-Bus and the user's systemd when it does not answer.
std::unique_ptr<UnitControl> connect_user_systemd();

using Connector = std::function<std::unique_ptr<UnitControl>()>;

// The systemd driver's manager for a new container. Connects to systemd
// right away (`connect`; by default the system's systemd, or the user's when
// `rootless`), so that an unreachable systemd is an error before anything
// is made.
std::unique_ptr<Manager> manager_for_create(const Layout& layout, const std::optional<std::string>& cgroups_path,
                                            const std::string& id, DeviceFilterLoader& loader, bool rootless = false,
                                            const Connector& connect = {});

// The manager of an existing container ("systemd-v1", "systemd-v2", or
// "systemd-user-v1/v2"). Connects only for what needs systemd (update,
// destroy): by default to the systemd the driver names.
std::unique_ptr<Manager> manager_from_state(const Layout& layout, const std::string& driver,
                                            const std::map<std::string, std::string>& paths,
                                            DeviceFilterLoader& loader, const Connector& connect = {});

}  // namespace rt::cgroups::systemd
