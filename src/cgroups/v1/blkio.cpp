// cgroup v1 blkio: weights (CFQ's blkio.weight or BFQ's blkio.bfq.weight)
// and the throttle limits.
#include <sstream>

#include "controllers.hpp"

namespace rt::cgroups::v1 {
namespace {

std::string device(int64_t major, int64_t minor) {
    return number(major) + ":" + number(minor);
}

// blkio.weight (CFQ) or blkio.bfq.weight (BFQ), whichever the kernel has.
std::string weight_file(const CgroupDir& dir, const std::string& field, const std::string& suffix) {
    for (std::string file : {"blkio.weight" + suffix, "blkio.bfq.weight" + suffix}) {
        if (dir.has(file)) return file;
    }
    fail_field(field, "this kernel has neither blkio.weight" + suffix + " nor blkio.bfq.weight" + suffix +
                          " (no CFQ or BFQ I/O scheduler)");
}

void write_throttles(const CgroupDir& dir, const char* field, const char* file,
                     const std::vector<spec::BlockIoDeviceThrottle>& throttles) {
    for (size_t i = 0; i < throttles.size(); ++i) {
        const auto& t = throttles[i];
        with_field(std::string(field) + "[" + std::to_string(i) + "]",
                   [&] { dir.write(file, device(t.major, t.minor) + " " + number(t.rate)); });
    }
}

}  // namespace

void set_blkio(const CgroupDir& dir, const spec::BlockIo& io) {
    if (io.weight) {
        std::string file = weight_file(dir, "blockIO.weight", "");
        with_field("blockIO.weight", [&] { dir.write(file, number(uint64_t{*io.weight})); });
    }
    if (io.leaf_weight) {
        with_field("blockIO.leafWeight", [&] {
            if (!dir.has("blkio.leaf_weight")) throw Error("this kernel has no blkio.leaf_weight (CFQ only)");
            dir.write("blkio.leaf_weight", number(uint64_t{*io.leaf_weight}));
        });
    }
    for (size_t i = 0; i < io.weight_device.size(); ++i) {
        const auto& wd = io.weight_device[i];
        std::string field = "blockIO.weightDevice[" + std::to_string(i) + "]";
        if (wd.weight) {
            std::string file = weight_file(dir, field, "_device");
            with_field(field, [&] { dir.write(file, device(wd.major, wd.minor) + " " + number(uint64_t{*wd.weight})); });
        }
        if (wd.leaf_weight) {
            with_field(field, [&] {
                if (!dir.has("blkio.leaf_weight_device")) {
                    throw Error("this kernel has no blkio.leaf_weight_device (CFQ only)");
                }
                dir.write("blkio.leaf_weight_device",
                          device(wd.major, wd.minor) + " " + number(uint64_t{*wd.leaf_weight}));
            });
        }
    }
    write_throttles(dir, "blockIO.throttleReadBpsDevice", "blkio.throttle.read_bps_device",
                    io.throttle_read_bps_device);
    write_throttles(dir, "blockIO.throttleWriteBpsDevice", "blkio.throttle.write_bps_device",
                    io.throttle_write_bps_device);
    write_throttles(dir, "blockIO.throttleReadIOPSDevice", "blkio.throttle.read_iops_device",
                    io.throttle_read_iops_device);
    write_throttles(dir, "blockIO.throttleWriteIOPSDevice", "blkio.throttle.write_iops_device",
                    io.throttle_write_iops_device);
}

namespace {

// "8:0 Read 1282048" lines ("Total 3477504" skipped).
std::vector<BlkioEntry> blkio_entries(const std::string& text) {
    std::vector<BlkioEntry> entries;
    std::istringstream lines(text);
    std::string line;
    while (std::getline(lines, line)) {
        std::istringstream fields(line);
        std::string dev, op;
        uint64_t value = 0;
        if (!(fields >> dev >> op >> value)) continue;
        auto colon = dev.find(':');
        if (colon == std::string::npos) continue;
        BlkioEntry e;
        e.major = std::stoull(dev.substr(0, colon));
        e.minor = std::stoull(dev.substr(colon + 1));
        e.op = op;
        e.value = value;
        entries.push_back(e);
    }
    return entries;
}

}  // namespace

void blkio_stats(const CgroupDir& dir, Stats& stats) {
    // CFQ's files, else BFQ's, else those of the throttling layer (which
    // every kernel has), as runc reads them.
    for (std::string prefix : {"blkio.", "blkio.bfq.", "blkio.throttle."}) {
        if (!dir.has(prefix + "io_service_bytes_recursive")) continue;
        stats.blkio.io_service_bytes_recursive = blkio_entries(dir.read(prefix + "io_service_bytes_recursive"));
        stats.blkio.io_serviced_recursive = blkio_entries(dir.read(prefix + "io_serviced_recursive"));
        return;
    }
}

}  // namespace rt::cgroups::v1
