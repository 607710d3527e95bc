// rt's own binary, out of the container's reach (CVE-2019-5736): the
// commands that enter a container run from a read-only copy of it
// (src/linux/self_protect.cpp says how and why).
#pragma once

#include "rt/util/fd.hpp"

namespace rt::linux {

// Makes a read-only copy of rt's binary the running rt's executable: in
// place where the kernel allows it, else by re-executing rt (same argv and
// environment) from the copy. Returns once rt runs from a read-only mount
// (or where nothing can be mounted and the caller cannot write the binary).
// Throws rt::Error when rt cannot be protected.
void run_from_protected_copy(char** argv);

// create and run: the process of theirs a container can reach is the init
// they clone (the parent never enters the container's pid namespace), so the
// init switches, in place, while rt makes its cgroups. The copy is made here, in the parent, before the
// clone (a child in a new user namespace could not make it). Returns an fd,
// open for reading, of the copy; empty when none is needed (rt runs from a
// read-only mount already, or, rootless with no mount to make, the caller
// cannot write the binary). Throws rt::Error as run_from_protected_copy.
unique_fd protected_copy_for_init();
// In the init, first thing: makes `copy` its executable. Throws rt::Error
// when the kernel refuses (the init then never runs rt's binary in reach of
// the container).
void switch_to_protected_copy(int copy);
// True when the kernel can switch a process's executable in place
// (PR_SET_MM_MAP, CONFIG_CHECKPOINT_RESTORE): where it cannot, create and
// run re-execute themselves from the copy at start, as exec does.
bool in_place_switch_available();

// True when /proc/self/exe lies on a read-only mount.
bool runs_from_read_only_mount();

}  // namespace rt::linux
