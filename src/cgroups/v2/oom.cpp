// cgroup v2 OOM notifications: the kernel signals a change of
// memory.events to inotify; its oom_kill counter says whether it was a kill.
//
// The cgroup can be gone by the time that counter is read: systemd removes
// an empty scope as soon as its last process exits, and the process an OOM
// kill ends is often the last. The kernel counts the kill in every ancestor's
// memory.events too, before the killed process can exit, so a change of ours
// that can no longer be read was a kill when the parent's count rose since
// our last read. Without a parent's count (the root has none), such a change
// is taken for a kill, as runc does.
#include <sys/inotify.h>
#include <unistd.h>

#include <optional>

#include "controllers.hpp"
#include "rt/util/fd.hpp"
#include "rt/util/file.hpp"

namespace rt::cgroups::v2 {
namespace {

std::optional<uint64_t> kills_in(const CgroupDir& dir) {
    try {
        if (!dir.has("memory.events")) return std::nullopt;
        return dir.key_value("memory.events", "oom_kill");
    } catch (const Error&) {
        return std::nullopt;  // removed between the two
    }
}

class EventsWatch final : public OomWatch {
public:
    EventsWatch(CgroupDir dir, CgroupDir parent, unique_fd inotify)
        : dir_(std::move(dir)), parent_(std::move(parent)), inotify_(std::move(inotify)) {
        kills_ = kills_in(dir_).value_or(0);
        parent_kills_ = kills_in(parent_);
    }
    int fd() const override { return inotify_.get(); }
    bool consume() override {
        bool modified = drain();
        std::optional<uint64_t> parent_now = kills_in(parent_);
        std::optional<uint64_t> now = kills_in(dir_);
        bool killed;
        if (now) {
            killed = *now > kills_;
            kills_ = *now;
        } else if (!modified) {
            killed = false;
        } else if (parent_now && parent_kills_) {
            killed = *parent_now > *parent_kills_;
        } else {
            killed = true;
        }
        parent_kills_ = parent_now;
        return killed;
    }

private:
    // Reads every queued event; true if one was a change of memory.events
    // (the others: the watch ending with the file).
    bool drain() {
        alignas(inotify_event) char buffer[4096];
        bool modified = false;
        ssize_t n;
        while ((n = ::read(inotify_.get(), buffer, sizeof buffer)) > 0) {
            for (ssize_t at = 0; at < n;) {
                const auto* event = reinterpret_cast<const inotify_event*>(buffer + at);
                if (event->mask & IN_MODIFY) modified = true;
                at += static_cast<ssize_t>(sizeof(inotify_event) + event->len);
            }
        }
        return modified;
    }

    CgroupDir dir_;
    CgroupDir parent_;
    unique_fd inotify_;
    uint64_t kills_ = 0;
    std::optional<uint64_t> parent_kills_;
};

}  // namespace

std::unique_ptr<OomWatch> watch_oom(const CgroupDir& dir) {
    unique_fd inotify(::inotify_init1(IN_CLOEXEC | IN_NONBLOCK));
    if (!inotify) throw_errno("inotify_init1");
    if (::inotify_add_watch(inotify.get(), dir.file("memory.events").c_str(), IN_MODIFY) < 0) {
        throw_errno("watch " + dir.file("memory.events"));
    }
    // The root cgroup has no memory.events, nor has a parent that memory is
    // not enabled for: then there is no parent count.
    return std::make_unique<EventsWatch>(dir, CgroupDir(dirname_of(dir.path())), std::move(inotify));
}

}  // namespace rt::cgroups::v2
