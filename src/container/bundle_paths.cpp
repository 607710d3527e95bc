// The bundle's paths as create and restore resolve them (internal.hpp).
#include <sys/stat.h>

#include <cerrno>
#include <climits>
#include <cstdlib>

#include "internal.hpp"
#include "rt/util/error.hpp"

namespace rt::container {

std::string absolute_directory(const std::string& path, const std::string& what) {
    char resolved[PATH_MAX];
    if (!::realpath(path.c_str(), resolved)) throw_errno(what + " " + path);
    struct stat st {};
    if (::stat(resolved, &st) < 0) throw_errno(what + " " + path);
    if (!S_ISDIR(st.st_mode)) throw Error(what + " " + path + ": not a directory", ENOTDIR);
    return resolved;
}

}  // namespace rt::container
