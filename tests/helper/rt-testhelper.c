/* rt-testhelper: a small static multi-call binary copied into test rootfs
 * (scripts/mkrootfs --with-helper) so that integration tests need no image.
 *
 *   rt-testhelper SUBCOMMAND [ARGS...]
 *
 * Each subcommand prints plain, line-oriented output to stdout and exits 0;
 * on failure it prints "rt-testhelper: ..." to stderr and exits 1 (2 for a
 * usage error). `open`, `write`, `mknod-check` and `syscall` report the
 * outcome of the operation itself on stdout ("ok" or an errno name such as
 * "EACCES") and exit 0 either way, so tests can assert the errno.
 * With no arguments it lists the subcommands.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/seccomp.h>
#include <poll.h>
#include <sys/ioctl.h>
#include <sys/personality.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysinfo.h>
#include <sys/sysmacros.h>
#include <sys/un.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static int fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static int fail(const char *fmt, ...)
{
	va_list ap;
	fputs("rt-testhelper: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return 1;
}

/* "EACCES" for EACCES; never NULL. */
static const char *errname(int err)
{
	static char buf[32];
	const char *name = strerrorname_np(err);
	if (name)
		return name;
	snprintf(buf, sizeof buf, "errno%d", err);
	return buf;
}

/* Prints "ok" when rc >= 0, else the errno name; the operation's outcome is
 * the output, so the helper itself succeeds. */
static int report(long rc)
{
	puts(rc >= 0 ? "ok" : errname(errno));
	return 0;
}

static int parse_long(const char *s, long *out)
{
	char *end;
	errno = 0;
	long v = strtol(s, &end, 0);
	if (errno || end == s || *end)
		return fail("not a number: %s", s);
	*out = v;
	return 0;
}

/* "TERM", "SIGTERM" or "15" -> 15; 0 if unknown. */
static int parse_signal(const char *s)
{
	long n;
	char *end;
	if (strncmp(s, "SIG", 3) == 0)
		s += 3;
	n = strtol(s, &end, 10);
	if (end != s && *end == '\0')
		return n > 0 && n < NSIG ? (int)n : 0;
	for (int sig = 1; sig < NSIG; sig++) {
		const char *abbrev = sigabbrev_np(sig);
		if (abbrev && strcmp(abbrev, s) == 0)
			return sig;
	}
	return 0;
}

static void print_signal(int sig)
{
	const char *abbrev = sigabbrev_np(sig);
	if (abbrev)
		printf("SIG%s\n", abbrev);
	else
		printf("%d\n", sig);
}

static int cmd_cwd(char **argv)
{
	char buf[PATH_MAX];
	(void)argv;
	if (!getcwd(buf, sizeof buf))
		return fail("getcwd: %s", strerror(errno));
	puts(buf);
	return 0;
}

static int cmd_isatty(char **argv)
{
	long fd;
	if (parse_long(argv[0], &fd))
		return 2;
	puts(isatty((int)fd) ? "1" : "0");
	return 0;
}

static int cmd_fds(char **argv)
{
	(void)argv;
	DIR *d = opendir("/proc/self/fd");
	if (!d)
		return fail("/proc/self/fd: %s", strerror(errno));
	int self = dirfd(d);
	struct dirent *e;
	while ((e = readdir(d))) {
		if (e->d_name[0] == '.' || atoi(e->d_name) == self)
			continue;
		puts(e->d_name);
	}
	closedir(d);
	return 0;
}

static int cmd_ids(char **argv)
{
	gid_t groups[NGROUPS_MAX];
	(void)argv;
	int n = getgroups(NGROUPS_MAX, groups);
	if (n < 0)
		return fail("getgroups: %s", strerror(errno));
	printf("uid=%u gid=%u euid=%u egid=%u groups=", getuid(), getgid(), geteuid(), getegid());
	for (int i = 0; i < n; i++)
		printf("%s%u", i ? "," : "", groups[i]);
	putchar('\n');
	return 0;
}

/* Prints the first line of FILE that starts with "KEY:", value only. */
static int print_field(const char *file, const char *key)
{
	char line[4096];
	size_t klen = strlen(key);
	FILE *f = fopen(file, "re");
	if (!f)
		return fail("%s: %s", file, strerror(errno));
	while (fgets(line, sizeof line, f)) {
		if (strncmp(line, key, klen) == 0 && line[klen] == ':') {
			fputs(line + klen + 1 + strspn(line + klen + 1, " \t"), stdout);
			fclose(f);
			return 0;
		}
	}
	fclose(f);
	return fail("%s: no field %s", file, key);
}

static int cmd_status(char **argv) { return print_field("/proc/self/status", argv[0]); }

static const struct { const char *name; int resource; } rlimits[] = {
	{ "CPU", RLIMIT_CPU },         { "FSIZE", RLIMIT_FSIZE },     { "DATA", RLIMIT_DATA },
	{ "STACK", RLIMIT_STACK },     { "CORE", RLIMIT_CORE },       { "RSS", RLIMIT_RSS },
	{ "NPROC", RLIMIT_NPROC },     { "NOFILE", RLIMIT_NOFILE },   { "MEMLOCK", RLIMIT_MEMLOCK },
	{ "AS", RLIMIT_AS },           { "LOCKS", RLIMIT_LOCKS },     { "SIGPENDING", RLIMIT_SIGPENDING },
	{ "MSGQUEUE", RLIMIT_MSGQUEUE }, { "NICE", RLIMIT_NICE },     { "RTPRIO", RLIMIT_RTPRIO },
	{ "RTTIME", RLIMIT_RTTIME },
};

static void print_rlim(rlim_t v, char sep)
{
	if (v == RLIM_INFINITY)
		fputs("unlimited", stdout);
	else
		printf("%llu", (unsigned long long)v);
	putchar(sep);
}

static int cmd_limit(char **argv)
{
	const char *name = argv[0];
	if (strncmp(name, "RLIMIT_", 7) == 0)
		name += 7;
	for (size_t i = 0; i < sizeof rlimits / sizeof rlimits[0]; i++) {
		if (strcmp(rlimits[i].name, name) != 0)
			continue;
		struct rlimit rl;
		if (getrlimit(rlimits[i].resource, &rl) < 0)
			return fail("getrlimit %s: %s", argv[0], strerror(errno));
		print_rlim(rl.rlim_cur, ' ');
		print_rlim(rl.rlim_max, '\n');
		return 0;
	}
	return fail("unknown limit: %s", argv[0]);
}

static int cmd_umask(char **argv)
{
	(void)argv;
	mode_t m = umask(0);
	umask(m);
	printf("%04o\n", (unsigned)m);
	return 0;
}

static int cmd_env(char **argv)
{
	const char *v = getenv(argv[0]);
	if (!v)
		return fail("%s is not set", argv[0]);
	puts(v);
	return 0;
}

static int open_mode(const char *mode)
{
	if (strcmp(mode, "r") == 0)
		return O_RDONLY;
	if (strcmp(mode, "w") == 0)
		return O_WRONLY;
	if (strcmp(mode, "rw") == 0)
		return O_RDWR;
	return -1;
}

static int cmd_open(char **argv)
{
	int flags = open_mode(argv[1]);
	if (flags < 0)
		return fail("mode must be r, w or rw: %s", argv[1]), 2;
	int fd = open(argv[0], flags | O_CLOEXEC);
	if (fd >= 0)
		close(fd);
	return report(fd);
}

static int cmd_write(char **argv)
{
	int fd = open(argv[0], O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0)
		return report(-1);
	size_t len = strlen(argv[1]);
	ssize_t n = write(fd, argv[1], len);
	int err = errno;
	if (close(fd) < 0 && n >= 0) {
		n = -1;
		err = errno;
	}
	if (n >= 0 && (size_t)n != len) {
		n = -1;
		err = EIO;
	}
	errno = err;
	return report(n);
}

/* "c 1:3 mode 0666"; type is one of c b p s d l -. */
static int cmd_mknod_check(char **argv)
{
	struct stat st;
	if (stat(argv[0], &st) < 0)
		return report(-1);
	char type = S_ISCHR(st.st_mode) ? 'c' : S_ISBLK(st.st_mode) ? 'b' : S_ISFIFO(st.st_mode) ? 'p'
		  : S_ISSOCK(st.st_mode) ? 's' : S_ISDIR(st.st_mode) ? 'd' : S_ISLNK(st.st_mode) ? 'l' : '-';
	printf("%c %u:%u mode %04o\n", type, major(st.st_rdev), minor(st.st_rdev),
	       (unsigned)(st.st_mode & 07777));
	return 0;
}

/* Harmless syscalls by name, made with syscall(2) so no libc caching or
 * fallback hides what seccomp or the kernel says. */
static int cmd_syscall(char **argv)
{
	const char *name = argv[0], *arg = argv[1];
	char buf[PATH_MAX];
	struct utsname uts;
	if (strcmp(name, "getpid") == 0)
		return report(syscall(SYS_getpid));
	if (strcmp(name, "getcwd") == 0)
		return report(syscall(SYS_getcwd, buf, sizeof buf));
	if (strcmp(name, "uname") == 0)
		return report(syscall(SYS_uname, &uts));
	if (strcmp(name, "chdir") == 0)
		return report(syscall(SYS_chdir, arg ? arg : "/"));
	if (strcmp(name, "mkdir") == 0) {
		if (!arg)
			return fail("usage: syscall mkdir PATH"), 2;
		return report(syscall(SYS_mkdirat, AT_FDCWD, arg, 0755));
	}
	if (strcmp(name, "unshare-user") == 0)
		return report(syscall(SYS_unshare, CLONE_NEWUSER));
	if (strcmp(name, "personality") == 0)   /* query only: 0xffffffff changes nothing */
		return report(syscall(SYS_personality, 0xffffffffUL));
	if (strcmp(name, "clone-newuser") == 0) {   /* clone(CLONE_NEWUSER): a child that exits at once */
		long pid = syscall(SYS_clone, (unsigned long)(CLONE_NEWUSER | SIGCHLD), 0UL, 0UL, 0UL, 0UL);
		if (pid == 0)
			_exit(0);
		if (pid > 0)
			waitpid((pid_t)pid, NULL, 0);
		return report(pid);
	}
	return fail("unknown syscall: %s (getpid getcwd uname chdir [PATH] mkdir PATH unshare-user personality"
		    " clone-newuser)", name), 2;
}

/* syscall(N) with zero arguments, for each N: what seccomp answers for
 * numbers a profile does not name ("ENOSYS", "EPERM"; "ok" if it ran). */
static int cmd_syscall_nr(char **argv)
{
	for (; *argv; argv++) {
		long nr;
		if (parse_long(*argv, &nr) != 0 || nr < 0)
			return fail("bad system call number: %s", *argv), 2;
		long rc = syscall(nr, 0L, 0L, 0L, 0L, 0L, 0L);
		printf("%s%s", rc >= 0 ? "ok" : errname(errno), argv[1] ? " " : "\n");
	}
	return 0;
}

static int cmd_sleep(char **argv)
{
	char *end;
	double s = strtod(argv[0], &end);
	if (end == argv[0] || *end || s < 0)
		return fail("not a duration in seconds: %s", argv[0]), 2;
	struct timespec ts = { (time_t)s, (long)((s - (double)(time_t)s) * 1e9) };
	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
	return 0;
}

/* Blocks SIGTERM, SIGINT, SIGHUP, SIGUSR1 and SIGUSR2, which the caller then
 * takes with sigwaitinfo: that works as PID 1 of a container too (init
 * ignores signals with default handlers). */
static void block_waited_signals(sigset_t *set)
{
	sigemptyset(set);
	sigaddset(set, SIGTERM);
	sigaddset(set, SIGINT);
	sigaddset(set, SIGHUP);
	sigaddset(set, SIGUSR1);
	sigaddset(set, SIGUSR2);
	sigprocmask(SIG_BLOCK, set, NULL);
}

/* Waits for SIGTERM, SIGINT, SIGHUP, SIGUSR1 or SIGUSR2, prints its name and
 * exits 0. */
static int cmd_pause(char **argv)
{
	sigset_t set;
	(void)argv;
	block_waited_signals(&set);
	int sig;
	while ((sig = sigwaitinfo(&set, NULL)) < 0 && errno == EINTR)
		;
	if (sig < 0)
		return fail("sigwaitinfo: %s", strerror(errno));
	print_signal(sig);
	return 0;
}

/* Allocates and touches MB megabytes, one line per megabyte ("1 MB", ...),
 * then prints "done". Under a memory limit the last line shows how far it got. */
static int cmd_eat_memory(char **argv)
{
	long mb;
	if (parse_long(argv[0], &mb) || mb < 0)
		return 2;
	for (long i = 1; i <= mb; i++) {
		char *p = malloc(1 << 20);
		if (!p)
			return fail("malloc failed after %ld MB", i - 1);
		memset(p, 0x5a, 1 << 20);
		printf("%ld MB\n", i);
	}
	puts("done");
	return 0;
}

/* Forks N children that wait to be killed; prints how many forks succeeded
 * (and the errno name of the first failure to stderr), then kills and reaps
 * them. */
static int cmd_fork(char **argv)
{
	long n, ok = 0;
	if (parse_long(argv[0], &n) || n < 0)
		return 2;
	pid_t *pids = calloc((size_t)n + 1, sizeof *pids);
	if (!pids)
		return fail("out of memory");
	for (long i = 0; i < n; i++) {
		pid_t pid = fork();
		if (pid < 0) {
			fprintf(stderr, "rt-testhelper: fork %ld: %s\n", i + 1, errname(errno));
			break;
		}
		if (pid == 0) {
			for (;;)
				pause();
		}
		pids[ok++] = pid;
	}
	printf("%ld\n", ok);
	for (long i = 0; i < ok; i++)
		kill(pids[i], SIGKILL);
	for (long i = 0; i < ok; i++)
		waitpid(pids[i], NULL, 0);
	free(pids);
	return 0;
}

static int cmd_sched(char **argv)
{
	static const char *names[] = { "SCHED_OTHER", "SCHED_FIFO", "SCHED_RR", "SCHED_BATCH",
				       "SCHED_ISO", "SCHED_IDLE", "SCHED_DEADLINE" };
	struct sched_param sp;
	(void)argv;
	int policy = sched_getscheduler(0);
	if (policy < 0 || sched_getparam(0, &sp) < 0)
		return fail("sched_getscheduler: %s", strerror(errno));
	int reset = policy & SCHED_RESET_ON_FORK;
	policy &= ~SCHED_RESET_ON_FORK;
	if (policy >= 0 && policy < (int)(sizeof names / sizeof names[0]))
		printf("%s %d%s\n", names[policy], sp.sched_priority, reset ? " reset-on-fork" : "");
	else
		printf("%d %d%s\n", policy, sp.sched_priority, reset ? " reset-on-fork" : "");
	return 0;
}

static int cmd_nice(char **argv)
{
	(void)argv;
	errno = 0;
	int prio = getpriority(PRIO_PROCESS, 0);
	if (prio == -1 && errno)
		return fail("getpriority: %s", strerror(errno));
	printf("%d\n", prio);
	return 0;
}

static int cmd_oom_score_adj(char **argv)
{
	char buf[32];
	(void)argv;
	FILE *f = fopen("/proc/self/oom_score_adj", "re");
	if (!f || !fgets(buf, sizeof buf, f))
		return fail("/proc/self/oom_score_adj: %s", strerror(errno));
	fclose(f);
	fputs(buf, stdout);
	return 0;
}

/* "IOPRIO_CLASS_BE 4" (or "IOPRIO_CLASS_NONE 0" when never set). */
static int cmd_ioprio(char **argv)
{
	static const char *classes[] = { "IOPRIO_CLASS_NONE", "IOPRIO_CLASS_RT", "IOPRIO_CLASS_BE",
					 "IOPRIO_CLASS_IDLE" };
	(void)argv;
	long v = syscall(SYS_ioprio_get, 1 /* IOPRIO_WHO_PROCESS */, 0);
	if (v < 0)
		return fail("ioprio_get: %s", strerror(errno));
	long cls = v >> 13, prio = v & 0x1fff;
	if (cls >= 0 && cls < 4)
		printf("%s %ld\n", classes[cls], prio);
	else
		printf("%ld %ld\n", cls, prio);
	return 0;
}

/* The NUMA policy of the process: "MPOL_BIND nodes=0" (mode name, flags, the
 * node mask as a list). */
static int cmd_mempolicy(char **argv)
{
	static const char *modes[] = { "MPOL_DEFAULT", "MPOL_PREFERRED", "MPOL_BIND", "MPOL_INTERLEAVE",
				       "MPOL_LOCAL", "MPOL_PREFERRED_MANY", "MPOL_WEIGHTED_INTERLEAVE" };
	unsigned long mask[16] = { 0 };
	int mode = 0;
	(void)argv;
	if (syscall(SYS_get_mempolicy, &mode, mask, sizeof mask * 8, NULL, 0UL) < 0)
		return fail("get_mempolicy: %s", strerror(errno));
	int flags = mode & ~0xff;
	mode &= 0xff;
	if (mode < (int)(sizeof modes / sizeof modes[0]))
		fputs(modes[mode], stdout);
	else
		printf("%d", mode);
	if (flags & (1 << 15))
		fputs("|MPOL_F_STATIC_NODES", stdout);
	if (flags & (1 << 14))
		fputs("|MPOL_F_RELATIVE_NODES", stdout);
	if (flags & (1 << 13))
		fputs("|MPOL_F_NUMA_BALANCING", stdout);
	fputs(" nodes=", stdout);
	int first = 1;
	for (unsigned i = 0; i < sizeof mask * 8; i++) {
		if (mask[i / (8 * sizeof mask[0])] & (1UL << (i % (8 * sizeof mask[0])))) {
			printf("%s%u", first ? "" : ",", i);
			first = 0;
		}
	}
	putchar('\n');
	return 0;
}

/* A seccomp agent for SCMP_ACT_NOTIFY tests, run on the host: listens on
 * SOCKET, prints "listening", takes one connection, prints the container
 * process state it gets (one line) and whether an fd came with it, then
 * answers every notified system call with ERRNO (0: success, returning 0)
 * and prints "notified N" (the call's number) for each, until the filter's
 * last process is gone. */
static int cmd_seccomp_agent(char **argv)
{
	long answer;
	if (parse_long(argv[1], &answer) || answer < 0)
		return 2;
	int lfd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	if (strlen(argv[0]) >= sizeof sa.sun_path)
		return fail("socket path too long: %s", argv[0]);
	strcpy(sa.sun_path, argv[0]);
	unlink(argv[0]);
	if (lfd < 0 || bind(lfd, (struct sockaddr *)&sa, sizeof sa) < 0 || listen(lfd, 1) < 0)
		return fail("listen on %s: %s", argv[0], strerror(errno));
	puts("listening");
	int conn = accept4(lfd, NULL, NULL, SOCK_CLOEXEC);
	if (conn < 0)
		return fail("accept: %s", strerror(errno));
	static char text[65536];
	size_t len = 0;
	int notify_fd = -1;
	for (;;) {
		char control[CMSG_SPACE(sizeof(int))];
		struct iovec iov = { text + len, sizeof text - 1 - len };
		struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1,
				      .msg_control = control, .msg_controllen = sizeof control };
		ssize_t n = recvmsg(conn, &msg, MSG_CMSG_CLOEXEC);
		if (n < 0)
			return fail("recvmsg: %s", strerror(errno));
		struct cmsghdr *c = CMSG_FIRSTHDR(&msg);
		if (c && c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS)
			memcpy(&notify_fd, CMSG_DATA(c), sizeof notify_fd);
		if (n == 0)
			break;
		len += (size_t)n;
	}
	text[len] = '\0';
	close(conn);
	close(lfd);
	unlink(argv[0]);
	printf("%s\n", text);
	if (notify_fd < 0)
		return fail("no fd came with the state");
	puts("fd received");
	for (;;) {
		struct pollfd p = { .fd = notify_fd, .events = POLLIN };
		if (poll(&p, 1, -1) < 0) {
			if (errno == EINTR)
				continue;
			return fail("poll: %s", strerror(errno));
		}
		if (!(p.revents & POLLIN))
			break;  /* POLLHUP: no process uses the filter any more */
		struct seccomp_notif req;
		memset(&req, 0, sizeof req);
		if (ioctl(notify_fd, SECCOMP_IOCTL_NOTIF_RECV, &req) < 0) {
			if (errno == EINTR || errno == ENOENT)
				continue;
			return fail("SECCOMP_IOCTL_NOTIF_RECV: %s", strerror(errno));
		}
		struct seccomp_notif_resp resp = { .id = req.id, .val = 0, .error = answer ? -(int)answer : 0 };
		printf("notified %d\n", req.data.nr);
		if (ioctl(notify_fd, SECCOMP_IOCTL_NOTIF_SEND, &resp) < 0 && errno != ENOENT)
			return fail("SECCOMP_IOCTL_NOTIF_SEND: %s", strerror(errno));
	}
	puts("done");
	return 0;
}

/* sysinfo(2) as the process gets it: "totalram=BYTES freeram=BYTES
 * sharedram=BYTES procs=N uptime=SECONDS", or the errno name. */
static void print_sysinfo(void)
{
	struct sysinfo si;
	if (sysinfo(&si) < 0) {
		printf("sysinfo %s\n", errname(errno));
		return;
	}
	unsigned long long unit = si.mem_unit ? si.mem_unit : 1;
	printf("totalram=%llu freeram=%llu sharedram=%llu procs=%u uptime=%ld\n", si.totalram * unit,
	       si.freeram * unit, si.sharedram * unit, (unsigned)si.procs, si.uptime);
}

static int cmd_sysinfo(char **argv)
{
	(void)argv;
	print_sysinfo();
	return 0;
}

/* Prints sysinfo, then again on every SIGUSR1, until TERM, INT, HUP or USR2. */
static int cmd_sysinfo_on_usr1(char **argv)
{
	sigset_t set;
	(void)argv;
	block_waited_signals(&set);
	print_sysinfo();
	for (;;) {
		int sig = sigwaitinfo(&set, NULL);
		if (sig < 0 && errno == EINTR)
			continue;
		if (sig != SIGUSR1)
			return 0;
		print_sysinfo();
	}
}

/* N sysinfo calls: "ns_per_call=X" (scripts/bench-annotations). */
static int cmd_sysinfo_bench(char **argv)
{
	long n;
	struct sysinfo si;
	struct timespec a, b;
	if (parse_long(argv[0], &n) || n <= 0)
		return 2;
	clock_gettime(CLOCK_MONOTONIC, &a);
	for (long i = 0; i < n; i++) {
		if (sysinfo(&si) < 0)
			return fail("sysinfo: %s", strerror(errno));
	}
	clock_gettime(CLOCK_MONOTONIC, &b);
	double ns = (double)(b.tv_sec - a.tv_sec) * 1e9 + (double)(b.tv_nsec - a.tv_nsec);
	printf("ns_per_call=%.0f\n", ns / (double)n);
	return 0;
}

/* Leaves an orphan that exits (a grandchild, gone once its parent is gone:
 * reparented to PID 1, which must reap it), prints "orphaned", then waits
 * as `pause` does, reaping nothing. */
static int cmd_orphan(char **argv)
{
	pid_t child = fork();
	if (child < 0)
		return fail("fork: %s", strerror(errno));
	if (child == 0) {
		pid_t parent = getpid();
		pid_t grandchild = fork();
		if (grandchild == 0) {
			while (getppid() == parent)
				usleep(1000);
			_exit(0);
		}
		_exit(grandchild < 0 ? 1 : 0);
	}
	waitpid(child, NULL, 0);
	puts("orphaned");
	return cmd_pause(argv);
}

/* "isatty=1 pgrp=N foreground=N": whether stdin is a terminal, the process
 * group, and the terminal's foreground group (-1 without one). */
static int cmd_tty(char **argv)
{
	(void)argv;
	printf("isatty=%d pgrp=%d foreground=%d\n", isatty(0), (int)getpgrp(), (int)tcgetpgrp(0));
	return 0;
}

static int cmd_hostname(char **argv)
{
	char buf[HOST_NAME_MAX + 1];
	(void)argv;
	if (gethostname(buf, sizeof buf) < 0)
		return fail("gethostname: %s", strerror(errno));
	puts(buf);
	return 0;
}

static int cmd_pid(char **argv) { (void)argv; printf("%d\n", (int)getpid()); return 0; }
static int cmd_ppid(char **argv) { (void)argv; printf("%d\n", (int)getppid()); return 0; }

/* The classic way out of a chroot (needs CAP_SYS_CHROOT): chroot into a
 * subdirectory of DIR while the cwd stays above it, climb "..", chroot
 * there; then say whether PATH is reachable. */
static int cmd_chroot_escape(char **argv)
{
	if (mkdir(argv[0], 0700) < 0 && errno != EEXIST)
		return fail("mkdir %s: %s", argv[0], strerror(errno));
	if (chdir("/") < 0 || chroot(argv[0]) < 0)
		return fail("chroot %s: %s", argv[0], strerror(errno));
	for (int i = 0; i < 64; i++)
		if (chdir("..") < 0)
			return fail("chdir ..: %s", strerror(errno));
	if (chroot(".") < 0)
		return fail("chroot .: %s", strerror(errno));
	printf("%s %s\n", access(argv[1], F_OK) == 0 ? "reached" : "not-reached", argv[1]);
	return 0;
}

static int cmd_exit(char **argv)
{
	long n;
	if (parse_long(argv[0], &n))
		return 2;
	fflush(stdout);
	_exit((int)n);
}

/* Raises SIG; if the process survives (PID 1 ignores signals without a
 * handler), says so and exits 1. */
static int cmd_signal_self(char **argv)
{
	int sig = parse_signal(argv[0]);
	if (!sig)
		return fail("unknown signal: %s", argv[0]), 2;
	fflush(stdout);
	signal(sig, SIG_DFL);
	kill(getpid(), sig);
	return fail("still alive after %s", argv[0]);
}

static const struct command {
	const char *name;
	int nargs;          /* required arguments */
	int maxargs;        /* allowed arguments */
	const char *args;
	int (*fn)(char **argv);
	const char *help;
} commands[] = {
	{ "cwd",           0, 0, "",            cmd_cwd,
	  "print the working directory" },
	{ "isatty",        1, 1, "FD",          cmd_isatty,
	  "print 1 if FD is a terminal, else 0" },
	{ "fds",           0, 0, "",            cmd_fds,
	  "list open fds, one a line" },
	{ "ids",           0, 0, "",            cmd_ids,
	  "uid=N gid=N euid=N egid=N groups=N,N" },
	{ "status",        1, 1, "KEY",         cmd_status,
	  "value of KEY in /proc/self/status (CapEff, NoNewPrivs, Seccomp...)" },
	{ "limit",         1, 1, "NAME",        cmd_limit,
	  "\"soft hard\" of an rlimit (NOFILE or RLIMIT_NOFILE)" },
	{ "umask",         0, 0, "",            cmd_umask,
	  "the umask in octal" },
	{ "env",           1, 1, "NAME",        cmd_env,
	  "value of an environment variable" },
	{ "open",          2, 2, "PATH r|w|rw", cmd_open,
	  "open PATH: ok or errno name" },
	{ "write",         2, 2, "PATH TEXT",   cmd_write,
	  "write TEXT to PATH: ok or errno name" },
	{ "mknod-check",   1, 1, "PATH",        cmd_mknod_check,
	  "stat PATH: \"c MAJ:MIN mode 0666\" or errno name" },
	{ "syscall",       1, 2, "NAME [ARG]",  cmd_syscall,
	  "getpid getcwd uname chdir [PATH] mkdir PATH unshare-user personality clone-newuser: ok or errno name" },
	{ "syscall-nr",    1, 8, "N...",        cmd_syscall_nr,
	  "syscall(N) with zero arguments for each N: ok or errno name, on one line" },
	{ "sleep",         1, 1, "SECONDS",     cmd_sleep,
	  "sleep (fractions allowed)" },
	{ "pause",         0, 0, "",            cmd_pause,
	  "wait for TERM INT HUP USR1 USR2, print its name (SIGTERM)" },
	{ "eat-memory",    1, 1, "MB",          cmd_eat_memory,
	  "allocate and touch MB megabytes, \"N MB\" per MB, then done" },
	{ "fork",          1, 1, "N",           cmd_fork,
	  "fork N sleeping children, print how many succeeded" },
	{ "sched",         0, 0, "",            cmd_sched,
	  "scheduling policy and priority (SCHED_OTHER 0)" },
	{ "nice",          0, 0, "",            cmd_nice,
	  "the nice value" },
	{ "oom-score-adj", 0, 0, "",            cmd_oom_score_adj,
	  "/proc/self/oom_score_adj" },
	{ "ioprio",        0, 0, "",            cmd_ioprio,
	  "I/O scheduling class and priority (IOPRIO_CLASS_BE 4)" },
	{ "mempolicy",     0, 0, "",            cmd_mempolicy,
	  "NUMA memory policy (MPOL_BIND nodes=0)" },
	{ "seccomp-agent", 2, 2, "SOCKET ERRNO", cmd_seccomp_agent,
	  "host side: take a seccomp notify fd on SOCKET, answer calls with ERRNO (0: success)" },
	{ "sysinfo",       0, 0, "",            cmd_sysinfo,
	  "sysinfo(2): totalram=BYTES freeram=BYTES sharedram=BYTES procs=N uptime=S" },
	{ "sysinfo-on-usr1", 0, 0, "",          cmd_sysinfo_on_usr1,
	  "print sysinfo, again on each SIGUSR1, until TERM INT HUP USR2" },
	{ "sysinfo-bench", 1, 1, "N",           cmd_sysinfo_bench,
	  "N sysinfo calls: ns_per_call=X" },
	{ "orphan",        0, 0, "",            cmd_orphan,
	  "leave an orphan that exits, print orphaned, then pause (reaping nothing)" },
	{ "tty",           0, 0, "",            cmd_tty,
	  "isatty=0|1 pgrp=N foreground=N (tcgetpgrp of stdin)" },
	{ "hostname",      0, 0, "",            cmd_hostname,
	  "the hostname" },
	{ "pid",           0, 0, "",            cmd_pid,
	  "getpid()" },
	{ "ppid",          0, 0, "",            cmd_ppid,
	  "getppid()" },
	{ "chroot-escape", 2, 2, "DIR PATH",    cmd_chroot_escape,
	  "mkdir DIR, chroot into it keeping the cwd, climb \"..\", chroot: reached|not-reached PATH" },
	{ "exit",          1, 1, "N",           cmd_exit,
	  "exit with status N" },
	{ "signal-self",   1, 1, "SIG",         cmd_signal_self,
	  "raise SIG (TERM, SIGKILL or 9)" },
};

#define NCOMMANDS (sizeof commands / sizeof commands[0])

static void usage(FILE *f)
{
	fputs("usage: rt-testhelper SUBCOMMAND [ARGS...]\n", f);
	for (size_t i = 0; i < NCOMMANDS; i++)
		fprintf(f, "  %-13s %-17s %s\n", commands[i].name, commands[i].args, commands[i].help);
}

int main(int argc, char **argv)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc < 2) {
		usage(stdout);
		return 0;
	}
	for (size_t i = 0; i < NCOMMANDS; i++) {
		const struct command *c = &commands[i];
		if (strcmp(argv[1], c->name) != 0)
			continue;
		int n = argc - 2;
		if (n < c->nargs || n > c->maxargs) {
			fprintf(stderr, "usage: rt-testhelper %s%s%s\n", c->name, *c->args ? " " : "", c->args);
			return 2;
		}
		char *args[10] = { NULL };
		for (int j = 0; j < n; j++)
			args[j] = argv[2 + j];
		return c->fn(args);
	}
	fprintf(stderr, "rt-testhelper: unknown subcommand: %s\n", argv[1]);
	usage(stderr);
	return 2;
}
