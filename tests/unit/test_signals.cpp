#include <gtest/gtest.h>
#include <signal.h>

#include "rt/util/error.hpp"
#include "rt/util/signals.hpp"

TEST(Signals, NamesWithAndWithoutSigAndNumbers) {
    EXPECT_EQ(rt::parse_signal("KILL"), SIGKILL);
    EXPECT_EQ(rt::parse_signal("SIGKILL"), SIGKILL);
    EXPECT_EQ(rt::parse_signal("sigterm"), SIGTERM);
    EXPECT_EQ(rt::parse_signal("9"), 9);
    EXPECT_EQ(rt::parse_signal("15"), SIGTERM);
    EXPECT_EQ(rt::parse_signal("RTMIN"), SIGRTMIN);
    EXPECT_EQ(rt::parse_signal("SIGRTMIN+2"), SIGRTMIN + 2);
    EXPECT_EQ(rt::parse_signal("RTMAX-1"), SIGRTMAX - 1);
    // No signal, a liveness check (by number only, as runc takes it).
    EXPECT_EQ(rt::parse_signal("0"), 0);
}

TEST(Signals, UnknownAreErrors) {
    for (const char* bad : {"", "SIG0", "ZERO", "65", "-1", "SIGNOPE", "RTMIN+99", "9x"}) {
        EXPECT_THROW(rt::parse_signal(bad), rt::Error) << bad;
    }
}

TEST(Signals, Name) {
    EXPECT_EQ(rt::signal_name(SIGTERM), "SIGTERM");
}
