// rt checkpoint and rt restore: a running container saved to disk by CRIU
// (criu(8)) and brought back as a running container, with runc's flags.
//
// rt runs the `criu` binary from PATH with command-line options (runc talks
// to `criu swrk` over its RPC; the options are the same ones). The argument
// lists are built here by pure functions, unit tested without CRIU; the
// commands themselves are in src/container/checkpoint.cpp and restore.cpp.
#pragma once

#include <sys/types.h>

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "rt/state/store.hpp"

namespace rt::container {

// The flags checkpoint and restore share (runc's criuOptions).
struct CriuOptions {
    std::string image_path;   // "" = ./checkpoint
    std::string work_path;    // "" = CRIU's default (the image directory)
    std::string parent_path;  // checkpoint: previous images, relative to image_path
    bool leave_running = false;
    bool tcp_established = false;
    bool tcp_skip_in_flight = false;
    bool link_remap = false;
    bool ext_unix_sk = false;
    bool shell_job = false;
    bool file_locks = false;
    bool pre_dump = false;
    bool auto_dedup = false;
    bool lazy_pages = false;
    int status_fd = -1;                   // checkpoint --lazy-pages: \0 once the page server is ready
    std::string page_server;              // ADDRESS:PORT
    std::string manage_cgroups_mode;      // "" (soft), soft, full, strict, ignore
    std::vector<std::string> empty_ns;    // "network" only, as runc
    std::string lsm_profile;              // restore: TYPE:NAME
    std::string lsm_mount_context;        // restore
};

struct CheckpointOptions {
    std::string id;
    CriuOptions criu;
};

struct RestoreOptions {
    std::string id;
    std::string bundle;          // "" = current directory
    std::string pid_file;
    std::string console_socket;  // refused: CRIU's command line cannot hand over a pty master
    bool detach = false;
    bool no_subreaper = false;   // accepted, as runc's
    bool no_pivot = false;       // accepted: CRIU makes the root itself
    bool systemd_cgroup = false;
    CriuOptions criu;
};

// checkpoint: dumps the container's processes into the image directory; the
// container is then deleted, unless --leave-running or --pre-dump. A created
// or stopped container is refused. A failing CRIU leaves it as it was.
void checkpoint(const state::Store& store, const CheckpointOptions& options);

// restore: a new container ID from the bundle, its processes restored from
// the images, running. Returns rt's exit status: 0 with --detach, else the
// restored process's (rt waits for it, as `run` does).
int restore(const state::Store& store, const RestoreOptions& options);

// ---- the pieces, pure and unit tested ----

// The checked flags: what the argument lists are built from.
struct CriuPlan {
    std::string image_dir;   // absolute
    std::string work_dir;    // absolute or ""
    std::string parent_path; // relative to image_dir, or ""
    std::string cgroups_mode = "soft";
    bool empty_net = true;   // runc always asks for an empty network namespace
    std::string page_server_address;
    std::string page_server_port;
};

// Checks the flags (before any side effect): the cgroups mode, the
// namespaces of --empty-ns, --page-server ADDRESS:PORT, a relative
// --parent-path. Throws rt::Error naming the flag. `cwd` makes paths absolute.
CriuPlan plan_criu(const CriuOptions& options, const std::string& cwd);

// A mount CRIU must treat as external: the mount point in the container and
// the host path it comes from ("" when dumping).
struct ExternalMount {
    std::string destination;
    std::string key;  // dump: the key written to the images; restore: the host source
};

struct DumpInputs {
    pid_t pid = 0;                     // the container's init
    std::string freezer_cgroup;        // "" for none
    std::vector<ExternalMount> mounts; // destination -> key
    std::vector<std::string> external_namespaces;  // "net[INODE]:extRootNetNS"
    bool own_net = false;              // a new network namespace (not joined by path, not the host's)
};

// `criu dump` (or pre-dump) arguments, argv[0] included.
std::vector<std::string> criu_dump_args(const CriuOptions& options, const CriuPlan& plan, const DumpInputs& in);

struct RestoreInputs {
    std::string root;                  // the rootfs, a mount point
    std::string pidfile;               // absolute
    std::vector<ExternalMount> mounts; // key -> host source
    std::vector<std::string> inherit_fds;  // "fd[N]:KEY"
    std::vector<std::string> join_ns;      // "TYPE:PATH": namespaces joined by path (ipc, uts, ...)
    bool own_net = false;              // a new network namespace (not joined by path, not the host's)
};

// `criu restore` arguments, argv[0] included (the criu child adds
// --cgroup-root once it is in the container's cgroups).
std::vector<std::string> criu_restore_args(const CriuOptions& options, const CriuPlan& plan,
                                           const RestoreInputs& in);

// descriptors.json in the image directory: what fds 0, 1 and 2 of the init
// were (readlink of /proc/PID/fd/N), as runc writes it; restore hands rt's
// own stdio to the restored process in place of the pipes among them.
std::string descriptors_json(const std::vector<std::string>& links);
std::vector<std::string> descriptors_from_json(const std::string& text);  // at most 3
bool is_pipe_link(const std::string& link);  // "pipe:[INODE]"
// "fd[N]:pipe:[INODE]" for each of fds 0-2 that was a pipe.
std::vector<std::string> inherit_fds_for(const std::vector<std::string>& descriptors);

// `--cgroup-root` values for the restored processes: each line of
// /proc/PID/cgroup of a process already in the container's cgroups.
std::vector<std::string> cgroup_roots_from(const std::string& proc_pid_cgroup);

}  // namespace rt::container
