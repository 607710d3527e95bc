// The criu(8) command lines of rt checkpoint and rt restore, built from
// runc's flags by pure functions (rt/container/checkpoint.hpp): each flag
// becomes CRIU's option, bad values are refused naming the flag.
#include <gtest/gtest.h>

#include <algorithm>

#include "rt/container/checkpoint.hpp"
#include "rt/util/error.hpp"

namespace rt::container {
namespace {

using Args = std::vector<std::string>;

// True when `words` appear in `args` one after another.
bool has(const Args& args, const Args& words) {
    return std::search(args.begin(), args.end(), words.begin(), words.end()) != args.end();
}

std::string joined(const Args& args) {
    std::string out;
    for (const auto& a : args) out += a + " ";
    return out;
}

Args dump(const CriuOptions& o, DumpInputs in = {}) {
    if (!in.pid) in.pid = 4242;
    return criu_dump_args(o, plan_criu(o, "/work"), in);
}

Args restore(const CriuOptions& o, RestoreInputs in = {}) {
    if (in.root.empty()) in.root = "/run/rt/c1/criu-root";
    if (in.pidfile.empty()) in.pidfile = "/run/rt/c1/criu.pid";
    return criu_restore_args(o, plan_criu(o, "/work"), in);
}

std::string error_of(const CriuOptions& o) {
    try {
        plan_criu(o, "/work");
    } catch (const Error& e) {
        return e.what();
    }
    return "(no error)";
}

TEST(CriuArgs, DumpDefaults) {
    Args args = dump({});
    EXPECT_EQ(Args(args.begin(), args.begin() + 4), (Args{"criu", "dump", "-t", "4242"}));
    EXPECT_TRUE(has(args, {"-D", "/work/checkpoint"})) << joined(args);  // runc's ./checkpoint
    EXPECT_TRUE(has(args, {"-o", "dump.log"})) << joined(args);
    EXPECT_TRUE(has(args, {"--manage-cgroups=soft"})) << joined(args);
    for (const char* absent : {"-W", "--leave-running", "--tcp-established", "--ext-unix-sk", "--shell-job",
                               "--file-locks", "--auto-dedup", "--lazy-pages", "--prev-images-dir", "--page-server",
                               "--freeze-cgroup", "--external"}) {
        EXPECT_FALSE(has(args, {absent})) << absent << " in " << joined(args);
    }
}

TEST(CriuArgs, ImageAndWorkPathsAreMadeAbsolute) {
    CriuOptions o;
    o.image_path = "img";
    o.work_path = "/var/tmp/work";
    Args args = dump(o);
    EXPECT_TRUE(has(args, {"-D", "/work/img"})) << joined(args);
    EXPECT_TRUE(has(args, {"-W", "/var/tmp/work"})) << joined(args);
    o.image_path = "/abs/img";
    o.work_path = "w";
    args = restore(o);
    EXPECT_TRUE(has(args, {"-D", "/abs/img"})) << joined(args);
    EXPECT_TRUE(has(args, {"-W", "/work/w"})) << joined(args);
    EXPECT_TRUE(has(args, {"-o", "restore.log"})) << joined(args);
}

// Each boolean flag of runc's becomes CRIU's option of that name, in dump
// and in restore alike.
TEST(CriuArgs, EachSharedFlagBecomesCriusOption) {
    struct Flag {
        bool CriuOptions::*member;
        const char* criu;
    };
    for (auto [member, criu] : {Flag{&CriuOptions::tcp_established, "--tcp-established"},
                                Flag{&CriuOptions::ext_unix_sk, "--ext-unix-sk"},
                                Flag{&CriuOptions::shell_job, "--shell-job"},
                                Flag{&CriuOptions::file_locks, "--file-locks"},
                                Flag{&CriuOptions::auto_dedup, "--auto-dedup"},
                                Flag{&CriuOptions::lazy_pages, "--lazy-pages"}}) {
        CriuOptions o;
        o.*member = true;
        EXPECT_TRUE(has(dump(o), {criu})) << criu;
        EXPECT_TRUE(has(restore(o), {criu})) << criu;
        EXPECT_FALSE(has(dump({}), {criu})) << criu;
    }
}

TEST(CriuArgs, DumpOnlyFlags) {
    CriuOptions o;
    o.leave_running = true;
    o.tcp_skip_in_flight = true;
    o.link_remap = true;
    Args args = dump(o);
    EXPECT_TRUE(has(args, {"--leave-running"})) << joined(args);
    EXPECT_TRUE(has(args, {"--skip-in-flight"})) << joined(args);
    EXPECT_TRUE(has(args, {"--link-remap"})) << joined(args);
    EXPECT_FALSE(has(restore(o), {"--leave-running"}));
}

TEST(CriuArgs, PreDumpSavesMemoryOnly) {
    CriuOptions o;
    o.pre_dump = true;
    DumpInputs in;
    in.mounts = {{"/data", "/data"}};
    in.external_namespaces = {"net[123]:extRootNetNS"};
    Args args = dump(o, in);
    EXPECT_EQ(args[1], "pre-dump");
    EXPECT_FALSE(has(args, {"--external"})) << joined(args);
    o.pre_dump = false;
    args = dump(o, in);
    EXPECT_EQ(args[1], "dump");
    EXPECT_TRUE(has(args, {"--external", "mnt[/data]:/data"})) << joined(args);
    EXPECT_TRUE(has(args, {"--external", "net[123]:extRootNetNS"})) << joined(args);
}

// As runc: a network namespace of the container's own is dumped without
// its links (not one joined by path: that one is external).
TEST(CriuArgs, DumpNetworkNamespaceEmpty) {
    DumpInputs in;
    in.own_net = true;
    EXPECT_TRUE(has(dump({}, in), {"--empty-ns", "net"})) << joined(dump({}, in));
    in.own_net = false;
    EXPECT_FALSE(has(dump({}, in), {"--empty-ns"}));
}

TEST(CriuArgs, ParentPathTracksMemoryRelativeToTheImages) {
    CriuOptions o;
    o.parent_path = "../pre";
    Args args = dump(o);
    EXPECT_TRUE(has(args, {"--prev-images-dir", "../pre", "--track-mem"})) << joined(args);
    o.parent_path = "/abs/pre";
    EXPECT_EQ(error_of(o), "--parent-path must be relative (to --image-path)");
}

TEST(CriuArgs, ManageCgroupsMode) {
    for (const char* mode : {"soft", "full", "strict", "ignore"}) {
        CriuOptions o;
        o.manage_cgroups_mode = mode;
        EXPECT_TRUE(has(dump(o), {std::string("--manage-cgroups=") + mode})) << mode;
        EXPECT_TRUE(has(restore(o), {std::string("--manage-cgroups=") + mode})) << mode;
    }
    CriuOptions o;
    o.manage_cgroups_mode = "props";
    EXPECT_EQ(error_of(o), "--manage-cgroups-mode: invalid value \"props\" (soft, full, strict or ignore)");
}

TEST(CriuArgs, EmptyNsIsNetworkOnly) {
    CriuOptions o;
    o.empty_ns = {"network"};
    EXPECT_EQ(error_of(o), "(no error)");
    o.empty_ns = {"network", "ipc"};
    EXPECT_EQ(error_of(o), "--empty-ns: namespace \"ipc\" is not supported (only network)");
}

// runc always restores into an empty network namespace of the container's
// own; a joined one (by path) is inherited instead, the host's left alone.
TEST(CriuArgs, RestoreNetworkNamespace) {
    RestoreInputs in;
    in.own_net = true;
    EXPECT_TRUE(has(restore({}, in), {"--empty-ns", "net"}));
    in.own_net = false;
    EXPECT_FALSE(has(restore({}, in), {"--empty-ns"}));
}

TEST(CriuArgs, PageServer) {
    CriuOptions o;
    o.page_server = "192.168.0.7:27";
    EXPECT_TRUE(has(dump(o), {"--page-server", "--address", "192.168.0.7", "--port", "27"})) << joined(dump(o));
    o.page_server = "[fd00::1]:1234";
    EXPECT_TRUE(has(dump(o), {"--address", "fd00::1", "--port", "1234"})) << joined(dump(o));
    for (const char* bad : {"host", ":80", "host:", "a:b:c", "[::1]80", "[::1"}) {
        o.page_server = bad;
        EXPECT_EQ(error_of(o), "--page-server: use --page-server ADDRESS:PORT") << bad;
    }
    for (const char* bad : {"host:http", "host:65536", "host:123456"}) {
        o.page_server = bad;
        EXPECT_NE(error_of(o).find("--page-server: invalid port number"), std::string::npos) << bad;
    }
}

TEST(CriuArgs, LazyPagesStatusFd) {
    CriuOptions o;
    o.lazy_pages = true;
    o.status_fd = 5;
    EXPECT_TRUE(has(dump(o), {"--lazy-pages"}));
    EXPECT_TRUE(has(dump(o), {"--status-fd", "5"}));
    o.lazy_pages = false;
    EXPECT_FALSE(has(dump(o), {"--status-fd"}));
}

TEST(CriuArgs, DumpFreezesTheCgroup) {
    DumpInputs in;
    in.freezer_cgroup = "/sys/fs/cgroup/freezer/rt/c1";
    EXPECT_TRUE(has(dump({}, in), {"--freeze-cgroup", "/sys/fs/cgroup/freezer/rt/c1"}));
}

TEST(CriuArgs, RestoreDetachedAsRtsChildIntoTheRoot) {
    RestoreInputs in;
    in.mounts = {{"/data", "/srv/data"}, {"/dev/null", "/dev/null"}};
    in.inherit_fds = {"fd[1]:pipe:[77]"};
    in.join_ns = {"ipc:/proc/9/ns/ipc"};
    CriuOptions o;
    o.lsm_profile = "apparmor:rt-default";
    o.lsm_mount_context = "system_u:object_r:container_file_t:s0";
    Args args = restore(o, in);
    EXPECT_EQ(Args(args.begin(), args.begin() + 2), (Args{"criu", "restore"}));
    EXPECT_TRUE(has(args, {"--root", "/run/rt/c1/criu-root", "--restore-detached", "--restore-sibling", "--pidfile",
                           "/run/rt/c1/criu.pid"}))
        << joined(args);
    EXPECT_TRUE(has(args, {"--external", "mnt[/data]:/srv/data"})) << joined(args);
    EXPECT_TRUE(has(args, {"--external", "mnt[/dev/null]:/dev/null"})) << joined(args);
    EXPECT_TRUE(has(args, {"--inherit-fd", "fd[1]:pipe:[77]"})) << joined(args);
    EXPECT_TRUE(has(args, {"--join-ns", "ipc:/proc/9/ns/ipc"})) << joined(args);
    EXPECT_TRUE(has(args, {"--lsm-profile", "apparmor:rt-default"})) << joined(args);
    EXPECT_TRUE(has(args, {"--lsm-mount-context", "system_u:object_r:container_file_t:s0"})) << joined(args);
    EXPECT_FALSE(has(restore({}), {"--lsm-profile"}));
}

TEST(CriuArgs, DescriptorsRoundTripAndOnlyPipesAreInherited) {
    std::vector<std::string> links{"/dev/null", "pipe:[1234]", "pipe:[1234]"};
    EXPECT_EQ(descriptors_from_json(descriptors_json(links)), links);
    EXPECT_EQ(inherit_fds_for(links), (std::vector<std::string>{"fd[1]:pipe:[1234]", "fd[2]:pipe:[1234]"}));
    // Something that only looks like a pipe is not one.
    EXPECT_TRUE(inherit_fds_for({"/tmp/pipe:[1]", "pipe:[]", "pipe:[12]x", "pipe:[1 2]"}).empty());
    EXPECT_THROW(descriptors_from_json(R"(["a", "b", "c", "pipe:[1]"])"), Error);
    EXPECT_THROW(descriptors_from_json(R"({"fd": 1})"), Error);
    EXPECT_THROW(descriptors_from_json("["), Error);
}

TEST(CriuArgs, CgroupRootsFromProcPidCgroup) {
    EXPECT_EQ(cgroup_roots_from("0::/rt/c1\n"), (std::vector<std::string>{"/rt/c1"}));
    EXPECT_EQ(cgroup_roots_from("12:memory:/rt/c1\n4:cpu,cpuacct:/rt/c1\n1:name=systemd:/rt/c1\n0::/rt/c1\n"),
              (std::vector<std::string>{"memory:/rt/c1", "cpu,cpuacct:/rt/c1", "name=systemd:/rt/c1", "/rt/c1"}));
    EXPECT_TRUE(cgroup_roots_from("garbage\n").empty());
}

}  // namespace
}  // namespace rt::container
