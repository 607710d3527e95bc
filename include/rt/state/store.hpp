// The container store under --root (default /run/rt):
//
//   <root>/<id>/state.json   ContainerState, written atomically
//   <root>/<id>/config.json  the config as it was at create time
//   <root>/<id>/exec.fifo    exists from create until start
//
// A per-container flock on <root>/<id> serialises commands on one container;
// creating <root>/<id> with mkdir makes exactly one of two concurrent creates
// of one ID win.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "rt/util/error.hpp"
#include "rt/util/fd.hpp"

namespace rt::state {

// What rt remembers about a container between commands.
struct ContainerState {
    std::string id;
    std::string bundle;   // absolute
    std::string rootfs;   // absolute
    pid_t pid = 0;        // the init, as the host sees it; 0 while creating
    uint64_t start_time = 0;  // of the init, /proc/PID/stat field 22
    std::string created;  // RFC 3339
    std::string owner;    // user name of the creator ("" for root, as runc)
    std::map<std::string, std::string> annotations;
    // Where the container's cgroups are: controller ("" for a cgroup v2
    // unified hierarchy) -> absolute path. Written by the cgroups module.
    std::map<std::string, std::string> cgroup_paths;
    std::string cgroup_driver;  // name of the cgroups::Manager that made them
};

// The container named in a command does not exist (callers such as
// `delete --force` treat this one error as success).
class NotFound : public Error {
public:
    explicit NotFound(const std::string& id)
        : Error("container \"" + id + "\" does not exist", ENOENT) {}
};

// Holds the flock of one container directory while it lives.
class ContainerLock {
public:
    ContainerLock() = default;
    explicit ContainerLock(unique_fd dir) : dir_(std::move(dir)) {}
    int dir_fd() const { return dir_.get(); }

private:
    unique_fd dir_;
};

class Store {
public:
    explicit Store(std::string root) : root_(std::move(root)) {}

    const std::string& root() const { return root_; }
    // <root>/<id>. Every path of a container goes through here, so an ID that
    // is not a container ID ("../victim", "a/b", "..") is refused before any
    // command touches anything, whatever the command.
    std::string dir(const std::string& id) const;
    std::string fifo_path(const std::string& id) const { return dir(id) + "/exec.fifo"; }
    std::string config_path(const std::string& id) const { return dir(id) + "/config.json"; }

    // Makes <root>/<id> (and <root> if needed) and locks it. Throws
    // `container "id" already exists` if it is there.
    ContainerLock create(const std::string& id) const;
    // Locks an existing container; throws NotFound.
    ContainerLock lock(const std::string& id) const;
    bool exists(const std::string& id) const;

    // Reads state.json; throws NotFound when it is not there yet.
    ContainerState load(const std::string& id) const;
    void save(const ContainerState& state) const;
    // Removes <root>/<id> and everything in it.
    void remove(const std::string& id) const;

    // IDs of every container directory, sorted.
    std::vector<std::string> list() const;

    // One container as `list` reads it: its state (without the cgroup paths,
    // unless `cgroup_paths`), the owner of its directory, and that directory
    // opened beneath --root without following links, for more lookups
    // beneath it (exec.fifo). Cheaper than load() for a thousand containers:
    // every lookup is one name relative to an open directory.
    struct Listed {
        ContainerState state;
        uid_t owner = 0;
        unique_fd dir;
    };
    // Calls `each` for every container of list() whose state can be read
    // now (one being created or deleted right now is left out).
    template <typename Each>
    void for_each_listed(bool cgroup_paths, Each each) const {
        unique_fd root = open_root();
        if (!root) return;
        for (const auto& id : list()) {
            Listed listed;
            if (read_listed(root.get(), id, cgroup_paths, listed)) each(listed);
        }
    }

private:
    unique_fd open_root() const;
    bool read_listed(int root, const std::string& id, bool cgroup_paths, Listed& out) const;

    std::string root_;
};

std::string to_json(const ContainerState& state);
// Parses state.json. Without `cgroup_paths` their member is skipped, not
// parsed (on cgroup v1 it is most of the file).
ContainerState container_state_from_json(const std::string& text, bool cgroup_paths = true);

}  // namespace rt::state
