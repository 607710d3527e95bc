// The cgroups of one container. One interface, two implementations:
//
//   v1 (src/cgroups/v1/): one directory per mounted v1 hierarchy (cpu,
//      memory, devices, ...), and on a hybrid host also one in the cgroup2
//      hierarchy at <root>/unified, which the process joins as runc does;
//   v2 (src/cgroups/v2/): one directory in the unified hierarchy, with the
//      controllers enabled in its parents' cgroup.subtree_control.
//
// Each controller's writes and statistics live in a file of their own
// (memory.cpp, cpu.cpp, ...). A resource is written only when the config
// sets it; a failure is an rt::Error naming the field, the file and the
// kernel's reason. rt writes only inside the cgroups it creates, except for
// enabling controllers in the parents' cgroup.subtree_control (v2; only those
// not enabled yet).
//
// The life of a container's cgroups:
//   create:  check (no side effect) -> create_birthplace -> the init is
//            cloned into it -> create -> apply -> the init joins the rest
//            itself (child_join), or add_process(init)
//   later:   update, freeze, processes, stats, watch_oom
//   delete:  (processes killed) -> destroy
#pragma once

#include <sys/types.h>

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "rt/cgroups/devices.hpp"
#include "rt/cgroups/layout.hpp"
#include "rt/cgroups/stats.hpp"
#include "rt/spec/config.hpp"
#include "rt/util/fd.hpp"

namespace rt::cgroups {

enum class FreezerState { thawed, frozen };

// Tells when the kernel's OOM killer struck in the container's cgroup.
class OomWatch {
public:
    virtual ~OomWatch() = default;
    // Becomes readable (POLLIN) when something may have happened.
    virtual int fd() const = 0;
    // Reads what made fd() readable; true if it was an OOM kill.
    virtual bool consume() = 0;
};

// How a child about to be cloned joins the cgroups itself (Manager::child_join).
struct ChildJoin {
    // The cgroup v2 directory (O_DIRECTORY), for clone3's CLONE_INTO_CGROUP;
    // none on a host without cgroup2.
    unique_fd v2_dir;
    // Each cgroup v1 hierarchy's "tasks" file, open for writing, to which
    // the child writes "0" (itself) first of all, in this order: the
    // freezer's last.
    struct Tasks {
        unique_fd fd;
        std::string path;  // for messages
    };
    std::vector<Tasks> v1_tasks;
};

// A ChildJoin for the cgroup directories `paths` (controller -> directory,
// "" for the unified hierarchy), as paths() gives them. Throws
// `open <file>: <reason>`.
ChildJoin open_child_join(const std::map<std::string, std::string>& paths);

class Manager {
public:
    virtual ~Manager() = default;

    // "cgroupfs-v1" or "cgroupfs-v2": saved in the state with paths().
    virtual std::string driver() const = 0;
    // Controller -> directory ("" for the unified hierarchy).
    virtual std::map<std::string, std::string> paths() const = 0;

    // Refuses, before any side effect, what this host cannot apply: a
    // controller that is not there, a v1-only field on v2, `unified` on v1...
    virtual void check(const spec::Resources& resources) const = 0;
    // Makes the directories (remembering which it made, for destroy), and
    // readies them to take processes: cpuset cpus/mems inherited on v1,
    // controllers enabled on v2. Refuses a cgroup that has processes or is
    // frozen.
    virtual void create(const spec::Resources& resources) = 0;
    // The part of create() a child must find made before it is cloned: the
    // cgroup2 directory it is born into (CLONE_INTO_CGROUP), on a v2 or a
    // hybrid host, returned open (O_DIRECTORY); none where there is no such
    // directory or the driver moves the child itself (systemd). create()
    // called after it makes the rest. Why two steps: rt clones the init
    // between them, and makes the rest (on v1 a directory in each hierarchy,
    // about 0.7 ms, most of it the kernel's mkdir) while the init makes its
    // namespaces. Like create(), it undoes itself when it fails.
    virtual unique_fd create_birthplace(const spec::Resources& resources) {
        (void)resources;
        return {};
    }
    // Writes every resource the config sets, and the device rules.
    virtual void apply(const spec::Resources& resources, const std::vector<DeviceRule>& devices) = 0;
    // Moves a process into the cgroups.
    virtual void add_process(pid_t pid) = 0;
    // What a child needs to join the cgroups made by create() itself, or
    // nullopt when it cannot (add_process after the clone). An exec'd
    // process gets it before its clone; the init, which is cloned before
    // create() (create_birthplace), over the sync channel after it. Why: moving a process by its pid (add_process) takes the
    // kernel's global lock on migrations, cgroup_threadgroup_rwsem, for
    // writing, and the first taking after a quiet moment waits for an RCU
    // grace period: 7 to 15 ms on the test VM, more than the rest of `rt
    // run`. Neither a process born in its cgroup v2 (CLONE_INTO_CGROUP: the
    // fork takes the lock for reading only) nor a thread that writes "0"
    // (itself) to a cgroup v1 "tasks" file (the kernel skips the lock)
    // takes it for writing; for a single-threaded child that thread is the
    // whole process. The kernel checks a v1 write with the credentials of
    // the file's opener: the child may already be in a new user namespace.
    virtual std::optional<ChildJoin> child_join() const { return std::nullopt; }

    // Changes the limits `resources` sets on a live container; values it
    // does not set stay. `devices`: new rules, or nullptr to keep them.
    virtual void update(const spec::Resources& resources, const std::vector<DeviceRule>* devices) = 0;

    virtual void freeze(FreezerState state) = 0;
    // thawed when the cgroup has no freezer.
    virtual FreezerState freezer_state() const = 0;
    virtual bool has_freezer() const = 0;

    // Every process in the cgroup and its descendants.
    virtual std::vector<pid_t> processes() const = 0;
    // Whether the container's cgroup directory is still there.
    virtual bool exists() const = 0;

    virtual Stats stats() const = 0;
    virtual std::unique_ptr<OomWatch> watch_oom() const = 0;

    // Removes the container's cgroup directories (and what create made
    // above them when called on the manager that created them). Its
    // processes must be dead: waits a little for them to go.
    virtual void destroy() = 0;
};

// The manager for a new container. `cgroups_path` is linux.cgroupsPath.
// `loader` defaults to the kernel's (bpf(2)).
std::unique_ptr<Manager> manager_for_create(const Layout& layout, const std::optional<std::string>& cgroups_path,
                                            const std::string& id, DeviceFilterLoader* loader = nullptr);

// The manager of an existing container, from what its state saved.
// True for the drivers whose freezer leaves a frozen task in uninterruptible
// sleep, 'D' in /proc/PID/stat (v1: __refrigerator, and since Linux 6.1
// TASK_FROZEN reported as D), so that a task in any other state is not
// frozen. Not v2: its frozen tasks sleep interruptibly.
bool frozen_tasks_show_as_uninterruptible(const std::string& driver);

// A rootless container's manager when no cgroup was delegated to the user:
// it makes nothing and refuses every limit, naming `why`; its driver is
// "none" and it has no paths.
std::unique_ptr<Manager> no_cgroups(std::string why);

std::unique_ptr<Manager> manager_from_state(const Layout& layout, const std::string& driver,
                                            const std::map<std::string, std::string>& paths,
                                            DeviceFilterLoader* loader = nullptr);

// cpu.shares (v1, 2..262144) -> cpu.weight (v2, 1..10000), with runc's
// formula (a quadratic fit through 2->1, 1024->100, 262144->10000).
uint64_t cpu_shares_to_weight(uint64_t shares);
// blkio.weight (10..1000) -> io.weight (1..10000), linear as runc.
uint64_t blkio_weight_to_io_weight(uint64_t weight);
// runc's ConvertMemorySwapToCgroupV2Value: memory.swap.max (swap alone) for
// the spec's swap (memory + swap) and limit, -1 for "max", 0 for "leave it".
// Throws for a swap below the limit, or without one.
int64_t memory_swap_to_v2(int64_t swap, int64_t limit);

}  // namespace rt::cgroups
