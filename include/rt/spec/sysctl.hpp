// linux.sysctl keys: their two spellings (sysctl.d(5): "net.ipv4.ip_forward"
// or "net/ipv4/ip_forward"), the file under /proc/sys they name, and which
// namespace makes a key the container's own. /proc/sys is only partly
// namespaced: a key no namespace of the container covers would change the
// host, so it is refused (the rule of runc's validator).
#pragma once

#include <optional>
#include <string>

#include "rt/spec/config.hpp"

namespace rt::spec {

// The dotted spelling: "net/ipv4/conf/eth0.1/forwarding" ->
// "net.ipv4.conf.eth0/1.forwarding" (dots and slashes swap, as sysctl(8)).
std::string sysctl_dotted(const std::string& key);

// The path under /proc/sys: "net.ipv4.ip_forward" -> "net/ipv4/ip_forward";
// a key written with slashes is that path already.
std::string sysctl_proc_path(const std::string& key);

// Whether every component of the key is a plain name (no "", ".", "..").
bool sysctl_key_is_plain(const std::string& key);

// The namespace that owns a key: ipc for kernel.msgmax, msgmnb, msgmni, sem,
// shmall, shmmax, shmmni, shm_rmid_forced and fs.mqueue.*; network for
// net.*; uts for kernel.hostname and kernel.domainname; user for user.*.
// Nullopt: the key is not namespaced.
std::optional<NamespaceType> sysctl_namespace(const std::string& key);

}  // namespace rt::spec
