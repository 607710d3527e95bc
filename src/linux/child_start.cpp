#include <signal.h>
#include <sys/prctl.h>

#include "rt/util/error.hpp"
#include "steps.hpp"

namespace rt::linux {
namespace {

void reset_signals() {
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, nullptr);
    for (int sig = 1; sig < NSIG; ++sig) {
        if (sig == SIGKILL || sig == SIGSTOP) continue;
        signal(sig, SIG_DFL);
    }
}

}  // namespace

// A parent that died before this call is noticed as EOF on the channel.
void die_with_parent() {
    if (::prctl(PR_SET_PDEATHSIG, SIGKILL) < 0) throw_errno("prctl(PR_SET_PDEATHSIG)");
}

void begin_child(bool undumpable) {
    reset_signals();
    die_with_parent();
    if (undumpable) become_undumpable();
}

void become_undumpable() {
    if (::prctl(PR_SET_DUMPABLE, 0) < 0) throw_errno("prctl(PR_SET_DUMPABLE)");
}

void keep_running_without_parent() {
    if (::prctl(PR_SET_PDEATHSIG, 0) < 0) throw_errno("prctl(PR_SET_PDEATHSIG)");
}

}  // namespace rt::linux
