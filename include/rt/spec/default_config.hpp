// The config.json `rt spec` writes: what `runc spec` writes (runc 1.2 and
// later: a shell on a terminal, a read-only rootfs, the usual namespaces,
// mounts, three capabilities, masked and read-only paths, no seccomp filter),
// in runc's format (tab-indented, no newline at the end), so that tools made
// to edit runc's template edit rt's unchanged. Where it differs from runc's:
// "ociVersion" is the spec version rt implements, "hostname" is "rt" (runc
// puts its own version and name there), and there is no "ambient" set
// (runc 1.1's had one, which no process can get without an inheritable set:
// runc 1.2 dropped it).
#pragma once

#include <string>

namespace rt::spec {

struct TemplateOptions {
    // A cgroup namespace, as runc adds one on a cgroup2-only host.
    bool cgroup_namespace = false;
    // linux.seccomp: rt's default profile (`rt spec --seccomp`).
    bool seccomp = false;
    // `rt spec --rootless`: a user namespace mapping the caller to root, no
    // cgroup settings nor cgroup mount, /sys bound from the host; it always
    // has rt's seccomp profile and a cgroup namespace.
    bool rootless = false;
};

std::string default_config_json(const TemplateOptions& options);

// rt's default seccomp profile (a linux.seccomp object, as JSON text): a
// Docker-style allow-list, the rest refused with EPERM (default_seccomp.inc).
std::string default_seccomp_json();

}  // namespace rt::spec
