// The seccomp cache: keys, the file format and its checks, and the cache
// directory (hit, miss, corrupt or truncated files, owner and mode, symlinks,
// versions), in a temp dir: no root needed (another owner is simulated by
// expecting one).
#include <gtest/gtest.h>
#include <linux/seccomp.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "rt/linux/seccomp.hpp"
#include "rt/linux/seccomp_cache.hpp"
#include "rt/spec/default_config.hpp"
#include "rt/spec/parse.hpp"

namespace rt::linux {
namespace {

namespace fs = std::filesystem;

spec::Seccomp seccomp_of(const std::string& json) {
    nlohmann::json config = nlohmann::json::parse(R"({"ociVersion": "1.3.0", "root": {"path": "r"},
        "process": {"args": ["sh"], "cwd": "/"}, "linux": {}})");
    config["linux"]["seccomp"] = nlohmann::json::parse(json);
    return *spec::parse_config(config.dump()).linux->seccomp;
}

const char* const kProfile = R"({"defaultAction": "SCMP_ACT_ERRNO",
    "architectures": ["SCMP_ARCH_X86_64", "SCMP_ARCH_X86"],
    "syscalls": [{"names": ["read", "write", "exit_group"], "action": "SCMP_ACT_ALLOW"},
                 {"names": ["personality"], "action": "SCMP_ACT_ALLOW",
                  "args": [{"index": 0, "value": 8, "op": "SCMP_CMP_EQ"}]}]})";

CachedSeccomp small_filter(uint32_t marker = 7) {
    return {{BPF_STMT(BPF_LD | BPF_W | BPF_ABS, 0), BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | marker)},
            SECCOMP_FILTER_FLAG_LOG};
}

bool same(const CachedSeccomp& a, const CachedSeccomp& b) {
    return a.flags == b.flags && a.instructions.size() == b.instructions.size() &&
           std::memcmp(a.instructions.data(), b.instructions.data(), a.instructions.size() * sizeof(sock_filter)) == 0;
}

TEST(SeccompCacheKey, EveryPartOfTheProfileAndTheVersionsCount) {
    const Sha256Digest base = seccomp_cache_key(seccomp_of(kProfile));
    EXPECT_EQ(seccomp_cache_key(seccomp_of(kProfile)), base);
    auto changed = [&](auto edit) {
        nlohmann::json j = nlohmann::json::parse(kProfile);
        edit(j);
        return seccomp_cache_key(seccomp_of(j.dump()));
    };
    EXPECT_NE(changed([](auto& j) { j["defaultAction"] = "SCMP_ACT_KILL"; }), base);
    EXPECT_NE(changed([](auto& j) { j["defaultErrnoRet"] = 1; }), base);
    EXPECT_NE(changed([](auto& j) { j["architectures"].push_back("SCMP_ARCH_X32"); }), base);
    EXPECT_NE(changed([](auto& j) { j["flags"] = {"SECCOMP_FILTER_FLAG_LOG"}; }), base);
    EXPECT_NE(changed([](auto& j) { j["syscalls"][0]["names"].push_back("close"); }), base);
    EXPECT_NE(changed([](auto& j) { j["syscalls"][0]["action"] = "SCMP_ACT_LOG"; }), base);
    EXPECT_NE(changed([](auto& j) { j["syscalls"][1]["args"][0]["value"] = 9; }), base);
    EXPECT_NE(changed([](auto& j) { j["syscalls"][1]["args"][0]["valueTwo"] = 0; }), base);
    EXPECT_NE(changed([](auto& j) { j["syscalls"][1]["args"][0]["op"] = "SCMP_CMP_NE"; }), base);
    // Names moved from one rule to the next are another profile too.
    EXPECT_NE(changed([](auto& j) {
                  j["syscalls"][0]["names"] = {"read", "write"};
                  j["syscalls"][1]["names"] = {"exit_group", "personality"};
              }),
              base);
    // Another rt, libseccomp or architecture: another key.
    EXPECT_NE(seccomp_cache_key(seccomp_of(kProfile), "rt 0.0.1; libseccomp 2.5.4; native c000003e; format 1"),
              base);
    EXPECT_NE(seccomp_cache_key(seccomp_of(kProfile), seccomp_cache_versions() + "x"), base);
    // Where the listener is and what it is told do not shape the filter.
    auto with_listener = [&](const char* path, const char* metadata) {
        nlohmann::json j = nlohmann::json::parse(kProfile);
        j["listenerPath"] = path;
        j["listenerMetadata"] = metadata;
        return seccomp_cache_key(seccomp_of(j.dump()));
    };
    EXPECT_EQ(with_listener("/a.sock", "one"), with_listener("/b.sock", "two"));
    EXPECT_NE(with_listener("/a.sock", "one"), base);
}

TEST(SeccompCacheFile, RoundTripAndEveryDamageIsRefused) {
    const Sha256Digest key = sha256("key"), other = sha256("other");
    const CachedSeccomp filter = small_filter();
    const std::string bytes = encode_cached_seccomp(key, filter);
    std::string why;
    auto back = decode_cached_seccomp(bytes, key, why);
    ASSERT_TRUE(back) << why;
    EXPECT_TRUE(same(*back, filter));

    EXPECT_FALSE(decode_cached_seccomp(bytes, other, why));
    EXPECT_EQ(why, "written for another profile");
    for (size_t size = 0; size < bytes.size(); ++size) {
        EXPECT_FALSE(decode_cached_seccomp(std::string_view(bytes).substr(0, size), key, why)) << size;
    }
    EXPECT_FALSE(decode_cached_seccomp(bytes + std::string(8, '\0'), key, why));
    for (size_t i = 0; i < bytes.size(); ++i) {
        std::string damaged = bytes;
        damaged[i] ^= 0x20;
        EXPECT_FALSE(decode_cached_seccomp(damaged, key, why)) << "byte " << i;
    }
}

class SeccompCacheDir : public ::testing::Test {
protected:
    void SetUp() override {
        char templ[] = "/tmp/rt-seccomp-cache-XXXXXX";
        ASSERT_NE(mkdtemp(templ), nullptr);
        root_ = templ;
    }
    void TearDown() override {
        fs::permissions(root_, fs::perms::owner_all);
        fs::remove_all(root_);
    }
    std::string root_;
};

TEST_F(SeccompCacheDir, MissThenHit) {
    SeccompCache cache(root_);
    const Sha256Digest key = sha256("a profile");
    EXPECT_FALSE(cache.load(key));
    cache.store(key, small_filter());
    EXPECT_EQ(cache.path(key), root_ + "/@seccomp/" + to_hex(key) + ".bpf");
    struct stat st {};
    ASSERT_EQ(stat((root_ + "/@seccomp").c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 07777, 0700u);
    ASSERT_EQ(stat(cache.path(key).c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 07777, 0600u);
    auto hit = cache.load(key);
    ASSERT_TRUE(hit);
    EXPECT_TRUE(same(*hit, small_filter()));
    EXPECT_FALSE(cache.load(sha256("another profile")));
    // Nothing but the file itself is left (no temporary file).
    EXPECT_EQ(std::distance(fs::directory_iterator(root_ + "/@seccomp"), fs::directory_iterator()), 1);
}

TEST_F(SeccompCacheDir, CorruptOrTruncatedFilesAreMissesAndGetReplaced) {
    SeccompCache cache(root_);
    const Sha256Digest key = sha256("a profile");
    cache.store(key, small_filter());
    const std::string file = cache.path(key);
    const auto size = fs::file_size(file);
    {
        std::fstream f(file, std::ios::in | std::ios::out | std::ios::binary);
        f.seekp(static_cast<std::streamoff>(size - 3));
        f.put('\x55');
    }
    EXPECT_FALSE(cache.load(key));
    fs::resize_file(file, size - 8);
    EXPECT_FALSE(cache.load(key));
    fs::resize_file(file, 10);
    EXPECT_FALSE(cache.load(key));
    // A file copied over from another key's.
    cache.store(sha256("b"), small_filter(9));
    fs::copy_file(cache.path(sha256("b")), file, fs::copy_options::overwrite_existing);
    EXPECT_FALSE(cache.load(key));
    cache.store(key, small_filter());
    auto hit = cache.load(key);
    ASSERT_TRUE(hit);
    EXPECT_TRUE(same(*hit, small_filter()));
}

TEST_F(SeccompCacheDir, ADirectoryOrFileOthersMayWriteIsNotUsed) {
    SeccompCache cache(root_);
    const Sha256Digest key = sha256("a profile");
    cache.store(key, small_filter());
    const std::string dir = root_ + "/@seccomp";

    chmod(cache.path(key).c_str(), 0622);
    EXPECT_FALSE(cache.load(key));
    chmod(cache.path(key).c_str(), 0644);  // readable by others is fine
    EXPECT_TRUE(cache.load(key));

    chmod(dir.c_str(), 0770);
    EXPECT_FALSE(cache.load(key));
    fs::remove(cache.path(key));
    cache.store(key, small_filter());  // refused too: nothing written
    EXPECT_FALSE(fs::exists(cache.path(key)));
    chmod(dir.c_str(), 0700);
    cache.store(key, small_filter());
    EXPECT_TRUE(cache.load(key));
}

TEST_F(SeccompCacheDir, ACacheOfAnotherOwnerIsNotUsed) {
    SeccompCache mine(root_);
    const Sha256Digest key = sha256("a profile");
    mine.store(key, small_filter());
    // As if it belonged to someone else: the uid it must have is not its own.
    SeccompCache theirs(root_, geteuid() + 1);
    EXPECT_FALSE(theirs.load(key));
    theirs.store(sha256("another"), small_filter());
    EXPECT_FALSE(fs::exists(mine.path(sha256("another"))));
}

TEST_F(SeccompCacheDir, SymlinksAndHardLinksAreRefused) {
    SeccompCache cache(root_);
    const Sha256Digest key = sha256("a profile"), other = sha256("b");
    cache.store(other, small_filter());
    fs::create_symlink(cache.path(other), cache.path(key));
    EXPECT_FALSE(cache.load(key));
    fs::remove(cache.path(key));
    fs::create_hard_link(cache.path(other), cache.path(key));
    EXPECT_FALSE(cache.load(key));  // and its key would not match anyway
    EXPECT_FALSE(cache.load(other));  // two links now

    // The directory itself a symlink to one that looks right.
    std::string elsewhere = root_ + "/elsewhere";
    fs::rename(root_ + "/@seccomp", elsewhere);
    fs::create_symlink(elsewhere, root_ + "/@seccomp");
    fs::remove(elsewhere + "/" + to_hex(key) + ".bpf");
    EXPECT_FALSE(cache.load(other));
}

TEST_F(SeccompCacheDir, OldestFilesGoBeyondTheLimit) {
    SeccompCache cache(root_);
    for (size_t i = 0; i < SeccompCache::kMaxEntries + 5; ++i) {
        cache.store(sha256("profile " + std::to_string(i)), small_filter());
        // Distinct ages, oldest first.
        struct timespec times[2] = {{static_cast<time_t>(1000 + i), 0}, {static_cast<time_t>(1000 + i), 0}};
        utimensat(AT_FDCWD, cache.path(sha256("profile " + std::to_string(i))).c_str(), times, 0);
    }
    EXPECT_LE(std::distance(fs::directory_iterator(root_ + "/@seccomp"), fs::directory_iterator()),
              static_cast<long>(SeccompCache::kMaxEntries));
    EXPECT_FALSE(cache.load(sha256("profile 0")));
    EXPECT_TRUE(cache.load(sha256("profile " + std::to_string(SeccompCache::kMaxEntries + 4))));
}

TEST_F(SeccompCacheDir, PlanSeccompCompilesOnceThenReadsTheCache) {
    SeccompCache cache(root_);
    spec::Seccomp profile = seccomp_of(spec::default_seccomp_json());
    SeccompProgram first = plan_seccomp(profile, ".linux.seccomp", &cache);
    const Sha256Digest key = seccomp_cache_key(profile);
    auto stored = cache.load(key);
    ASSERT_TRUE(stored);
    EXPECT_EQ(stored->instructions.size(), first.instructions.size());
    EXPECT_EQ(stored->flags, first.flags);
    SeccompProgram uncached = plan_seccomp(profile, ".linux.seccomp");
    EXPECT_TRUE(same(*stored, {uncached.instructions, uncached.flags}));  // the stub included

    // The second plan takes what the file says: put a marker filter there.
    cache.store(key, small_filter(33));
    SeccompProgram second = plan_seccomp(profile, ".linux.seccomp", &cache);
    EXPECT_TRUE(same({second.instructions, second.flags}, small_filter(33)));

    // A notify profile's listener comes from the config, not the cache.
    spec::Seccomp notify = seccomp_of(R"({"defaultAction": "SCMP_ACT_ALLOW", "listenerPath": "/run/a.sock",
        "listenerMetadata": "m1", "syscalls": [{"names": ["mkdir"], "action": "SCMP_ACT_NOTIFY"}]})");
    plan_seccomp(notify, ".linux.seccomp", &cache);
    notify.listener_path = "/run/b.sock";
    notify.listener_metadata = "m2";
    SeccompProgram again = plan_seccomp(notify, ".linux.seccomp", &cache);
    EXPECT_TRUE(again.notify);
    EXPECT_TRUE(again.flags & SECCOMP_FILTER_FLAG_NEW_LISTENER);
    EXPECT_EQ(again.listener_path, "/run/b.sock");
    EXPECT_EQ(again.listener_metadata, "m2");
}

}  // namespace
}  // namespace rt::linux
