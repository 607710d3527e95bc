// rt events: the container's cgroup statistics, once (--stats) or every
// interval, and an "oom" event whenever the kernel's OOM killer strikes in
// its cgroup; one JSON object a line, as `runc events`. The stream ends when
// the container has no process left.
#include <poll.h>

#include <chrono>
#include <ostream>

#include "container_cgroups.hpp"
#include "internal.hpp"
#include "rt/cgroups/stats.hpp"
#include "rt/util/error.hpp"
#include "rt/util/log.hpp"
#include "rt/util/process.hpp"

namespace rt::container {
namespace {

using Clock = std::chrono::steady_clock;

void print_stats(std::ostream& out, const std::string& id, const cgroups::Manager& cgroups) {
    try {
        out << cgroups::stats_event_json(id, cgroups.stats()) << std::endl;
    } catch (const Error& e) {
        // A cgroup going away under us, say: the stream goes on (runc too).
        log::warn(std::string("events: stats: ") + e.what());
    }
}

}  // namespace

void events(const state::Store& store, const EventsOptions& options, std::ostream& out) {
    if (options.interval.count() <= 0) throw Error("duration interval must be greater than 0");
    state::ContainerState state = store.load(options.id);
    if (status_of(store, state) == Status::stopped) {
        throw Error("container with id " + options.id + " is not running");
    }
    auto cgroups = require_cgroups(state);
    if (options.stats_only) {
        out << cgroups::stats_event_json(options.id, cgroups->stats()) << std::endl;
        return;
    }

    auto oom = cgroups->watch_oom();
    unique_fd init = open_pidfd(state.pid, state.start_time);
    auto next_stats = Clock::now() + options.interval;
    for (;;) {
        auto wait = std::chrono::duration_cast<std::chrono::milliseconds>(next_stats - Clock::now());
        pollfd fds[2] = {{oom->fd(), POLLIN, 0}, {init.get(), POLLIN, 0}};
        int n = ::poll(fds, init ? 2 : 1, static_cast<int>(std::max<int64_t>(0, wait.count() + 1)));
        if (n < 0 && errno != EINTR) throw_errno("poll");
        if (n > 0 && (fds[0].revents & POLLIN) && oom->consume()) out << cgroups::oom_event_json(options.id) << std::endl;
        if (init && n > 0 && (fds[1].revents & POLLIN)) {
            // The init is gone (and with it a pid namespace's processes):
            // report a last OOM kill, then stop once the cgroup is empty.
            init.reset();
            if (oom->consume()) out << cgroups::oom_event_json(options.id) << std::endl;
        }
        if (!init && (!cgroups->exists() || cgroups->processes().empty())) return;
        if (Clock::now() >= next_stats) {
            print_stats(out, options.id, *cgroups);
            next_stats += options.interval;
        }
    }
}

}  // namespace rt::container
