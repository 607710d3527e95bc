// The sync protocols between rt (the parent) and the process it clones, over
// a Channel. Every message has a type; a message that comes out of order is
// an error on the side that receives it. There are two conversations.
//
// create (the container's init):
//
//   parent                                   child (new namespaces)
//   ──────                                   ─────
//   clone ───────────────────────────────▶  waits
//   writes uid/gid maps, joins the init
//   to its cgroup
//            ───── proceed ─────────────▶   setns/unshare, rootfs and mounts
//            ◀──── run_hooks ────────────   (before pivot_root)
//   prestart + createRuntime hooks
//            ───── hooks_done ──────────▶   createContainer hooks, pivot_root,
//                                           terminal: pty from the container's
//            ◀──── console (fd) ─────────   devpts, only if process.terminal
//   sends the pty master to the console
//   socket, or keeps it to relay            process setup, command looked up
//            ◀──── ready ────────────────   blocks on exec.fifo until `start`
//   state.json, pid file; exit 0
//
// exec (a process joining a running container):
//
//   parent                                   child (in the container's pid ns)
//   ──────                                   ─────
//   clone ───────────────────────────────▶  waits
//   writes the child's pid to the
//   container's cgroup.procs
//            ───── proceed ─────────────▶   setns: user first, mount last
//            ◀──── console (fd) ─────────   only with a terminal
//                                           process setup, execve
//   EOF on the channel (closed by execve, it is close-on-exec): the process
//   runs; pid file, then wait or return.
//
// At any point the child may send `error` (payload: the message, naming the
// step that failed) and exit; the parent then prints it, kills and reaps the
// child, and removes everything it made. The parent never sends `error`:
// when it fails it kills the child.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "rt/util/channel.hpp"

namespace rt::linux {

enum class Sync : uint32_t {
    proceed = 1,     // parent → child
    run_hooks = 2,   // child → parent
    hooks_done = 3,  // parent → child
    ready = 4,       // child → parent
    error = 5,       // child → parent, payload: message
    console = 6,     // child → parent, carries the pty master fd
};

const char* to_string(Sync type);

// Which conversation a SyncOrder checks.
enum class Flow { create, exec };

// The orders above, as a checker: each side feeds it every message it sends
// or receives, and it throws rt::Error on a message that may not come next.
class SyncOrder {
public:
    explicit SyncOrder(Flow flow = Flow::create) : flow_(flow) {}
    void advance(Sync type);
    // create: `ready` came; exec: `proceed` came, so that the channel's EOF
    // now means the child's execve succeeded.
    bool finished() const;

private:
    Flow flow_;
    Sync last_{0};
};

// Receives the next message and checks it is `expected` (or `error`, which is
// turned into an rt::Error carrying the child's message). EOF is an error
// naming what was awaited.
Message expect(Channel& channel, SyncOrder& order, Sync expected);
// The next message, whatever its (allowed) type; nullopt at EOF once the
// order is finished (EOF before is an error). `error` becomes an rt::Error.
std::optional<Message> receive(Channel& channel, SyncOrder& order);
// `fd` (console) travels with the message.
void send(Channel& channel, SyncOrder& order, Sync type, const std::string& payload = {},
          int fd = -1);

}  // namespace rt::linux
