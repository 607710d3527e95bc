/* rt-init: PID 1 of a container created with the annotation rt.init: "true".
 *
 *   rt-init PATH ARG0 [ARGS...]      (rt runs it; nobody else needs to)
 *
 * It starts PATH with ARG0... as its child, reaps every process that ends up
 * its child (the orphans of the pid namespace), passes every signal it gets
 * on to that child, and exits with the child's status: its exit code, or
 * 128+N when signal N killed it. What `docker run --init` gets from tini:
 *   - the child runs in a process group of its own, made the terminal's
 *     foreground group when stdin is the container's controlling terminal,
 *     so that ^C, ^Z and window changes (SIGINT, SIGTSTP, SIGWINCH) reach it
 *     from the terminal directly;
 *   - every other signal sent to PID 1 (`rt kill`) goes to the child, all
 *     but SIGKILL and SIGSTOP, which nobody can catch, and the signals of
 *     faults (SIGSEGV...), which only a bug of rt-init would raise;
 *   - when it is not PID 1 (no pid namespace of its own) it makes itself a
 *     child subreaper, so that it still reaps the orphans below it;
 *   - file descriptors pass through untouched, and LISTEN_PID (socket
 *     activation) is set to the process's pid.
 *
 * rt embeds it (rt_init_image.cpp, made at build time) and executes it from
 * a sealed memfd: nothing is written into the image and /proc/1/exe is that
 * memfd, never a file of the host. It runs as the container's process would
 * (user, capabilities, no_new_privs, seccomp profile), so it needs no
 * privilege, and only these system calls, all in Docker's and rt's default
 * profiles: rt_sigprocmask, rt_sigtimedwait, clone (fork, no namespace
 * flag), setpgid, getpid, ioctl (TIOCSPGRP), execve, wait4, kill, prctl
 * (PR_SET_CHILD_SUBREAPER, only without a pid namespace), write (its own
 * error messages), exit_group.
 *
 * Freestanding: no libc at all (system calls are made directly), so that
 * it is a few kilobytes, static, and has no start-up work. Built with
 * -nostdlib -static; x86_64 and aarch64.
 */
#include <asm/ioctls.h>
#include <asm/signal.h>
#include <asm/unistd.h>
#include <linux/errno.h>
#include <linux/prctl.h>
#include <linux/wait.h>

typedef unsigned long long sigmask_t; /* the kernel's sigset_t: 64 signals */
#define SIGSET_SIZE sizeof(sigmask_t)
#define BIT(sig) (1ULL << ((sig) - 1))

#if defined(__x86_64__)
static long syscall6(long n, long a, long b, long c, long d, long e, long f)
{
	register long r10 __asm__("r10") = d;
	register long r8 __asm__("r8") = e;
	register long r9 __asm__("r9") = f;
	long ret;
	__asm__ volatile("syscall"
			 : "=a"(ret)
			 : "a"(n), "D"(a), "S"(b), "d"(c), "r"(r10), "r"(r8), "r"(r9)
			 : "rcx", "r11", "memory");
	return ret;
}
__asm__(".text\n"
	".global _start\n"
	"_start:\n"
	"	xor %rbp, %rbp\n"
	"	mov %rsp, %rdi\n"
	"	and $-16, %rsp\n"
	"	call start\n"
	"	hlt\n");
#elif defined(__aarch64__)
static long syscall6(long n, long a, long b, long c, long d, long e, long f)
{
	register long x8 __asm__("x8") = n;
	register long x0 __asm__("x0") = a;
	register long x1 __asm__("x1") = b;
	register long x2 __asm__("x2") = c;
	register long x3 __asm__("x3") = d;
	register long x4 __asm__("x4") = e;
	register long x5 __asm__("x5") = f;
	__asm__ volatile("svc 0"
			 : "+r"(x0)
			 : "r"(x8), "r"(x1), "r"(x2), "r"(x3), "r"(x4), "r"(x5)
			 : "memory", "cc");
	return x0;
}
__asm__(".text\n"
	".global _start\n"
	"_start:\n"
	"	mov x29, #0\n"
	"	mov x30, #0\n"
	"	mov x0, sp\n"
	"	and x1, x0, #-16\n"
	"	mov sp, x1\n"
	"	bl start\n"
	"	brk #0\n");
#else
#error "rt-init: no system call glue for this architecture (x86_64 and aarch64 only)"
#endif

#define SYS(n, a, b, c, d) syscall6((n), (long)(a), (long)(b), (long)(c), (long)(d), 0, 0)

/* Compilers may call these for plain loops and copies, even freestanding. */
void *memset(void *s, int c, unsigned long n)
{
	unsigned char *p = s;
	while (n--)
		*p++ = (unsigned char)c;
	return s;
}

void *memcpy(void *d, const void *s, unsigned long n)
{
	unsigned char *dp = d;
	const unsigned char *sp = s;
	while (n--)
		*dp++ = *sp++;
	return d;
}

static unsigned long length(const char *s)
{
	unsigned long n = 0;
	while (s[n])
		n++;
	return n;
}

static void say(const char *s)
{
	SYS(__NR_write, 2, s, length(s), 0);
}

/* "rt-init: WHAT: errno N" on stderr (no strerror table: a few bytes). */
static void complain(const char *what, long err)
{
	char digits[24];
	int i = sizeof digits;
	unsigned long v = (unsigned long)(err < 0 ? -err : err);
	digits[--i] = 0;
	do {
		digits[--i] = (char)('0' + v % 10);
		v /= 10;
	} while (v && i > 0);
	say("rt-init: ");
	say(what);
	say(": errno ");
	say(digits + i);
	say("\n");
}

static __attribute__((noreturn)) void leave(int code)
{
	for (;;)
		SYS(__NR_exit_group, code, 0, 0, 0);
}

static long fork_child(void)
{
	/* clone(SIGCHLD): fork on every architecture (aarch64 has no fork). */
	return syscall6(__NR_clone, SIGCHLD, 0, 0, 0, 0, 0);
}

/* Socket activation (sd_listen_fds(3)): the fds are the process's, and so
 * is LISTEN_PID, which rt set to 1 for a process it expected to be PID 1.
 * `buf` receives "LISTEN_PID=<pid>". */
static void claim_listen_pid(char **envp, long pid, char *buf)
{
	static const char key[] = "LISTEN_PID=";
	for (char **e = envp; *e; e++) {
		unsigned long i = 0;
		while (key[i] && (*e)[i] == key[i])
			i++;
		if (key[i])
			continue;
		char digits[24];
		int n = 0;
		do {
			digits[n++] = (char)('0' + pid % 10);
			pid /= 10;
		} while (pid);
		for (i = 0; key[i]; i++)
			buf[i] = key[i];
		while (n)
			buf[i++] = digits[--n];
		buf[i] = 0;
		*e = buf;
		return;
	}
}

/* The child: a process group of its own, the terminal's foreground one if
 * stdin is our controlling terminal (all signals are still blocked here, so
 * the SIGTTOU of a background tcsetpgrp cannot stop it), the signal mask it
 * would have had, then the program. */
static __attribute__((noreturn)) void run_child(char **argv, char **envp, const sigmask_t *mask)
{
	char listen_pid[40];
	SYS(__NR_setpgid, 0, 0, 0, 0);
	int group = (int)SYS(__NR_getpid, 0, 0, 0, 0);
	claim_listen_pid(envp, group, listen_pid);
	SYS(__NR_ioctl, 0, TIOCSPGRP, &group, 0); /* ENOTTY without one: fine */
	SYS(__NR_rt_sigprocmask, SIG_SETMASK, mask, 0, SIGSET_SIZE);
	long err = SYS(__NR_execve, argv[0], argv + 1, envp, 0);
	complain(argv[0], err);
	leave(err == -ENOENT ? 127 : 126);
}

static int status_code(int status)
{
	if ((status & 0x7f) == 0)
		return (status >> 8) & 0xff; /* exited */
	return 128 + (status & 0x7f);        /* killed by a signal */
}

static int supervise(long child, sigmask_t *waited)
{
	for (;;) {
		unsigned char info[128]; /* siginfo_t: unused */
		long sig = SYS(__NR_rt_sigtimedwait, waited, info, 0, SIGSET_SIZE);
		if (sig < 0) {
			if (sig == -EINTR || sig == -EAGAIN)
				continue;
			complain("rt_sigtimedwait", sig);
			return 1;
		}
		if (sig != SIGCHLD) {
			SYS(__NR_kill, child, sig, 0, 0); /* ESRCH: it is exiting */
			continue;
		}
		/* SIGCHLD merges: reap everything that is ready. */
		for (;;) {
			int status = 0;
			long pid = SYS(__NR_wait4, -1, &status, WNOHANG, 0);
			if (pid <= 0)
				break;
			if (pid == child)
				return status_code(status);
		}
	}
}

__attribute__((used)) void start(long *stack)
{
	int argc = (int)stack[0];
	char **argv = (char **)(stack + 1);
	char **envp = argv + argc + 1;
	if (argc < 3) {
		say("usage: rt-init PATH ARG0 [ARGS...]\n");
		leave(2);
	}

	/* Every signal waits for sigtimedwait, but those of faults. */
	sigmask_t all = ~0ULL & ~(BIT(SIGKILL) | BIT(SIGSTOP) | BIT(SIGSEGV) | BIT(SIGBUS) | BIT(SIGILL) |
				  BIT(SIGFPE) | BIT(SIGTRAP) | BIT(SIGSYS) | BIT(SIGABRT));
	sigmask_t before = 0;
	SYS(__NR_rt_sigprocmask, SIG_SETMASK, &all, &before, SIGSET_SIZE);
	if (SYS(__NR_getpid, 0, 0, 0, 0) != 1)
		SYS(__NR_prctl, PR_SET_CHILD_SUBREAPER, 1, 0, 0);

	long child = fork_child();
	if (child == 0)
		run_child(argv + 1, envp, &before);
	if (child < 0) {
		complain("fork", child);
		leave(1);
	}
	leave(supervise(child, &all));
}
