// The sync protocol between `rt create` (the parent) and the container's init
// (the child it clones), over a Channel. Every message has a type; a message
// that comes out of order is an error on the side that receives it.
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
//                                           process setup, command looked up
//            ◀──── ready ────────────────   blocks on exec.fifo until `start`
//   state.json, pid file; exit 0
//
// At any point the child may send `error` (payload: the message, naming the
// step that failed) and exit; the parent then prints it, kills and reaps the
// init, and removes everything create made. The parent never sends `error`:
// when it fails it kills the child.
#pragma once

#include <cstdint>
#include <string>

#include "rt/util/channel.hpp"

namespace rt::linux {

enum class Sync : uint32_t {
    proceed = 1,     // parent → child
    run_hooks = 2,   // child → parent
    hooks_done = 3,  // parent → child
    ready = 4,       // child → parent
    error = 5,       // child → parent, payload: message
};

const char* to_string(Sync type);

// The order above, as a checker: each side feeds it every message it sends or
// receives, and it throws rt::Error on a message that may not come next.
class SyncOrder {
public:
    void advance(Sync type);
    bool finished() const { return last_ == Sync::ready; }

private:
    Sync last_{0};
};

// Receives the next message and checks it is `expected` (or `error`, which is
// turned into an rt::Error carrying the child's message). EOF is an error
// naming what was awaited.
Message expect(Channel& channel, SyncOrder& order, Sync expected);
void send(Channel& channel, SyncOrder& order, Sync type, const std::string& payload = {});

}  // namespace rt::linux
