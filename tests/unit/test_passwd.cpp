#include <gtest/gtest.h>

#include "rt/util/passwd.hpp"

namespace {
const char* passwd =
    "root:x:0:0:root:/root:/bin/sh\n"
    "broken line\n"
    "daemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin\n"
    "web:x:1000:1001:Web,,,:/home/web:/bin/bash\n"
    "bad:x:notanumber:1::/:/bin/sh\n";
}

TEST(Passwd, ByUidAndName) {
    auto web = rt::passwd_by_uid(passwd, 1000);
    ASSERT_TRUE(web);
    EXPECT_EQ(web->name, "web");
    EXPECT_EQ(web->gid, 1001u);
    EXPECT_EQ(web->home, "/home/web");
    EXPECT_EQ(rt::passwd_by_name(passwd, "daemon")->uid, 1u);
    EXPECT_FALSE(rt::passwd_by_uid(passwd, 4242));
    EXPECT_FALSE(rt::passwd_by_name(passwd, "bad"));
}

TEST(Passwd, Groups) {
    const char* group = "root:x:0:\ntty:x:5:\nstaff:x:50:web,db\n";
    EXPECT_EQ(rt::group_gid(group, "tty"), 5u);
    EXPECT_EQ(rt::group_gid(group, "staff"), 50u);
    EXPECT_FALSE(rt::group_gid(group, "nope"));
}
