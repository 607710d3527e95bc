// spec::sysctl_*: the two spellings of a key, its /proc/sys path, and which
// namespace owns it (what validation refuses without that namespace).
#include <gtest/gtest.h>

#include "rt/spec/sysctl.hpp"

namespace rt::spec {
namespace {

TEST(Sysctl, SlashedKeysAreDottedAsSysctlDoes) {
    EXPECT_EQ(sysctl_dotted("net.ipv4.ip_forward"), "net.ipv4.ip_forward");
    EXPECT_EQ(sysctl_dotted("net/ipv4/ip_forward"), "net.ipv4.ip_forward");
    // A dot inside a slashed key is part of a name (a VLAN interface).
    EXPECT_EQ(sysctl_dotted("net/ipv4/conf/eth0.1/forwarding"), "net.ipv4.conf.eth0/1.forwarding");
    EXPECT_EQ(sysctl_dotted("kernel"), "kernel");
}

TEST(Sysctl, ProcPathOfEitherSpelling) {
    EXPECT_EQ(sysctl_proc_path("kernel.shmmax"), "kernel/shmmax");
    EXPECT_EQ(sysctl_proc_path("net/ipv4/ip_forward"), "net/ipv4/ip_forward");
    EXPECT_EQ(sysctl_proc_path("net/ipv4/conf/eth0.1/forwarding"), "net/ipv4/conf/eth0.1/forwarding");
    EXPECT_EQ(sysctl_proc_path("net.ipv4.conf.eth0/1.forwarding"), "net/ipv4/conf/eth0.1/forwarding");
}

TEST(Sysctl, KeysThatLeaveProcSysAreNotPlain) {
    EXPECT_TRUE(sysctl_key_is_plain("net.ipv4.ip_forward"));
    EXPECT_FALSE(sysctl_key_is_plain("net/../../etc/x"));
    EXPECT_FALSE(sysctl_key_is_plain("net..ipv4"));
    EXPECT_FALSE(sysctl_key_is_plain("net.ipv4."));
    EXPECT_FALSE(sysctl_key_is_plain("/net/ipv4"));
}

TEST(Sysctl, NamespaceOfEachKind) {
    for (const char* key : {"kernel.msgmax", "kernel.msgmnb", "kernel.msgmni", "kernel.sem", "kernel.shmall",
                            "kernel.shmmax", "kernel.shmmni", "kernel.shm_rmid_forced", "fs.mqueue.msg_max",
                            "fs/mqueue/queues_max"}) {
        EXPECT_EQ(sysctl_namespace(key), NamespaceType::ipc) << key;
    }
    EXPECT_EQ(sysctl_namespace("net.ipv4.ip_forward"), NamespaceType::network);
    EXPECT_EQ(sysctl_namespace("net/core/somaxconn"), NamespaceType::network);
    EXPECT_EQ(sysctl_namespace("kernel.hostname"), NamespaceType::uts);
    EXPECT_EQ(sysctl_namespace("kernel.domainname"), NamespaceType::uts);
    EXPECT_EQ(sysctl_namespace("user.max_user_namespaces"), NamespaceType::user);
}

TEST(Sysctl, HostWideKeysHaveNoNamespace) {
    for (const char* key : {"kernel.pid_max", "vm.swappiness", "fs.file-max", "kernel.shm", "kernel.msgmaxx",
                            "fs.mqueue", "network.x", "kernel.sysrq"}) {
        EXPECT_EQ(sysctl_namespace(key), std::nullopt) << key;
    }
}

}  // namespace
}  // namespace rt::spec
