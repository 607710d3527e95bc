// SHA-256 against the vectors of FIPS 180-4's examples (and NIST's long one).
#include <gtest/gtest.h>

#include <string>

#include "rt/util/sha256.hpp"

namespace rt {
namespace {

TEST(Sha256, StandardVectors) {
    EXPECT_EQ(to_hex(sha256("")), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    EXPECT_EQ(to_hex(sha256("abc")), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    EXPECT_EQ(to_hex(sha256("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq")),
              "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
    EXPECT_EQ(to_hex(sha256(std::string(1000000, 'a'))),
              "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

TEST(Sha256, PiecesMakeTheSameDigestAsTheWhole) {
    std::string text;
    for (int i = 0; i < 300; ++i) text += static_cast<char>(i * 7);
    for (size_t cut : {0u, 1u, 55u, 56u, 63u, 64u, 65u, 128u, 299u}) {
        Sha256 pieces;
        pieces.update(std::string_view(text).substr(0, cut)).update(std::string_view(text).substr(cut));
        EXPECT_EQ(pieces.finish(), sha256(text)) << cut;
    }
}

// The SHA instructions and the portable code agree, on every length around
// the block size and on a long random text.
TEST(Sha256, HardwareAndPortableCodeAgree) {
    if (!sha256_has_hardware()) GTEST_SKIP() << "this CPU has no SHA instructions";
    std::string text;
    uint32_t seed = 12345;
    for (int i = 0; i < 5000; ++i) {
        seed = seed * 1103515245 + 12345;
        text += static_cast<char>(seed >> 16);
    }
    for (size_t size = 0; size < 200; ++size) {
        std::string_view part = std::string_view(text).substr(0, size);
        EXPECT_EQ(Sha256(true).update(part).finish(), Sha256(false).update(part).finish()) << size;
    }
    EXPECT_EQ(Sha256(true).update(text).finish(), Sha256(false).update(text).finish());
    EXPECT_EQ(to_hex(Sha256(false).update("abc").finish()),
              "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

}  // namespace
}  // namespace rt
