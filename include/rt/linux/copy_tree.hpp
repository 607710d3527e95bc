// Copies what a directory holds into another, as the `tmpcopyup` mount
// option needs it (runc's extension: a tmpfs mounted over a directory of the
// image starts with a copy of that directory's content).
//
// The source is the container's image: hostile. Everything is reached by fd
// from the two directory fds, with O_NOFOLLOW: a symlink is copied as a
// symlink and never followed, nothing outside the two trees is read or
// written. Regular files, directories, symlinks, fifos, sockets and device
// nodes are copied with their owner, mode and times (hard links become
// separate files); anything that cannot be copied is an error naming it.
#pragma once

#include <string>

namespace rt::linux {

// Copies the entries of `from` (a directory fd) into `to` (an fd of an empty
// directory). `what` prefixes error messages ("mount /run: tmpcopyup").
void copy_tree(int from, int to, const std::string& what);

}  // namespace rt::linux
