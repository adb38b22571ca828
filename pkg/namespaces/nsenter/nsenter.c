// The namespace bootstrap runs before the Go runtime starts, because setns
// into a user or mount namespace and unshare(CLONE_NEWUSER) refuse a
// multi-threaded caller (setns(2), unshare(2)), and the Go runtime has
// threads before main. It does nothing unless _MINIRUN_BOOTSTRAP names an
// inherited socket, so every other minirun command starts as usual.
//
// Its mirror in Go is pkg/protocol: the message table in protocol.go, the
// record layout in record.go, the frame it reads in bootstrap.go and the
// replies it writes in bootreply.go. A frame is a 4-byte big-endian length
// and a body of records: a 2-byte type, a 4-byte length, the payload, all
// big-endian. The parent sends one frame of these (REC_* below):
//   join <CLONE_NEW* flag> <fd>      setns into an already opened namespace
//   clone <flags>                    namespaces to create with the child
//   uidmap / gidmap <c> <h> <size>   one id mapping for a new user ns
//   setgroups                        write "deny" before the gid map
//   parentmaps                       ask the runtime to write the maps:
//                                    send maps-request, wait for maps-ok
//   timens <clock id> <sec> <nsec>   offset for a new time namespace
//   cgroup <path of a v1 tasks file> move this (single-threaded) process there
//   lastfd <n>                       close every fd above n first
// and this process answers with one record, pid (u32) or error (bytes),
// then exits. The child it clones (CLONE_PARENT, so the runtime's parent
// can wait4 it) returns from here into the Go runtime, inside every
// namespace; until then it reports a failure with an error record too.
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>
#include <grp.h>

#ifndef CLONE_NEWTIME
#define CLONE_NEWTIME 0x00000080
#endif
#ifndef CLONE_NEWCGROUP
#define CLONE_NEWCGROUP 0x02000000
#endif

#define MAX_FRAME (1 << 20)
// MAX_LAST_FD mirrors protocol.MaxLastFd: the highest fd a frame may pass.
#define MAX_LAST_FD (1 << 20)
#define MAX_JOINS 16
#define MAX_CGROUPS 16
#define MAX_PATH 4096

// Record types, as in pkg/protocol/protocol.go.
enum {
	REC_CLONE = 1,
	REC_JOIN = 2,
	REC_UIDMAP = 3,
	REC_GIDMAP = 4,
	REC_SETGROUPS = 5,
	REC_TIMENS = 6,
	REC_CGROUP = 7,
	REC_LASTFD = 8,
	REC_PARENT_MAPS = 9,
	// Replies and the parent's answer to a maps request.
	REC_PID = 16,
	REC_ERROR = 17,
	REC_MAPS_REQUEST = 18,
	REC_MAPS_OK = 19,
	REC_MAPS_ABORT = 20, // or anything else but maps-ok: exit
};

#define REC_HEADER 6
#define MAX_MESSAGE 1024

struct join {
	unsigned long type;
	int fd;
};

struct bootstrap {
	unsigned long clone_flags;
	struct join joins[MAX_JOINS];
	int njoins;
	char uidmap[8192];
	char gidmap[8192];
	char timens[512];
	int setgroups_deny;
	int parent_maps;
	char *cgroups[MAX_CGROUPS];
	int ncgroups;
	int last_fd;
};

static int sock = -1;

static int write_all(int fd, const void *buf, size_t len)
{
	const char *p = buf;
	while (len > 0) {
		ssize_t n = write(fd, p, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		p += n;
		len -= n;
	}
	return 0;
}

static int read_all(int fd, void *buf, size_t len)
{
	char *p = buf;
	while (len > 0) {
		ssize_t n = read(fd, p, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		p += n;
		len -= n;
	}
	return 0;
}

static void put_u32(unsigned char *p, uint32_t v)
{
	p[0] = v >> 24;
	p[1] = v >> 16;
	p[2] = v >> 8;
	p[3] = v;
}

// send_record sends one frame holding one record, in one write, so a frame
// from the cloned child cannot interleave with one from this process.
static void send_record(uint16_t type, const void *payload, uint32_t len)
{
	unsigned char buf[4 + REC_HEADER + MAX_MESSAGE];
	if (len > MAX_MESSAGE)
		len = MAX_MESSAGE;
	put_u32(buf, REC_HEADER + len);
	buf[4] = type >> 8;
	buf[5] = type;
	put_u32(buf + 6, len);
	memcpy(buf + 4 + REC_HEADER, payload, len);
	write_all(sock, buf, 4 + REC_HEADER + len);
}

static void send_u32(uint16_t type, uint32_t v)
{
	unsigned char p[4];
	put_u32(p, v);
	send_record(type, p, 4);
}

__attribute__((noreturn, format(printf, 1, 2))) static void bail(const char *fmt, ...)
{
	char msg[MAX_MESSAGE];
	va_list ap;
	int saved = errno;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (saved) {
		size_t l = strlen(msg);
		snprintf(msg + l, sizeof(msg) - l, ": %s", strerror(saved));
	}
	send_record(REC_ERROR, msg, strlen(msg));
	_exit(1);
}

static void append_line(char *dst, size_t cap, const char *line)
{
	size_t l = strlen(dst);
	if (l + strlen(line) + 1 > cap) {
		errno = 0;
		bail("bootstrap: id map too long");
	}
	strcat(dst, line);
}

static uint32_t get_u32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static uint64_t get_u64(const unsigned char *p)
{
	return (uint64_t)get_u32(p) << 32 | get_u32(p + 4);
}

static void need_len(uint16_t type, uint32_t len, uint32_t want)
{
	if (len != want) {
		errno = 0;
		bail("bootstrap: record %u has %u bytes, want %u", type, len, want);
	}
}

static void add_map(char *dst, size_t cap, const unsigned char *p)
{
	char line[48];
	snprintf(line, sizeof(line), "%u %u %u\n", get_u32(p), get_u32(p + 4), get_u32(p + 8));
	append_line(dst, cap, line);
}

static void add_timens(struct bootstrap *b, const unsigned char *p)
{
	const char *clock;
	switch (get_u32(p)) {
	case 1: clock = "monotonic"; break;
	case 7: clock = "boottime"; break;
	default:
		errno = 0;
		bail("bootstrap: unknown clock id %u", get_u32(p));
	}
	char line[80];
	snprintf(line, sizeof(line), "%s %lld %u\n", clock, (long long)(int64_t)get_u64(p + 4), get_u32(p + 12));
	append_line(b->timens, sizeof(b->timens), line);
}

static void add_cgroup(struct bootstrap *b, const unsigned char *p, uint32_t len)
{
	errno = 0;
	if (b->ncgroups == MAX_CGROUPS)
		bail("bootstrap: too many cgroups");
	if (len == 0 || len >= MAX_PATH || p[0] != '/' || memchr(p, 0, len))
		bail("bootstrap: cgroup tasks path is not absolute or holds a NUL");
	char *path = calloc(1, len + 1);
	if (!path)
		bail("bootstrap: out of memory");
	memcpy(path, p, len);
	b->cgroups[b->ncgroups++] = path;
}

// parse reads the records pkg/protocol/bootstrap.go writes: a 2-byte
// type, a 4-byte length, the payload. Fixed-size records are checked for
// their exact size, so no value can be read as another.
static void parse(const unsigned char *body, uint32_t len, struct bootstrap *b)
{
	while (len > 0) {
		errno = 0;
		if (len < REC_HEADER)
			bail("bootstrap: truncated record header");
		uint16_t type = (uint16_t)(body[0] << 8 | body[1]);
		uint32_t n = get_u32(body + 2);
		if (n > len - REC_HEADER)
			bail("bootstrap: record of %u bytes overruns the frame", n);
		const unsigned char *p = body + REC_HEADER;
		switch (type) {
		case REC_CLONE:
			need_len(type, n, 8);
			b->clone_flags = get_u64(p);
			break;
		case REC_JOIN:
			need_len(type, n, 8);
			if (b->njoins == MAX_JOINS)
				bail("bootstrap: too many namespaces to join");
			b->joins[b->njoins].type = get_u32(p);
			b->joins[b->njoins].fd = (int)get_u32(p + 4);
			b->njoins++;
			break;
		case REC_UIDMAP:
			need_len(type, n, 12);
			add_map(b->uidmap, sizeof(b->uidmap), p);
			break;
		case REC_GIDMAP:
			need_len(type, n, 12);
			add_map(b->gidmap, sizeof(b->gidmap), p);
			break;
		case REC_SETGROUPS:
			need_len(type, n, 0);
			b->setgroups_deny = 1;
			break;
		case REC_PARENT_MAPS:
			need_len(type, n, 0);
			b->parent_maps = 1;
			break;
		case REC_TIMENS:
			need_len(type, n, 16);
			add_timens(b, p);
			break;
		case REC_CGROUP:
			add_cgroup(b, p, n);
			break;
		case REC_LASTFD: {
			need_len(type, n, 4);
			// Bounded (MAX_LAST_FD), so last_fd + 1 cannot overflow.
			uint32_t v = get_u32(p);
			if (v < 3 || v > MAX_LAST_FD) {
				errno = 0;
				bail("bootstrap: last passed fd %u outside 3..%d", v, MAX_LAST_FD);
			}
			b->last_fd = (int)v;
			break;
		}
		default:
			bail("bootstrap: unknown record type %u", type);
		}
		body += REC_HEADER + n;
		len -= REC_HEADER + n;
	}
	for (int i = 0; i < b->njoins; i++) {
		if (b->joins[i].fd < 3 || b->joins[i].fd > b->last_fd) {
			errno = 0;
			bail("bootstrap: namespace fd %d was not passed", b->joins[i].fd);
		}
	}
}

static void read_bootstrap(struct bootstrap *b)
{
	unsigned char hdr[4];
	if (read_all(sock, hdr, 4) < 0)
		bail("bootstrap: read header");
	uint32_t len = get_u32(hdr);
	if (len > MAX_FRAME) {
		errno = 0;
		bail("bootstrap: frame of %u bytes is too large", len);
	}
	unsigned char *body = malloc(len ? len : 1);
	if (!body || read_all(sock, body, len) < 0)
		bail("bootstrap: read body");
	parse(body, len, b);
	free(body);
}

// close_unpassed closes every fd above the last one the parent passed, so
// no descriptor a careless caller leaked can reach the container, whose
// execve would resolve /proc/self/fd/N paths through it (CVE-2024-21626).
static void close_unpassed(struct bootstrap *b)
{
	if (b->last_fd < sock) {
		errno = 0;
		bail("bootstrap: last passed fd %d is below the socket's", b->last_fd);
	}
	if (syscall(SYS_close_range, b->last_fd + 1, ~0U, 0) == 0)
		return;
	// Before Linux 5.9: close what the fd table can hold.
	long max = sysconf(_SC_OPEN_MAX);
	for (long fd = b->last_fd + 1; fd < max; fd++)
		close(fd);
}

// Namespaces owned by the initial user namespace must be joined while we
// still hold capabilities there, so root joins the user namespace last;
// once in it we hold every capability over the namespaces it owns
// (user_namespaces(7)). An unprivileged caller holds none outside, and
// the container's namespaces are all owned by its user namespace, so it
// joins that first and gains them there.
static void join_namespaces(struct bootstrap *b)
{
	int user_pass = geteuid() == 0 ? 1 : 0;
	for (int pass = 0; pass < 2; pass++) {
		for (int i = 0; i < b->njoins; i++) {
			struct join *j = &b->joins[i];
			if ((j->type == CLONE_NEWUSER) != (pass == user_pass))
				continue;
			if (setns(j->fd, j->type) < 0)
				bail("setns to namespace type %#lx", j->type);
			close(j->fd);
		}
	}
}

// A thread that moves itself ("0" into a v1 tasks file) skips the global
// cgroup_threadgroup_rwsem, and with it an RCU grace period per hierarchy
// that moving another process by pid costs (kernel/cgroup/cgroup.c,
// cgroup_procs_write_start). This process is single-threaded, so moving
// its one thread moves it whole, before it clones the container.
static void join_cgroups(struct bootstrap *b)
{
	for (int i = 0; i < b->ncgroups; i++) {
		int fd = open(b->cgroups[i], O_WRONLY | O_CLOEXEC);
		if (fd < 0)
			bail("open %s", b->cgroups[i]);
		if (write_all(fd, "0", 1) < 0)
			bail("join cgroup %s", b->cgroups[i]);
		close(fd);
		free(b->cgroups[i]);
	}
}

static void write_file(pid_t pid, const char *name, const char *data)
{
	char path[64];
	snprintf(path, sizeof(path), "/proc/%d/%s", pid, name);
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		bail("open %s", path);
	if (write_all(fd, data, strlen(data)) < 0)
		bail("write %s", path);
	close(fd);
}

static void become_root_in_userns(void)
{
	// Without an explicit switch the child keeps the unmapped overflow ids;
	// root in the namespace is what the Go init expects to start as.
	if (setresgid(0, 0, 0) < 0)
		bail("setresgid to namespace root");
	if (setresuid(0, 0, 0) < 0)
		bail("setresuid to namespace root");
}

// Only unshare(2) creates a time namespace (CLONE_NEWTIME collides with the
// exit-signal bits of clone), and it applies to children, so it precedes the clone.
static void prepare_timens(struct bootstrap *b)
{
	if (!(b->clone_flags & CLONE_NEWTIME))
		return;
	if (unshare(CLONE_NEWTIME) < 0)
		bail("unshare time namespace");
	if (b->timens[0])
		write_file(getpid(), "timens_offsets", b->timens);
	b->clone_flags &= ~CLONE_NEWTIME;
}

static void child_wait(int syncfd, int new_user, int joined_user)
{
	char c;
	if (read_all(syncfd, &c, 1) < 0 || c != 'g')
		_exit(1);
	close(syncfd);
	// Dumpable only while the maps were written (see stay_dumpable).
	if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) < 0)
		bail("prctl PR_SET_DUMPABLE");
	if (new_user || joined_user)
		become_root_in_userns();
	if (joined_user && setgroups(0, NULL) < 0 && errno != EPERM)
		bail("setgroups");
}

// stay_dumpable lets an unprivileged runtime write the new user
// namespace's maps: the /proc/PID files of a non-dumpable process belong
// to root (proc(5)), so neither this process, as the caller's uid, nor
// newuidmap, which checks the target's owner, could open them. The child
// is cloned dumpable and turns non-dumpable once released, before it runs
// anything of the container's. Root opens the files anyway and is left
// as before.
static void stay_dumpable(struct bootstrap *b, int on)
{
	if (!(b->clone_flags & CLONE_NEWUSER) || geteuid() == 0)
		return;
	if (prctl(PR_SET_DUMPABLE, on, 0, 0, 0) < 0)
		bail("prctl PR_SET_DUMPABLE");
}

// parent_writes_maps hands the child's pid to the runtime, which runs the
// setuid helpers, and waits for its maps-ok: one empty record of that type.
static void parent_writes_maps(pid_t child)
{
	send_u32(REC_MAPS_REQUEST, (uint32_t)child);
	unsigned char hdr[4], rec[REC_HEADER];
	if (read_all(sock, hdr, 4) < 0 || get_u32(hdr) != REC_HEADER || read_all(sock, rec, REC_HEADER) < 0)
		_exit(1); // the runtime reports why
	if ((rec[0] << 8 | rec[1]) != REC_MAPS_OK || get_u32(rec + 2) != 0)
		_exit(1); // maps-abort, or anything else: the maps are not written
}

__attribute__((constructor)) static void minirun_nsenter(void)
{
	const char *env = getenv("_MINIRUN_BOOTSTRAP");
	if (!env)
		return;
	sock = atoi(env);
	// A non-dumpable runtime process cannot be ptraced or have its /proc
	// files opened by container processes (CVE-2016-9962).
	if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) < 0)
		bail("prctl PR_SET_DUMPABLE");

	static struct bootstrap b;
	read_bootstrap(&b);
	close_unpassed(&b);
	// Host paths: before any setns can change this process's root.
	join_cgroups(&b);
	int joined_user = 0;
	for (int i = 0; i < b.njoins; i++)
		joined_user |= b.joins[i].type == CLONE_NEWUSER;
	join_namespaces(&b);
	prepare_timens(&b);

	int sync[2];
	if (pipe2(sync, O_CLOEXEC) < 0)
		bail("pipe");
	stay_dumpable(&b, 1);
	pid_t child = syscall(SYS_clone, b.clone_flags | CLONE_PARENT | SIGCHLD, 0, 0, 0, 0);
	if (child < 0)
		bail("clone with flags %#lx", b.clone_flags);
	if (child > 0)
		stay_dumpable(&b, 0);
	if (child == 0) {
		close(sync[1]);
		child_wait(sync[0], (b.clone_flags & CLONE_NEWUSER) != 0, joined_user);
		return;
	}
	close(sync[0]);
	if ((b.clone_flags & CLONE_NEWUSER) && b.parent_maps) {
		parent_writes_maps(child);
	} else if (b.clone_flags & CLONE_NEWUSER) {
		if (b.setgroups_deny)
			write_file(child, "setgroups", "deny");
		write_file(child, "uid_map", b.uidmap);
		write_file(child, "gid_map", b.gidmap);
	}
	// The pid first: the child writes nothing before it is released, so
	// the parent's first reply is always this one (a child that failed at
	// once would otherwise have its error read as the bootstrap's).
	send_u32(REC_PID, (uint32_t)child);
	if (write_all(sync[1], "g", 1) < 0)
		bail("release child");
	_exit(0);
}
