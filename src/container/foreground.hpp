// rt in the foreground of a process it started (`run`, `exec` without
// --detach): the signals rt gets go to the process, a pty is relayed between
// rt's own stdio and the process's terminal, and rt ends with the process.
// One poll loop, no threads. (Internal to container/.)
#pragma once

#include <signal.h>
#include <sys/types.h>

#include <string>

#include "rt/spec/config.hpp"
#include "rt/state/store.hpp"
#include "rt/util/fd.hpp"

namespace rt::container {

// Blocks the signals rt forwards (and SIGCHLD) for a signalfd; restores the
// old mask when it goes away. Made before the child is cloned, so that no
// signal slips between; the child unblocks everything for itself.
class SignalGate {
public:
    SignalGate();
    ~SignalGate();
    SignalGate(const SignalGate&) = delete;
    SignalGate& operator=(const SignalGate&) = delete;
    int fd() const { return fd_.get(); }

private:
    sigset_t old_{};
    unique_fd fd_;
};

// Waits until `pid` (a child of rt, with `pidfd`) exits and returns its wait
// status. Meanwhile forwards every signal to it, except SIGWINCH when there
// is a terminal: then it resizes the pty to rt's terminal. With `master`
// (a pty master, -1 for none) it relays rt's stdin to the pty and the pty to
// rt's stdout, in raw mode when stdin is a terminal (restored at the end).
int wait_in_foreground(SignalGate& gate, pid_t pid, int pidfd, int master);

// The end of `run` and of a foreground `restore`: waits for the container's
// init (a child of rt) as wait_in_foreground, then deletes the container
// unless `keep` (failing that is a warning: the process has ended) and
// returns rt's exit code for the init's status. The caller has let go of
// the container's lock, so that state, kill and exec reach it meanwhile.
int wait_then_delete(const state::Store& store, const std::string& id, SignalGate& gate, pid_t init, int pidfd,
                     int master, const spec::Spec* spec, bool keep);

// A process whose terminal rt relays gets rt's window size from the start
// (when `process.consoleSize` does not say otherwise): the pty is made with
// it, before the process runs, rather than resized once it may have looked.
void size_relayed_terminal(spec::Process& process);

}  // namespace rt::container
