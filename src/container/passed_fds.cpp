// The fds a caller passes to a container's process on purpose
// (--preserve-fds, LISTEN_FDS): they must be there when rt starts. A gap
// would be filled by an fd rt opens itself (its log, a socket), which would
// then reach the container.
#include <fcntl.h>

#include "internal.hpp"
#include "rt/util/error.hpp"
#include "rt/util/log.hpp"

namespace rt::container {

void check_passed_fds(int count) {
    for (int fd = 3; fd < 3 + count; ++fd) {
        if (::fcntl(fd, F_GETFD) < 0 || fd == log::file_fd()) {
            throw Error("--preserve-fds/LISTEN_FDS: fd " + std::to_string(fd) +
                        " was not open when rt started (passing " + std::to_string(count) +
                        " fds from 3 on)");
        }
    }
}

}  // namespace rt::container
