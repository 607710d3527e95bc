// The OCI runtime configuration (config.json) of runtime-spec v1.3.0, Linux parts,
// as typed structs. Every field of config.md and config-linux.md has a member here,
// named as in the JSON but in snake_case (uidMappings -> uid_mappings), so that a
// reader can go from the spec to the code by name.
//
// Conventions:
//   - an OPTIONAL scalar or object is std::optional; an OPTIONAL array or map is
//     empty when absent, unless absence and emptiness mean different things (then
//     it is std::optional too, and the comment says why);
//   - strings the spec restricts to a set (namespace types) are enums; sets that
//     grow with the kernel (capability names, seccomp actions, rlimit names) stay
//     strings and are checked by the module that applies them;
//   - nothing in rt reads raw JSON after spec::parse_config(): it works on these.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#if defined(linux)
#error "compile rt with -std=c++20 (not gnu++20): under GNU extensions 'linux' is a macro"
#endif

namespace rt::spec {

using StringMap = std::map<std::string, std::string>;

// ---------------------------------------------------------------- config.md

struct Root {
    std::string path;  // as written: absolute, or relative to the bundle
    bool readonly = false;
};

struct IdMapping {
    uint32_t container_id = 0;
    uint32_t host_id = 0;
    uint32_t size = 0;
};

struct Mount {
    std::string destination;            // REQUIRED
    std::optional<std::string> source;
    std::vector<std::string> options;
    std::optional<std::string> type;
    std::vector<IdMapping> uid_mappings;  // idmapped mount
    std::vector<IdMapping> gid_mappings;
};

struct ConsoleSize {
    uint64_t height = 0;
    uint64_t width = 0;
};

struct User {
    uint32_t uid = 0;
    uint32_t gid = 0;
    std::optional<uint32_t> umask;  // absent: rt leaves the umask as runc does (0022)
    std::vector<uint32_t> additional_gids;
    std::optional<std::string> username;  // Windows only; kept, never used
};

// An absent set and an empty set both mean "no capabilities in this set".
// Process::capabilities itself is optional: absent means the config asked
// for nothing, which the capabilities module treats as runc does.
struct Capabilities {
    std::vector<std::string> bounding;
    std::vector<std::string> effective;
    std::vector<std::string> inheritable;
    std::vector<std::string> permitted;
    std::vector<std::string> ambient;
};

struct Rlimit {
    std::string type;  // "RLIMIT_NOFILE", ...
    uint64_t soft = 0;
    uint64_t hard = 0;
};

struct IoPriority {
    std::string io_class;  // JSON "class": IOPRIO_CLASS_RT | IOPRIO_CLASS_BE | IOPRIO_CLASS_IDLE
    int32_t priority = 0;
};

struct Scheduler {
    std::string policy;  // SCHED_OTHER, SCHED_FIFO, ... (REQUIRED)
    std::optional<int32_t> nice;
    std::optional<int32_t> priority;
    std::vector<std::string> flags;  // SCHED_FLAG_*
    std::optional<uint64_t> runtime;
    std::optional<uint64_t> deadline;
    std::optional<uint64_t> period;
};

struct ExecCpuAffinity {
    std::optional<std::string> initial;  // cpu list, "0-3,7"
    std::optional<std::string> final;
};

struct Process {
    bool terminal = false;
    std::optional<ConsoleSize> console_size;
    User user;
    std::vector<std::string> args;
    std::optional<std::string> command_line;  // Windows only; kept, never used
    std::vector<std::string> env;
    std::string cwd;  // REQUIRED, absolute
    std::optional<Capabilities> capabilities;
    std::vector<Rlimit> rlimits;
    bool no_new_privileges = false;
    std::optional<std::string> apparmor_profile;
    std::optional<int32_t> oom_score_adj;
    std::optional<std::string> selinux_label;
    std::optional<IoPriority> io_priority;
    std::optional<Scheduler> scheduler;
    std::optional<ExecCpuAffinity> exec_cpu_affinity;
};

struct Hook {
    std::string path;  // REQUIRED, absolute
    std::vector<std::string> args;
    std::vector<std::string> env;
    std::optional<int64_t> timeout;  // seconds, >= 1
};

struct Hooks {
    std::vector<Hook> prestart;  // deprecated, still honoured
    std::vector<Hook> create_runtime;
    std::vector<Hook> create_container;
    std::vector<Hook> start_container;
    std::vector<Hook> poststart;
    std::vector<Hook> poststop;
};

// ---------------------------------------------------------- config-linux.md

enum class NamespaceType { mount, pid, network, uts, ipc, user, cgroup, time };

struct Namespace {
    NamespaceType type = NamespaceType::mount;
    std::optional<std::string> path;  // set: join this namespace with setns ("" in JSON = not set)
};

struct Device {
    std::string type;  // "c", "b", "u" or "p"
    std::string path;  // absolute, under /dev
    std::optional<int64_t> major;
    std::optional<int64_t> minor;
    std::optional<uint32_t> file_mode;  // permission bits, 0..0777
    std::optional<uint32_t> uid;
    std::optional<uint32_t> gid;
};

struct NetDevice {
    std::optional<std::string> name;  // name inside the container
};

struct DeviceRule {  // linux.resources.devices[]
    bool allow = false;
    std::optional<std::string> type;  // "a", "c" or "b"; absent = "a"
    std::optional<int64_t> major;     // absent = all (-1)
    std::optional<int64_t> minor;
    std::optional<std::string> access;  // subset of "rwm"; absent = "rwm"
};

struct Memory {
    std::optional<int64_t> limit;
    std::optional<int64_t> reservation;
    std::optional<int64_t> swap;
    std::optional<int64_t> kernel;
    std::optional<int64_t> kernel_tcp;
    std::optional<uint64_t> swappiness;
    std::optional<bool> disable_oom_killer;
    std::optional<bool> use_hierarchy;
    std::optional<bool> check_before_update;
};

struct Cpu {
    std::optional<uint64_t> shares;
    std::optional<int64_t> quota;
    std::optional<uint64_t> burst;
    std::optional<uint64_t> period;
    std::optional<int64_t> realtime_runtime;
    std::optional<uint64_t> realtime_period;
    std::optional<std::string> cpus;
    std::optional<std::string> mems;
    std::optional<int64_t> idle;
};

struct Pids {
    int64_t limit = 0;  // REQUIRED inside pids; <= 0 means unlimited
};

struct BlockIoDeviceWeight {
    int64_t major = 0;
    int64_t minor = 0;
    std::optional<uint16_t> weight;
    std::optional<uint16_t> leaf_weight;
};

struct BlockIoDeviceThrottle {
    int64_t major = 0;
    int64_t minor = 0;
    uint64_t rate = 0;
};

struct BlockIo {
    std::optional<uint16_t> weight;
    std::optional<uint16_t> leaf_weight;
    std::vector<BlockIoDeviceWeight> weight_device;
    std::vector<BlockIoDeviceThrottle> throttle_read_bps_device;
    std::vector<BlockIoDeviceThrottle> throttle_write_bps_device;
    std::vector<BlockIoDeviceThrottle> throttle_read_iops_device;
    std::vector<BlockIoDeviceThrottle> throttle_write_iops_device;
};

struct HugepageLimit {
    std::string page_size;  // "2MB", "1GB", ...
    uint64_t limit = 0;
};

struct NetworkPriority {
    std::string name;
    uint32_t priority = 0;
};

struct Network {
    std::optional<uint32_t> class_id;
    std::vector<NetworkPriority> priorities;
};

struct Rdma {
    std::optional<uint32_t> hca_handles;
    std::optional<uint32_t> hca_objects;
};

struct Resources {
    std::vector<DeviceRule> devices;
    std::optional<Memory> memory;
    std::optional<Cpu> cpu;
    std::optional<Pids> pids;
    std::optional<BlockIo> block_io;
    std::vector<HugepageLimit> hugepage_limits;
    std::optional<Network> network;
    std::map<std::string, Rdma> rdma;  // key: device name
    StringMap unified;                 // cgroup v2 file -> value
};

struct SeccompArg {
    uint32_t index = 0;
    uint64_t value = 0;
    std::optional<uint64_t> value_two;
    std::string op;  // SCMP_CMP_*
};

struct SeccompSyscall {
    std::vector<std::string> names;  // at least one
    std::string action;              // SCMP_ACT_*
    std::optional<uint32_t> errno_ret;
    std::vector<SeccompArg> args;
};

struct Seccomp {
    std::string default_action;  // REQUIRED
    std::optional<uint32_t> default_errno_ret;
    std::vector<std::string> architectures;  // SCMP_ARCH_*
    std::vector<std::string> flags;          // SECCOMP_FILTER_FLAG_*
    std::optional<std::string> listener_path;
    std::optional<std::string> listener_metadata;
    std::vector<SeccompSyscall> syscalls;
};

struct IntelRdt {
    std::optional<std::string> clos_id;
    std::vector<std::string> schemata;
    std::optional<std::string> l3_cache_schema;
    std::optional<std::string> mem_bw_schema;
    std::optional<bool> enable_monitoring;
};

struct MemoryPolicy {
    std::string mode;  // MPOL_* (REQUIRED)
    std::optional<std::string> nodes;
    std::vector<std::string> flags;  // MPOL_F_*
};

struct Personality {
    std::string domain;  // "LINUX" or "LINUX32"
    std::vector<std::string> flags;
};

struct TimeOffset {
    int64_t secs = 0;
    uint32_t nanosecs = 0;
};

struct TimeOffsets {
    std::optional<TimeOffset> boottime;
    std::optional<TimeOffset> monotonic;
};

struct Linux {
    std::vector<Namespace> namespaces;
    std::vector<IdMapping> uid_mappings;
    std::vector<IdMapping> gid_mappings;
    std::optional<TimeOffsets> time_offsets;
    std::vector<Device> devices;
    std::map<std::string, NetDevice> net_devices;  // key: host interface name
    std::optional<std::string> cgroups_path;
    std::optional<Resources> resources;
    std::optional<IntelRdt> intel_rdt;
    std::optional<MemoryPolicy> memory_policy;
    StringMap sysctl;
    std::optional<Seccomp> seccomp;
    std::optional<std::string> rootfs_propagation;  // private|shared|slave|unbindable, or runc's r-forms (rslave, ...)
    std::vector<std::string> masked_paths;
    std::vector<std::string> readonly_paths;
    std::optional<std::string> mount_label;
    std::optional<Personality> personality;

    // Helpers over `namespaces`.
    const Namespace* find_namespace(NamespaceType type) const;
    bool has_namespace(NamespaceType type) const { return find_namespace(type) != nullptr; }
};

// ---------------------------------------------------------------- the whole

struct Spec {
    std::string oci_version;  // REQUIRED, major 1
    std::optional<Root> root;
    std::vector<Mount> mounts;
    std::optional<Process> process;
    std::optional<std::string> hostname;
    std::optional<std::string> domainname;
    Hooks hooks;
    StringMap annotations;
    std::optional<Linux> linux;
};

// Names as the spec writes them ("network", "mount", ...).
const char* to_string(NamespaceType type);
std::optional<NamespaceType> namespace_type_from_string(const std::string& name);

}  // namespace rt::spec
