// "linux.resources" (config-linux.md, Control groups), and parse_resources() for
// the resources.json of `update -r`.
#include "parse_internal.hpp"
#include "rt/spec/parse.hpp"
#include "schema_rules.hpp"

namespace rt::spec {

namespace json {

static void decode(const Node& node, DeviceRule& out) {
    node.required("allow", out.allow);
    node.optional("type", out.type);
    node.optional("major", out.major);
    node.optional("minor", out.minor);
    node.optional("access", out.access);
}

static void decode(const Node& node, Memory& out) {
    node.optional("limit", out.limit);
    node.optional("reservation", out.reservation);
    node.optional("swap", out.swap);
    node.optional("kernel", out.kernel);
    node.optional("kernelTCP", out.kernel_tcp);
    node.optional("swappiness", out.swappiness);
    node.optional("disableOOMKiller", out.disable_oom_killer);
    node.optional("useHierarchy", out.use_hierarchy);
    node.optional("checkBeforeUpdate", out.check_before_update);
}

static void decode(const Node& node, Cpu& out) {
    node.optional("shares", out.shares);
    node.optional("quota", out.quota);
    node.optional("burst", out.burst);
    node.optional("period", out.period);
    node.optional("realtimeRuntime", out.realtime_runtime);
    node.optional("realtimePeriod", out.realtime_period);
    node.optional("cpus", out.cpus);
    node.optional("mems", out.mems);
    node.optional("idle", out.idle);
}

static void decode(const Node& node, Pids& out) {
    node.required("limit", out.limit);
}

static void decode(const Node& node, BlockIoDeviceWeight& out) {
    node.required("major", out.major);
    node.required("minor", out.minor);
    node.optional("weight", out.weight);
    node.optional("leafWeight", out.leaf_weight);
}

static void decode(const Node& node, BlockIoDeviceThrottle& out) {
    node.required("major", out.major);
    node.required("minor", out.minor);
    // REQUIRED in config-linux.md (the schema leaves it out): an entry without
    // a rate has no meaning, and Go-based tools always write it.
    node.required("rate", out.rate);
}

static void decode(const Node& node, BlockIo& out) {
    node.optional("weight", out.weight);
    node.optional("leafWeight", out.leaf_weight);
    node.optional("weightDevice", out.weight_device);
    node.optional("throttleReadBpsDevice", out.throttle_read_bps_device);
    node.optional("throttleWriteBpsDevice", out.throttle_write_bps_device);
    node.optional("throttleReadIOPSDevice", out.throttle_read_iops_device);
    node.optional("throttleWriteIOPSDevice", out.throttle_write_iops_device);
}

static void decode(const Node& node, HugepageLimit& out) {
    node.required("pageSize", out.page_size, schema::hugepage_size);
    node.required("limit", out.limit);
}

static void decode(const Node& node, NetworkPriority& out) {
    node.required("name", out.name);
    node.required("priority", out.priority);
}

static void decode(const Node& node, Network& out) {
    node.optional("classID", out.class_id);
    node.optional("priorities", out.priorities);
}

static void decode(const Node& node, Rdma& out) {
    node.optional("hcaHandles", out.hca_handles);
    node.optional("hcaObjects", out.hca_objects);
}

void decode(const Node& node, Resources& out) {
    node.optional("devices", out.devices);
    node.optional("memory", out.memory);
    node.optional("cpu", out.cpu);
    node.optional("pids", out.pids);
    node.optional("blockIO", out.block_io);
    node.optional("hugepageLimits", out.hugepage_limits);
    node.optional("network", out.network);
    node.optional("rdma", out.rdma);
    node.optional("unified", out.unified);
}

}  // namespace json

Resources parse_resources(std::string_view json_text) {
    const nlohmann::json document = json::parse_document(json_text);
    Resources resources;
    json::decode(json::Node(document), resources);
    return resources;
}

}  // namespace rt::spec
