// The sync protocols between rt (the parent) and the process it clones, over
// a Channel. Every message has a type; a message that comes out of order is
// an error on the side that receives it. There are two conversations.
//
// create (the container's init):
//
//   parent                                   child (new namespaces)
//   ──────                                   ─────
//   clone (into the cgroup2 directory) ──▶  waits
//   writes uid/gid maps
//            ───── proceed ─────────────▶   setns/unshare (not the cgroup
//   makes the cgroups (a directory in        namespace yet), the rootfs bind,
//   each v1 hierarchy), writes the           at the same time as the parent
//   limits                                   makes the cgroups
//            ───── cgroups_made (fds) ──▶   writes "0" to each v1 tasks
//                  file it carries (none     file, closes them, unshares
//                  when the parent moved     the cgroup namespace; mounts,
//                  the init itself, as       devices
//                  the systemd driver does)
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
// At any point the child may send `error` (payload: a ChildFailure, below:
// errno, the step that failed, the message) and exit; the parent then
// prints the message, kills and reaps the child, and removes everything it
// made. The parent never sends `error`: when it fails it kills the child.
// A child that ends without a word (EOF before the message awaited) is a
// ChildVanished: the parent says how it ended (its wait status).
//
// start (the exec fifo, <root>/<id>/exec.fifo; no Channel):
//
//   rt start                                 the container's init (created)
//   ────────                                 ──────────────────────────────
//                                            opens the fifo for writing (through
//                                            the host's /proc, kept as an fd) and
//                                            blocks there until a reader comes
//   opens the fifo to read (non-blocking),
//   polls it and a pidfd of the init
//   (an init that died: "exited before
//   it was started")
//            ◀──── "0" (one byte) ───────    writes it: released
//                                            startContainer hooks, seccomp,
//                                            execve (the write end is
//                                            close-on-exec)
//            ◀──── text, then EOF ───────    a failure after the release is
//                                            written as text; a successful execve
//                                            closes the fifo with nothing written
//   EOF with no text: the process runs
//   (poststart hooks); text: the error,
//   the container is stopped.
#pragma once

#include <cstdint>
#include <exception>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "rt/util/channel.hpp"
#include "rt/util/error.hpp"

namespace rt::linux {

enum class Sync : uint32_t {
    proceed = 1,     // parent → child
    run_hooks = 2,   // child → parent
    hooks_done = 3,  // parent → child
    ready = 4,       // child → parent
    error = 5,       // child → parent, payload: message
    console = 6,     // child → parent, carries the pty master fd
    // parent → child: every cgroup is made, with its limits; carries the v1
    // "tasks" files the child joins (payload: their paths, one per line).
    cgroups_made = 7,
};

const char* to_string(Sync type);

// What a child says when its setup fails: the payload of `error`.
// Encoded as {uint32 errno, uint16 step length, step, message} (little
// endian). The child ran in the container's namespaces, so the decoder takes
// the payload as untrusted: bounded lengths, a short or malformed payload is
// an error of its own.
struct ChildFailure {
    int err = 0;           // errno of the failing system call, 0 if none
    std::string step;      // the setup step ("mounts", "pivot_root", ...)
    std::string message;   // reads well alone ("mount /proc: Permission denied")
};
inline constexpr size_t kMaxFailureStep = 64;
inline constexpr size_t kMaxFailureMessage = 64 * 1024;
std::string encode_failure(const ChildFailure& failure);
ChildFailure decode_failure(std::string_view payload);

// The child's failure, as the parent throws it: what() is the child's
// message, err() its errno.
class ChildError : public Error {
public:
    explicit ChildError(ChildFailure failure)
        : Error(failure.message, failure.err), step_(std::move(failure.step)) {}
    const std::string& step() const { return step_; }

private:
    std::string step_;
};

// The child ended before it sent what the parent awaited.
class ChildVanished : public Error {
public:
    using Error::Error;
};

// Child side: sends `error` for `e` (errno from an rt::Error) at `step`.
// Never throws: the child exits next whatever happens.
void send_error(Channel& channel, std::string_view step, const std::exception& e) noexcept;

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
// thrown as a ChildError). EOF is a ChildVanished naming what was awaited.
Message expect(Channel& channel, SyncOrder& order, Sync expected);
// The next message, whatever its (allowed) type; nullopt at EOF once the
// order is finished (EOF before is a ChildVanished). `error` becomes a
// ChildError.
std::optional<Message> receive(Channel& channel, SyncOrder& order);
// `fd` (console) travels with the message.
void send(Channel& channel, SyncOrder& order, Sync type, const std::string& payload = {},
          int fd = -1);
// `fds` (cgroups_made) travel with the message. The child may have failed
// while the parent worked (making the cgroups): then the error it sent
// before it exited is thrown (a ChildError), not the broken pipe.
void send(Channel& channel, SyncOrder& order, Sync type, const std::string& payload, const std::vector<int>& fds);

}  // namespace rt::linux
