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
UnitPath unit_path(const std::optional<std::string>& cgroups_path, const std::string& id);

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
};

// systemd over D-Bus: the system bus ($DBUS_SYSTEM_BUS_ADDRESS, else
// /run/dbus/system_bus_socket), or, as root, systemd's private socket
// /run/systemd/private. Throws an rt::Error naming D-Bus and systemd when
// neither answers.
std::unique_ptr<UnitControl> connect_systemd();

using Connector = std::function<std::unique_ptr<UnitControl>()>;

// The systemd driver's manager for a new container. Connects to systemd
// right away (`connect`), so that an unreachable systemd is an error before
// anything is made.
std::unique_ptr<Manager> manager_for_create(const Layout& layout, const std::optional<std::string>& cgroups_path,
                                            const std::string& id, DeviceFilterLoader& loader,
                                            const Connector& connect = connect_systemd);

// The manager of an existing container ("systemd-v1" or "systemd-v2").
// Connects only for what needs systemd (update, destroy).
std::unique_ptr<Manager> manager_from_state(const Layout& layout, const std::string& driver,
                                            const std::map<std::string, std::string>& paths,
                                            DeviceFilterLoader& loader, const Connector& connect = connect_systemd);

}  // namespace rt::cgroups::systemd
