// rt run: create + start, then (unless --detach) stay in the foreground as
// the container's parent: forward the signals rt gets to the init, relay its
// terminal, wait for it, delete the container (unless --keep) and exit with
// its status.
#include <signal.h>

#include "foreground.hpp"
#include "internal.hpp"
#include "rt/util/error.hpp"
#include "rt/util/log.hpp"
#include "rt/util/process.hpp"

namespace rt::container {

int run(const state::Store& store, const RunOptions& options) {
    // Blocked before the clone so that no signal slips between; the init
    // unblocks everything for itself.
    SignalGate gate;
    CreateOptions create = options.create;
    create.detach = options.detach;
    Created created = create_container(store, create);
    try {
        start_container(store, created.state, &created.spec, created.init.pidfd.get());
    } catch (...) {
        ::kill(created.init.pid, SIGKILL);
        wait_child(created.init.pid);
        destroy_stopped(store, created.state, &created.spec);
        throw;
    }
    if (options.detach) return 0;

    // Let other commands (state, kill, exec) at the container while it runs.
    created.lock = {};
    return wait_then_delete(store, create.id, gate, created.init.pid, created.init.pidfd.get(),
                            created.console_master.get(), &created.spec, options.keep);
}

int wait_then_delete(const state::Store& store, const std::string& id, SignalGate& gate, pid_t init, int pidfd,
                     int master, const spec::Spec* spec, bool keep) {
    log::debug(id, ": waiting for init ", init, " in the foreground");
    int status = wait_in_foreground(gate, init, pidfd, master);
    log::debug(id, ": init ", init, " ended, wait status ", status);
    if (!keep) {
        try {
            destroy(store, id, true, spec);
        } catch (const Error& e) {
            log::warn("delete " + id + " after it ended: " + e.what());
        }
    }
    return exit_code_of(status);
}

}  // namespace rt::container
