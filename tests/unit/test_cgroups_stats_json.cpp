// `rt events` JSON: runc's field names, order and omissions.
#include <gtest/gtest.h>

#include "rt/cgroups/stats.hpp"
#include "rt/util/error.hpp"

namespace rt::cgroups {
namespace {

TEST(StatsJson, AnEmptyStatsObjectAsRuncPrintsIt) {
    EXPECT_EQ(stats_event_json("c1", Stats{}),
              R"({"type":"stats","id":"c1","data":{"cpu":{"usage":{"kernel":0,"user":0},"throttling":{}},)"
              R"("cpuset":{"cpu_exclusive":0,"mem_hardwall":0,"mem_exclusive":0,"memory_migrate":0,)"
              R"("memory_spread_page":0,"memory_spread_slab":0,"memory_pressure":0,"sched_load_balance":0,)"
              R"("sched_relax_domain_level":0},"memory":{"usage":{"limit":0,"failcnt":0},)"
              R"("swap":{"limit":0,"failcnt":0},"kernel":{"limit":0,"failcnt":0},)"
              R"("kernelTCP":{"limit":0,"failcnt":0}},"pids":{},"blkio":{},"hugetlb":{},"intel_rdt":{},)"
              R"("network_interfaces":null}})");
}

TEST(StatsJson, ValuesInTheirPlaces) {
    Stats s;
    s.cpu.total = 10;
    s.cpu.percpu = {4, 6};
    s.cpu.throttled_periods = 2;
    s.memory.usage = {100, 50, 70, 1};
    s.memory.raw = {{"rss", 5}, {"cache", 3}};
    s.pids = {3, 10};
    s.blkio.io_service_bytes_recursive = {{8, 0, "Read", 512}};
    s.hugetlb["2MB"] = {0, 0, 4};
    std::string json = stats_event_json("x", s);
    EXPECT_NE(json.find(R"("usage":{"total":10,"percpu":[4,6],"kernel":0,"user":0})"), std::string::npos) << json;
    EXPECT_NE(json.find(R"("throttling":{"throttledPeriods":2})"), std::string::npos) << json;
    EXPECT_NE(json.find(R"("usage":{"limit":100,"usage":50,"max":70,"failcnt":1})"), std::string::npos) << json;
    EXPECT_NE(json.find(R"("raw":{"cache":3,"rss":5})"), std::string::npos) << json;  // sorted, as Go
    EXPECT_NE(json.find(R"("pids":{"current":3,"limit":10})"), std::string::npos) << json;
    EXPECT_NE(json.find(R"("blkio":{"ioServiceBytesRecursive":[{"major":8,"op":"Read","value":512}]})"),
              std::string::npos)
        << json;
    EXPECT_NE(json.find(R"("hugetlb":{"2MB":{"failcnt":4}})"), std::string::npos) << json;
}

TEST(StatsJson, Oom) {
    EXPECT_EQ(oom_event_json("c1"), R"({"type":"oom","id":"c1"})");
}

TEST(CpuList, Ranges) {
    EXPECT_EQ(parse_cpu_list("0-2,4\n"), (std::vector<uint16_t>{0, 1, 2, 4}));
    EXPECT_EQ(parse_cpu_list("\n"), std::vector<uint16_t>{});
    EXPECT_THROW(parse_cpu_list("3-1"), Error);
    EXPECT_THROW(parse_cpu_list("x"), Error);
}

}  // namespace
}  // namespace rt::cgroups
