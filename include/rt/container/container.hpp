// The lifecycle on the caller's side: what each rt command does to a
// container. The CLI parses flags into these option structs and calls one
// function; everything here throws rt::Error on failure.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <iosfwd>
#include <string>
#include <vector>

#include "rt/spec/config.hpp"
#include "rt/state/store.hpp"

namespace rt::container {

enum class Status { creating, created, running, stopped, paused };
const char* to_string(Status status);

struct CreateOptions {
    std::string id;
    std::string bundle;          // as given; made absolute
    std::string pid_file;        // "" for none
    std::string console_socket;  // "" for none
    std::string pidfd_socket;    // "" for none; gets a pidfd of the init
    bool no_pivot = false;
    bool no_new_keyring = false;
    int preserve_fds = 0;
    bool terminal = false;  // `run -t`: as if process.terminal were true
    bool detach = true;     // false for a foreground `run`: a terminal is relayed
    bool systemd_cgroup = false;  // --systemd-cgroup: the cgroup is a systemd scope
    // --rootless (resolved): only cgroups delegated to the user are used.
    bool rootless = false;
};

struct RunOptions {
    CreateOptions create;
    bool detach = false;
    bool keep = false;  // keep the stopped container (no delete after exit)
    // --no-subreaper: accepted, as runc's; rt never makes itself a subreaper.
    bool no_subreaper = false;
};

// The container ID `rt run DIR` uses: the base name of the bundle directory
// (of its real path, so that "." and "dir/" work).
std::string bundle_id(const std::string& bundle_path);

// create: the container waits in `created` for start.
void create(const state::Store& store, const CreateOptions& options);
void start(const state::Store& store, const std::string& id);
// run = create + start (+ wait, forwarding signals, and delete). Returns the
// exit code rt should exit with: the process's status, 128+N for signal N.
int run(const state::Store& store, const RunOptions& options);
void kill(const state::Store& store, const std::string& id, int signal, bool all);
// delete (a keyword in C++).
void destroy(const state::Store& store, const std::string& id, bool force);

// exec: a new process in a running (or created) container.
struct ExecOptions {
    std::string id;
    std::string process_file;  // --process: a Process JSON; then no command
    std::vector<std::string> args;  // the command
    bool tty = false;
    bool detach = false;
    std::string pid_file;
    std::string console_socket;
    std::string pidfd_socket;         // "" for none; gets a pidfd of the process
    std::string cwd;                  // "" keeps the config's
    std::vector<std::string> env;     // NAME=VALUE, over the config's
    std::string user;                 // "UID[:GID]", "" keeps the config's
    std::vector<uint32_t> additional_gids;  // non-empty replaces the config's
    std::vector<std::string> caps;    // added to the config's sets
    bool no_new_privs = false;
    int preserve_fds = 0;
    std::string apparmor;             // "" keeps the config's
    std::string process_label;        // SELinux label; "" keeps the config's
    bool ignore_paused = false;       // exec into a paused container (frozen until resumed)
    std::vector<std::string> cgroups;  // --cgroup [CONTROLLER:]PATH: sub-cgroups (rt/cgroups/sub_cgroups.hpp)
};

// Returns the exit code rt should exit with: the process's status (128+N for
// signal N) in the foreground, 0 once it started with --detach.
int exec(const state::Store& store, const ExecOptions& options);

// The Features structure of features.md, as `rt features` prints it: what
// this build implements.
std::string features_json();

// The live status of a container, derived from its init process.
Status status_of(const state::Store& store, const state::ContainerState& state);

// The state JSON `rt state` prints (runc's fields: the spec's ociVersion, id,
// status, pid, bundle, annotations, plus rootfs, created and owner).
std::string state_json(const state::Store& store, const std::string& id);

// update: the limits `resources` sets (the rest stay as they are).
void update(const state::Store& store, const std::string& id, const spec::Resources& resources);

// pause freezes a created or running container; resume thaws a paused one.
void pause(const state::Store& store, const std::string& id);
void resume(const state::Store& store, const std::string& id);

// Host PIDs of every process in the container's cgroup, sorted.
std::vector<pid_t> processes(const state::Store& store, const std::string& id);

struct PsOptions {
    std::string id;
    bool json = false;
    std::vector<std::string> ps_args;  // for ps(1); default -ef
};
// What `rt ps` prints.
std::string ps(const state::Store& store, const PsOptions& options);

struct EventsOptions {
    std::string id;
    bool stats_only = false;
    std::chrono::nanoseconds interval = std::chrono::seconds(5);
};
// Writes the events (JSON lines) to `out` until the container has no
// process left, or one stats event with stats_only.
void events(const state::Store& store, const EventsOptions& options, std::ostream& out);

struct ListOptions {
    bool json = false;
    bool quiet = false;
};
std::string list(const state::Store& store, const ListOptions& options);

}  // namespace rt::container
