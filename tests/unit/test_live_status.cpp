// live_status (src/container/status.cpp): which files it needs to look at.
// The "init" is this test process, found by its pid and start time.
#include <gtest/gtest.h>
#include <unistd.h>

#include "internal.hpp"
#include "rt/util/process.hpp"

namespace rt::container {
namespace {

state::ContainerState this_process_as_init(const std::string& init_name) {
    state::ContainerState state;
    state.id = "s";
    state.pid = ::getpid();
    state.start_time = read_proc_stat(::getpid())->start_time;
    state.init_name = init_name;
    return state;
}

Status status_with_fifo(const state::ContainerState& state, bool fifo, int& fifo_looks) {
    return live_status(
        state, [] { return false; },
        [&] {
            ++fifo_looks;
            return fifo;
        });
}

// An init whose name is no longer the one create recorded was renamed by
// the exec of the container's process: started, without a look at the fifo.
TEST(LiveStatus, AnInitRenamedByItsExecIsRunningWithoutALookAtTheFifo) {
    int looks = 0;
    EXPECT_EQ(status_with_fifo(this_process_as_init("rt:init"), true, looks), Status::running);
    EXPECT_EQ(looks, 0);
}

// Still under the recorded name: the fifo decides.
TEST(LiveStatus, AnInitStillUnderItsNameIsCreatedWhileTheFifoIsThere) {
    std::string own = read_proc_stat(::getpid())->comm;
    int looks = 0;
    EXPECT_EQ(status_with_fifo(this_process_as_init(own), true, looks), Status::created);
    EXPECT_EQ(status_with_fifo(this_process_as_init(own), false, looks), Status::running);
    EXPECT_EQ(looks, 2);
}

// A state an older rt wrote has no name: the fifo decides, as before.
TEST(LiveStatus, AStateWithoutTheInitsNameLooksAtTheFifo) {
    int looks = 0;
    EXPECT_EQ(status_with_fifo(this_process_as_init(""), true, looks), Status::created);
    EXPECT_EQ(looks, 1);
}

}  // namespace
}  // namespace rt::container
