// cgroup v2 io: weights in io.bfq.weight (BFQ, same scale as blkio) or else
// io.weight (converted to its 1..10000 scale), limits in io.max. v2 has no
// leaf weights.
#include <sstream>

#include "controllers.hpp"

namespace rt::cgroups::v2 {
namespace {

std::string device(int64_t major, int64_t minor) {
    return number(major) + ":" + number(minor);
}

// io.bfq.weight takes per-device lines since Linux 5.4; before, it holds a
// single number.
bool bfq_takes_devices(const CgroupDir& dir) {
    std::string text = dir.read("io.bfq.weight");
    return text.find("default") != std::string::npos;
}

void write_max(const CgroupDir& dir, const char* field, const char* key,
               const std::vector<spec::BlockIoDeviceThrottle>& throttles) {
    for (size_t i = 0; i < throttles.size(); ++i) {
        const auto& t = throttles[i];
        with_field(std::string(field) + "[" + std::to_string(i) + "]", [&] {
            dir.write("io.max", device(t.major, t.minor) + " " + key + "=" + number(t.rate));
        });
    }
}

}  // namespace

void check_io(const spec::BlockIo& io) {
    if (io.leaf_weight) fail_field("blockIO.leafWeight", "cgroup v2 has no leaf weights");
    for (size_t i = 0; i < io.weight_device.size(); ++i) {
        if (io.weight_device[i].leaf_weight) {
            fail_field("blockIO.weightDevice[" + std::to_string(i) + "].leafWeight", "cgroup v2 has no leaf weights");
        }
    }
}

void set_io(const CgroupDir& dir, const spec::BlockIo& io) {
    check_io(io);
    bool bfq = dir.has("io.bfq.weight");
    bool bfq_devices = bfq && !io.weight_device.empty() && bfq_takes_devices(dir);
    if (io.weight) {
        with_field("blockIO.weight", [&] {
            if (bfq) {
                dir.write("io.bfq.weight", number(uint64_t{*io.weight}));
            } else if (dir.has("io.weight")) {
                dir.write("io.weight", "default " + number(blkio_weight_to_io_weight(*io.weight)));
            } else {
                throw Error("the io controller has neither io.bfq.weight nor io.weight in " + dir.path());
            }
        });
    }
    for (size_t i = 0; i < io.weight_device.size(); ++i) {
        const auto& wd = io.weight_device[i];
        if (!wd.weight) continue;
        with_field("blockIO.weightDevice[" + std::to_string(i) + "]", [&] {
            if (bfq_devices) {
                dir.write("io.bfq.weight", device(wd.major, wd.minor) + " " + number(uint64_t{*wd.weight}));
            } else if (dir.has("io.weight")) {
                dir.write("io.weight",
                          device(wd.major, wd.minor) + " " + number(blkio_weight_to_io_weight(*wd.weight)));
            } else {
                throw Error("no per-device weight file (io.bfq.weight, io.weight) in " + dir.path());
            }
        });
    }
    write_max(dir, "blockIO.throttleReadBpsDevice", "rbps", io.throttle_read_bps_device);
    write_max(dir, "blockIO.throttleWriteBpsDevice", "wbps", io.throttle_write_bps_device);
    write_max(dir, "blockIO.throttleReadIOPSDevice", "riops", io.throttle_read_iops_device);
    write_max(dir, "blockIO.throttleWriteIOPSDevice", "wiops", io.throttle_write_iops_device);
}

void io_stats(const CgroupDir& dir, Stats& stats) {
    // "8:0 rbytes=1 wbytes=2 rios=3 wios=4 dbytes=0 dios=0", in v1's terms.
    std::istringstream lines(dir.read("io.stat"));
    std::string line;
    while (std::getline(lines, line)) {
        std::istringstream fields(line);
        std::string dev, item;
        if (!(fields >> dev)) continue;
        auto colon = dev.find(':');
        if (colon == std::string::npos) continue;
        uint64_t major = std::stoull(dev.substr(0, colon)), minor = std::stoull(dev.substr(colon + 1));
        while (fields >> item) {
            auto eq = item.find('=');
            if (eq == std::string::npos) continue;
            std::string key = item.substr(0, eq);
            uint64_t value = std::stoull(item.substr(eq + 1));
            if (key == "rbytes") stats.blkio.io_service_bytes_recursive.push_back({major, minor, "Read", value});
            if (key == "wbytes") stats.blkio.io_service_bytes_recursive.push_back({major, minor, "Write", value});
            if (key == "rios") stats.blkio.io_serviced_recursive.push_back({major, minor, "Read", value});
            if (key == "wios") stats.blkio.io_serviced_recursive.push_back({major, minor, "Write", value});
        }
    }
}

}  // namespace rt::cgroups::v2
