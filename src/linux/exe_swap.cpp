// Another file as the running rt's executable, without an execve.
//
// rt protects its binary from the container by running from a read-only copy
// of it (self_protect.cpp). Re-executing rt from that copy costs a whole
// execve and start-up, about 1.5 ms on a small VM: more than the security
// work may add to a container's start. Instead, the running rt makes the copy
// its executable in place.
//
// The kernel allows that (prctl PR_SET_MM_EXE_FILE with CAP_SYS_RESOURCE, or
// PR_SET_MM_MAP, the call CRIU restores processes with, with CAP_SYS_ADMIN or
// CAP_CHECKPOINT_RESTORE) only once no mapping of the old executable is
// left. So first every mapping the kernel's ELF loader made from rt's binary
// (one per loadable segment, which the program headers name) is made again
// without it:
// - a segment the ELF headers mark read-only (code, constants) is mapped
//   again from the copy: the copy is the same inode, so the bytes are the
//   very same pages of the page cache;
// - the writable segment holds rt's state (its data, and the relocated RELRO
//   part the C library has made read-only): it is copied into anonymous
//   memory, which mremap then moves onto it in one step, so that no
//   instruction ever sees it half made; RELRO is made read-only again.
// Done from the program headers rather than /proc/self/maps, which costs a
// tenth of a millisecond to read on a small VM: a layout other than the one
// assumed leaves a mapping of the old file, and the kernel then refuses.
// Each step leaves the process whole: if the kernel refuses the last one,
// rt runs on as before and the caller falls back to re-executing.
#include "exe_swap.hpp"

#include <elf.h>
#include <fcntl.h>
#include <sys/auxv.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <linux/prctl.h>

#include <algorithm>
#include <array>
#include <charconv>
#include <cstdint>
#include <cstring>
#include <string_view>

#include "rt/util/fd.hpp"

namespace rt::linux {
namespace {

constexpr size_t most_programs = 32;

// Reads a whole small file into `buffer` without allocating; the length, or
// -1.
ssize_t read_whole(const char* path, char* buffer, size_t size) {
    unique_fd fd(::open(path, O_RDONLY | O_CLOEXEC));
    if (!fd) return -1;
    size_t used = 0;
    for (;;) {
        ssize_t n = ::read(fd.get(), buffer + used, size - used);
        if (n < 0) return -1;
        if (n == 0) return static_cast<ssize_t>(used);
        used += static_cast<size_t>(n);
        if (used == size) return -1;  // larger than we can hold: give up
    }
}

template <typename Number>
bool take_number(std::string_view& text, Number& value, int base) {
    auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value, base);
    if (error != std::errc()) return false;
    text.remove_prefix(static_cast<size_t>(end - text.data()));
    return true;
}

// The ELF program headers of `fd` and the distance between the addresses
// they name and where the kernel put them (zero for a fixed-address binary).
bool program_headers(int fd, std::array<Elf64_Phdr, most_programs>& programs, size_t& count, uintptr_t& bias) {
    Elf64_Ehdr header{};
    if (::pread(fd, &header, sizeof header, 0) != static_cast<ssize_t>(sizeof header) ||
        std::memcmp(header.e_ident, ELFMAG, SELFMAG) != 0 || header.e_ident[EI_CLASS] != ELFCLASS64 ||
        header.e_phentsize != sizeof(Elf64_Phdr) || header.e_phnum == 0 || header.e_phnum > programs.size()) {
        return false;
    }
    size_t bytes = header.e_phnum * sizeof(Elf64_Phdr);
    if (::pread(fd, programs.data(), bytes, static_cast<off_t>(header.e_phoff)) != static_cast<ssize_t>(bytes)) {
        return false;
    }
    count = header.e_phnum;
    bias = ::getauxval(AT_ENTRY) - header.e_entry;
    return true;
}

// Copied word by word, never through memcpy: under AddressSanitizer the
// globals between its redzones would count as overflows.
__attribute__((no_sanitize("address", "undefined"))) void copy_words(uintptr_t to, uintptr_t from, size_t length) {
    auto* out = reinterpret_cast<volatile uint64_t*>(to);
    auto* in = reinterpret_cast<const volatile uint64_t*>(from);
    for (size_t i = 0; i < length / sizeof(uint64_t); ++i) out[i] = in[i];
}

uintptr_t page_down(uintptr_t address) {
    return address & ~(static_cast<uintptr_t>(::getpagesize()) - 1);
}

uintptr_t page_up(uintptr_t address) {
    return page_down(address + static_cast<uintptr_t>(::getpagesize()) - 1);
}

int protection_of(const Elf64_Phdr& segment) {
    return ((segment.p_flags & PF_R) ? PROT_READ : 0) | ((segment.p_flags & PF_W) ? PROT_WRITE : 0) |
           ((segment.p_flags & PF_X) ? PROT_EXEC : 0);
}

// [start, end): the part of memory the loader mapped from the file.
struct Range {
    uintptr_t start = 0;
    uintptr_t end = 0;
};

Range file_part(const Elf64_Phdr& segment, uintptr_t bias) {
    return {page_down(segment.p_vaddr + bias), page_up(segment.p_vaddr + bias + segment.p_filesz)};
}

// The read-only segment again, from `copy`: the same inode, so the same
// pages. MAP_POPULATE maps them all at once: cheaper, on a small VM, than
// the page faults rt would otherwise take again on its code.
bool map_again(const Elf64_Phdr& segment, uintptr_t bias, int copy, bool populate_code) {
    Range r = file_part(segment, bias);
    int populate = (populate_code && (segment.p_flags & PF_X)) ? MAP_POPULATE : 0;
    void* at = ::mmap(reinterpret_cast<void*>(r.start), r.end - r.start, protection_of(segment),
                      MAP_PRIVATE | MAP_FIXED | populate, copy, static_cast<off_t>(page_down(segment.p_offset)));
    return at == reinterpret_cast<void*>(r.start);
}

// The writable segment's bytes, moved into anonymous memory; `relro` (may
// be empty) read-only again, as the C library left it.
bool make_anonymous(const Elf64_Phdr& segment, uintptr_t bias, Range relro) {
    Range r = file_part(segment, bias);
    size_t length = r.end - r.start;
    void* fresh =
        ::mmap(nullptr, length, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
    if (fresh == MAP_FAILED) return false;
    copy_words(reinterpret_cast<uintptr_t>(fresh), r.start, length);
    if (::mremap(fresh, length, length, MREMAP_MAYMOVE | MREMAP_FIXED, reinterpret_cast<void*>(r.start)) ==
        MAP_FAILED) {
        ::munmap(fresh, length);
        return false;
    }
    uintptr_t from = std::max(relro.start, r.start);
    uintptr_t to = std::min(relro.end, r.end);
    return from >= to || ::mprotect(reinterpret_cast<void*>(from), to - from, PROT_READ) == 0;
}

// The values PR_SET_MM_MAP must be given (the kernel checks and sets every
// one): the process's own, from /proc/self/stat, fields 26-28 and 45-51.
bool current_layout(prctl_mm_map& map) {
    char text[4096];
    ssize_t length = read_whole("/proc/self/stat", text, sizeof text);
    if (length < 0) return false;
    std::string_view rest(text, static_cast<size_t>(length));
    size_t paren = rest.rfind(')');  // the command name may hold spaces
    if (paren == std::string_view::npos) return false;
    rest.remove_prefix(paren + 2);
    uint64_t field[52] = {};
    for (int number = 3; number <= 51 && !rest.empty(); ++number) {
        size_t space = rest.find(' ');
        std::string_view token = rest.substr(0, space);
        rest.remove_prefix(space == std::string_view::npos ? rest.size() : space + 1);
        // Field 3 is the state letter, and a few (priority, nice) may be
        // negative: none of them is one we need.
        if (number == 3 || token.empty() || token.front() == '-') continue;
        if (!take_number(token, field[number], 10) || !token.empty()) return false;
    }
    std::memset(&map, 0, sizeof map);
    map.start_code = field[26];
    map.end_code = field[27];
    map.start_stack = field[28];
    map.start_data = field[45];
    map.end_data = field[46];
    map.start_brk = field[47];
    map.arg_start = field[48];
    map.arg_end = field[49];
    map.env_start = field[50];
    map.env_end = field[51];
    map.brk = static_cast<uint64_t>(::syscall(SYS_brk, 0));
    return map.start_code != 0 && map.end_code > map.start_code;
}

}  // namespace

bool take_exe_from(int copy, bool populate_code) {
    std::array<Elf64_Phdr, most_programs> programs;
    size_t count = 0;
    uintptr_t bias = 0;
    if (!program_headers(copy, programs, count, bias)) return false;
    // The range the C library made read-only, rounded as it rounds it.
    Range relro;
    for (size_t i = 0; i < count; ++i) {
        const Elf64_Phdr& p = programs[i];
        if (p.p_type == PT_GNU_RELRO) relro = {page_down(p.p_vaddr + bias), page_down(p.p_vaddr + bias + p.p_memsz)};
    }
    for (size_t i = 0; i < count; ++i) {
        const Elf64_Phdr& p = programs[i];
        if (p.p_type != PT_LOAD || p.p_filesz == 0) continue;
        bool done = (p.p_flags & PF_W) ? make_anonymous(p, bias, relro) : map_again(p, bias, copy, populate_code);
        if (!done) return false;
    }
    if (::prctl(PR_SET_MM, PR_SET_MM_EXE_FILE, copy, 0, 0) == 0) return true;
    prctl_mm_map layout{};
    if (!current_layout(layout)) return false;
    layout.exe_fd = static_cast<uint32_t>(copy);
    return ::prctl(PR_SET_MM, PR_SET_MM_MAP, &layout, sizeof layout, 0) == 0;
}

}  // namespace rt::linux
