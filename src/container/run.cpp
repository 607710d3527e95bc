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
    log::debug("run ", create.id, ": waiting for init ", created.init.pid);
    int status = wait_in_foreground(gate, created.init.pid, created.init.pidfd.get(),
                                    created.console_master.get());
    log::debug("run ", create.id, ": init ", created.init.pid, " ended, wait status ", status);
    if (!options.keep) {
        try {
            destroy(store, create.id, true, &created.spec);
        } catch (const Error& e) {
            log::warn(std::string("delete after run: ") + e.what());
        }
    }
    return exit_code_of(status);
}

}  // namespace rt::container
