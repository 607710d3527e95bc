// cgroup v2 OOM notifications: the kernel signals a change of
// memory.events to inotify; its oom_kill counter says whether it was a kill.
#include <sys/inotify.h>
#include <unistd.h>

#include "controllers.hpp"
#include "rt/util/fd.hpp"

namespace rt::cgroups::v2 {
namespace {

class EventsWatch final : public OomWatch {
public:
    EventsWatch(CgroupDir dir, unique_fd inotify) : dir_(std::move(dir)), inotify_(std::move(inotify)) {
        kills_ = count();
    }
    int fd() const override { return inotify_.get(); }
    bool consume() override {
        char buffer[4096];
        while (::read(inotify_.get(), buffer, sizeof buffer) > 0) {
        }
        uint64_t now = count();
        bool killed = now > kills_;
        kills_ = now;
        return killed;
    }

private:
    uint64_t count() const {
        if (!dir_.has("memory.events")) return kills_;  // removed: nothing new
        return dir_.key_value("memory.events", "oom_kill");
    }

    CgroupDir dir_;
    unique_fd inotify_;
    uint64_t kills_ = 0;
};

}  // namespace

std::unique_ptr<OomWatch> watch_oom(const CgroupDir& dir) {
    unique_fd inotify(::inotify_init1(IN_CLOEXEC | IN_NONBLOCK));
    if (!inotify) throw_errno("inotify_init1");
    if (::inotify_add_watch(inotify.get(), dir.file("memory.events").c_str(), IN_MODIFY) < 0) {
        throw_errno("watch " + dir.file("memory.events"));
    }
    return std::make_unique<EventsWatch>(dir, std::move(inotify));
}

}  // namespace rt::cgroups::v2
