// cgroup v1 OOM notifications: an eventfd registered on memory.oom_control
// through cgroup.event_control (the kernel's memory.txt, "OOM control").
#include <fcntl.h>
#include <poll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "controllers.hpp"
#include "rt/util/fd.hpp"

namespace rt::cgroups::v1 {
namespace {

class EventfdWatch final : public OomWatch {
public:
    EventfdWatch(CgroupDir dir, unique_fd event, unique_fd control)
        : dir_(std::move(dir)), event_(std::move(event)), control_(std::move(control)) {}
    int fd() const override { return event_.get(); }
    bool consume() override {
        uint64_t count = read_count();
        if (count == 0) return false;
        if (dir_.has("cgroup.event_control")) return true;
        // Gone. The eventfd also counts, once, the cgroup going away: the
        // kernel's offline work does, right after the rmdir. systemd removes
        // an empty scope at once, so an OOM kill that ended the last process
        // can come with it in this read (two), or before it (one). One is
        // either: the removal's count is about to come, or has.
        if (count == 1) {
            pollfd more = {event_.get(), POLLIN, 0};
            if (::poll(&more, 1, removal_wait_ms) > 0) count += read_count();
        }
        return count > 1;
    }

private:
    static constexpr int removal_wait_ms = 1000;

    uint64_t read_count() const {
        uint64_t count = 0;
        if (::read(event_.get(), &count, sizeof count) != sizeof count) return 0;
        return count;
    }

    CgroupDir dir_;
    unique_fd event_;
    unique_fd control_;  // memory.oom_control, open while registered
};

}  // namespace

std::unique_ptr<OomWatch> watch_oom(const CgroupDir& memory) {
    unique_fd event(::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK));
    if (!event) throw_errno("eventfd");
    unique_fd control(::open(memory.file("memory.oom_control").c_str(), O_RDONLY | O_CLOEXEC));
    if (!control) throw_errno("open " + memory.file("memory.oom_control"));
    memory.write("cgroup.event_control", std::to_string(event.get()) + " " + std::to_string(control.get()));
    return std::make_unique<EventfdWatch>(memory, std::move(event), std::move(control));
}

}  // namespace rt::cgroups::v1
