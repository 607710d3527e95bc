"""Where the time that grows with the number of containers goes (scripts/bench
--profile).

At each number of running containers, each runtime does a few extra
rounds (run; create, start, wait, delete; exec) under a system-wide
`perf record` of its own, so the profile holds that runtime and the kernel's
work for it, the kernel's deferred work included (a deleted cgroup's
offlining, a namespace's teardown: kernel workers do it after the runtime
has returned, and it delays whatever comes next). These rounds are not among
the timed ones.

The summary gives, per round, the CPU time of three groups of processes
(the runtime with its container, the kernel's threads, the rest) and the
kernel functions whose time grew most from the fewest containers to the
most. CPU time, not wall time: on a machine with few CPUs a kernel worker's
time is taken from the runtime's, and a lock a worker holds is waited on.
"""

import collections
import os
import re
import select
import signal
import subprocess

# Kernel threads change their names with their work (kworker/1:2-events),
# so a name seen in the profile may not be running any more: both a pattern
# and the names of the kernel threads running when the profile began.
KERNEL_THREAD_NAMES = re.compile(r"^(kworker|ksoftirqd|rcu_|migration|kcompactd|kswapd|kdamond|khugepaged|jbd2)")
PF_KTHREAD = 0x00200000
# The bench's own processes: Python, its launcher, perf itself.
BENCH_PROCESSES = {"python3", "launch", "perf", "perf-exec"}


def kernel_threads():
    """The names of the kernel threads running now."""
    names = set()
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as f:
                stat = f.read()
        except OSError:
            continue
        name, rest = stat[stat.index("(") + 1:stat.rindex(")")], stat[stat.rindex(")") + 2:].split()
        if int(rest[6]) & PF_KTHREAD:  # the 9th field, flags
            names.add(name)
    return names


def group_of(comm, kthreads):
    if comm == "swapper":
        return "idle"
    if comm in kthreads or KERNEL_THREAD_NAMES.match(comm):
        return "kernel threads"
    if comm in BENCH_PROCESSES or comm.startswith("python"):
        return "bench"
    return "runtime + container"


class Recorder:
    """One `perf record -a -g` at a time, into workdir/perf-NAME-COUNT.data."""

    def __init__(self, workdir):
        self.workdir = workdir
        self.files = {}  # (runtime, count) -> (perf.data path, kernel thread names)

    def record(self, name, count, work):
        """Runs work() with perf sampling every CPU: perf starts with its
        events off and turns them on when told, once it has read every
        running process (thousands, with 1,000 containers each)."""
        path = os.path.join(self.workdir, f"perf-{name}-{count}.data")
        log = os.path.join(self.workdir, f"perf-{name}-{count}.log")
        control, ack = os.path.join(self.workdir, "perf-control"), os.path.join(self.workdir, "perf-ack")
        for fifo in (control, ack):
            if not os.path.exists(fifo):
                os.mkfifo(fifo, 0o600)
        with open(log, "w") as err:
            perf = subprocess.Popen(["perf", "record", "-q", "-a", "-g", "-D", "-1", "--control",
                                     f"fifo:{control},{ack}", "-o", path],
                                    stdout=subprocess.DEVNULL, stderr=err)
        # Opened read-write, neither open waits for perf; the command waits
        # in the fifo until perf reads it.
        kthreads = kernel_threads()
        ctl = os.open(control, os.O_RDWR | os.O_CLOEXEC)
        acknowledged = os.open(ack, os.O_RDWR | os.O_CLOEXEC)
        try:
            os.write(ctl, b"enable\n")
            poller = select.poll()
            poller.register(acknowledged, select.POLLIN)
            ready = False
            for _ in range(120):
                ready = bool(poller.poll(1000))
                if ready or perf.poll() is not None:
                    break
            # perf answers "ack\n" with its string's NUL.
            if not ready or not os.read(acknowledged, 64).startswith(b"ack"):
                with open(log) as f:
                    raise RuntimeError(f"perf record did not start: {f.read().strip()}")
            work()
        finally:
            os.close(ctl)
            os.close(acknowledged)
            if perf.poll() is None:
                perf.send_signal(signal.SIGINT)
            perf.wait()
        self.files[(name, count)] = (path, kthreads)


def kernel_time_by_function(path, kthreads):
    """{(group, function): ns} for kernel functions, and {group: ns} in all,
    from a cpu-clock profile (each sample's period is in ns)."""
    out = subprocess.run(["perf", "report", "-i", path, "--no-children", "--sort", "comm,sym", "--stdio",
                          "-F", "period,comm,sym", "-g", "none"],
                         stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True).stdout
    functions, groups = collections.Counter(), collections.Counter()
    line = re.compile(r"^\s*(\d+)\s+(.+?)\s+\[([k.])\]\s+(\S+)")
    for text in out.splitlines():
        m = line.match(text)
        if not m:
            continue
        ns, comm, where, symbol = int(m.group(1)), m.group(2).strip(), m.group(3), m.group(4)
        group = group_of(comm, kthreads)
        groups[group] += ns
        if where == "k":
            functions[(group, symbol)] += ns
    return functions, groups


def summary(recorder, names, counts, rounds, top=12):
    """Markdown: per runtime, CPU ms per round by group at each count, and the
    kernel functions that grew most between the first and the last count."""
    lines = [f"Profile: CPU time per round (run; create, start, delete; exec), "
             f"{rounds} rounds under `perf record -a -g` at each number of containers."]
    lo, hi = counts[0], counts[-1]
    for name in names:
        profiles = {n: kernel_time_by_function(*recorder.files[(name, n)]) for n in counts}
        per_round = lambda ns: f"{ns / 1e6 / rounds:.2f}"
        lines += ["", f"**{name}**", "",
                  "| | " + " | ".join(f"{n} containers" for n in counts) + " |",
                  "|---|" + "---:|" * len(counts)]
        for group in ("runtime + container", "kernel threads"):
            lines.append(f"| {group}, all | " + " | ".join(per_round(profiles[n][1][group]) + " ms"
                                                           for n in counts) + " |")
        grown = collections.Counter()
        for key, ns in profiles[hi][0].items():
            if key[0] in ("runtime + container", "kernel threads"):
                grown[key] = ns - profiles[lo][0].get(key, 0)
        for (group, symbol), _ in grown.most_common(top):
            lines.append(f"| {group}: `{symbol}` | " +
                         " | ".join(per_round(profiles[n][0].get((group, symbol), 0)) + " ms" for n in counts) + " |")
    return "\n".join(lines)
