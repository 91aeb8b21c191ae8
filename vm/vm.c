// SPDX-License-Identifier: GPL-2.0
/*
 * Start QEMU, feed its console and the guest's journal channel to their
 * readers, and decide how the guest ended.  QEMU is in its own process
 * group and is SIGKILLed on every path out of here.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <stddef.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "scenario.h"
#include "vm_internal.h"
#include "utf8.h"

const char *ks_vm_outcome_name(enum ks_vm_outcome o)
{
	static const char *const names[] = {
		"finished", "panic", "hang", "timeout", "qemu_failure",
		"interrupted",
	};

	return o <= KS_VM_INTERRUPTED ? names[o] : "?";
}

/*
 * The journal channel: an abstract unix socket QEMU connects to as a
 * client, so there is no socket file to leave behind.
 */
static int listen_journal(char *name, size_t len)
{
	static int seq;
	struct sockaddr_un a = { .sun_family = AF_UNIX };
	int fd;

	snprintf(name, len, "kmemstorm-%d-%d", (int)getpid(), seq++);
	snprintf(a.sun_path + 1, sizeof(a.sun_path) - 1, "%s", name);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0)
		return -errno;
	if (bind(fd, (struct sockaddr *)&a,
		 offsetof(struct sockaddr_un, sun_path) + 1 + strlen(name)) ||
	    listen(fd, 1)) {
		int e = errno;

		close(fd);
		return -e;
	}
	return fd;
}

/* " kmemstorm.start=N" for a guest resuming the plan, else "". */
static const char *start_arg(const struct ks_vm_opts *o)
{
	static char buf[40];

	buf[0] = '\0';
	if (o->start_at > 1)
		snprintf(buf, sizeof(buf), " kmemstorm.start=%d", o->start_at);
	return buf;
}

static int build_argv(struct ks_vm *vm, const char *sock, char **argv,
		      char *bufs, size_t buflen)
{
	const struct ks_vm_opts *o = vm->o;
	char *p = bufs;
	int n = 0;

#define ARG(...) do {							\
		int w_ = snprintf(p, buflen - (p - bufs), __VA_ARGS__);	\
		argv[n++] = p;						\
		p += w_ + 1;						\
	} while (0)
	ARG("%s", o->qemu);
	/*
	 * One accelerator, never QEMU's "kvm, else tcg" list: that list only
	 * falls back when KVM fails to initialise, not when it initialises
	 * and then aborts the guest, and it leaves no way to tell which one
	 * ran.  With one, the guest runs under it or QEMU exits.
	 */
	ARG("-accel");
	ARG("%s", vm->accel);
	/* max: a hardware RNG source, so the guest's crng is ready at boot. */
	ARG("-cpu");
	ARG("max");
	ARG("-m");
	ARG("%d", o->memory_mb);
	ARG("-smp");
	ARG("%d", o->cpus);
	ARG("-nodefaults");
	ARG("-no-user-config");
	ARG("-display");
	ARG("none");
	ARG("-no-reboot");
	ARG("-serial");
	ARG("stdio");
	ARG("-kernel");
	ARG("%s", o->kernel);
	ARG("-initrd");
	ARG("%s", o->initrd);
	ARG("-append");
	/*
	 * panic=-1 reboots at once, and -no-reboot turns that into QEMU
	 * exiting; the guest is disposable, which lets plans crash it.
	 * log_buf_len: a burst of injection stacks (thousands of lines in
	 * a second) must wait in the ring for the monitor, not wrap past
	 * it, on a TCG guest whose monitor shares its CPUs with a storm.
	 */
	ARG("console=ttyS0 panic=-1 log_buf_len=8M kmemstorm.disposable=1 kmemstorm.plan=%s%s%s%s",
	    o->plan, o->append && *o->append ? " " : "",
	    o->append ? o->append : "", start_arg(o));
	/*
	 * A sparse scratch disk the guest formats as btrfs for its workdir:
	 * negative dentries only accumulate on a disk filesystem, never on
	 * the tmpfs root.  cache=unsafe: its contents die with the guest.
	 * An unlinked file QEMU inherits: nothing on disk outlives the run,
	 * not even after a kill -9 of this process.
	 */
	ARG("-drive");
	ARG("file=/dev/fd/%d,format=raw,if=virtio,cache=unsafe",
	    vm->scratch_fd);
	ARG("-device");
	ARG("virtio-serial-pci");
	ARG("-chardev");
	ARG("socket,id=journal,abstract=on,path=%s", sock);
	ARG("-device");
	ARG("virtserialport,chardev=journal,name=org.kmemstorm.journal");
#undef ARG
	argv[n] = NULL;
	return n;
}

/* A sparse, already unlinked image; its fd (no CLOEXEC) or -errno. */
static int make_scratch_disk(const char *path, int mb)
{
	int fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0600);
	int e;

	if (fd < 0)
		return -errno;
	unlink(path);
	if (ftruncate(fd, (off_t)mb << 20)) {
		e = errno;
		close(fd);
		return -e;
	}
	return fd;
}

static int start_qemu(struct ks_vm *vm, char **argv)
{
	int con[2], err[2];

	if (pipe2(con, O_CLOEXEC) || pipe2(err, O_CLOEXEC))
		return -errno;
	vm->qemu = fork();
	if (vm->qemu < 0)
		return -errno;
	if (vm->qemu == 0) {
		int null = open("/dev/null", O_RDONLY);

		setpgid(0, 0);
		/* Die with the host harness: never an orphaned guest. */
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		dup2(null, 0);
		dup2(con[1], 1);
		dup2(err[1], 2);
		execvp(argv[0], argv);
		fprintf(stderr, "cannot run %s: %s\n", argv[0],
			strerror(errno));
		_exit(127);
	}
	setpgid(vm->qemu, vm->qemu);
	close(con[1]);
	close(err[1]);
	vm->con_fd = con[0];
	vm->err_fd = err[0];
	return 0;
}

static void kill_qemu(struct ks_vm *vm)
{
	int64_t until = ks_now_ns() + 2000000000LL;
	int st;

	if (vm->qemu <= 0 || vm->qemu_status != -1)
		return;
	/* Exiting on its own (a reboot with -no-reboot): let it say how. */
	while (vm->con_fd < 0 && ks_now_ns() < until) {
		struct timespec pause = { 0, 10000000 };

		if (waitpid(vm->qemu, &st, WNOHANG) == vm->qemu) {
			vm->qemu_status = st;
			return;
		}
		nanosleep(&pause, NULL);
	}
	kill(-vm->qemu, SIGKILL);
	kill(vm->qemu, SIGKILL);
	while (waitpid(vm->qemu, &st, 0) < 0 && errno == EINTR)
		;
	vm->qemu_status = st;
}

/* Read what fd has; 0 at EOF, -1 when nothing now, else bytes. */
static ssize_t drain(int fd, char *buf, size_t len)
{
	ssize_t n = read(fd, buf, len);

	if (n < 0)
		return errno == EAGAIN || errno == EINTR ? -1 : 0;
	return n;
}

static void read_journal(struct ks_vm *vm, int until_eof)
{
	char buf[16384];
	ssize_t n;

	while (vm->jfd >= 0) {
		n = drain(vm->jfd, buf, sizeof(buf));
		if (n > 0) {
			ks_vm_journal_feed(vm, buf, (size_t)n);
			vm->last_progress_ns = ks_now_ns();
			continue;
		}
		if (n == 0) {
			close(vm->jfd);
			vm->jfd = -1;
		}
		if (n < 0 && until_eof) {
			struct pollfd p = { .fd = vm->jfd, .events = POLLIN };

			if (poll(&p, 1, 500) > 0)
				continue;
		}
		break;
	}
}

static void read_stderr(struct ks_vm *vm)
{
	char buf[1024];
	ssize_t n = drain(vm->err_fd, buf, sizeof(buf));
	size_t room = sizeof(vm->qemu_err) - vm->qemu_err_len;

	if (n == 0) {
		close(vm->err_fd);
		vm->err_fd = -1;
		return;
	}
	if (n < 0)
		return;
	if ((size_t)n > room)
		n = (ssize_t)room;
	memcpy(vm->qemu_err + vm->qemu_err_len, buf, (size_t)n);
	vm->qemu_err_len += (size_t)n;
}

static enum ks_vm_outcome watch(struct ks_vm *vm)
{
	const struct ks_vm_opts *o = vm->o;
	char buf[8192];

	for (;;) {
		struct pollfd p[4];
		int np = 0, i;
		int64_t now = ks_now_ns();
		ssize_t n;

		if (ks_interrupted)
			return KS_VM_INTERRUPTED;
		if (now - vm->t0_ns > (int64_t)o->timeout_s * 1000000000)
			return KS_VM_TIMEOUT;
		if (now - vm->last_progress_ns > (int64_t)o->hang_s * 1000000000)
			return KS_VM_HANG;
		if (vm->bug_ns && now - (vm->last_progress_ns > vm->bug_ns ?
					 vm->last_progress_ns : vm->bug_ns) >
		    (int64_t)KS_VM_CRASH_QUIET_S * 1000000000) {
			vm->stuck_after_bug = 1;
			return KS_VM_HANG;
		}
		/*
		 * Under KVM the first console line comes within a second; on
		 * some hosts KVM runs no guest code at all and QEMU sits
		 * silent.  That is the accelerator failing, not a guest hang.
		 */
		if (vm->first_line_s && !vm->con_bytes &&
		    now - vm->t0_ns > (int64_t)vm->first_line_s * 1000000000)
			return KS_VM_QEMU_FAILURE;
		p[np++] = (struct pollfd){ .fd = vm->con_fd, .events = POLLIN };
		if (vm->err_fd >= 0)
			p[np++] = (struct pollfd){ .fd = vm->err_fd,
						   .events = POLLIN };
		if (vm->jfd >= 0)
			p[np++] = (struct pollfd){ .fd = vm->jfd,
						   .events = POLLIN };
		else if (vm->listen_fd >= 0)
			p[np++] = (struct pollfd){ .fd = vm->listen_fd,
						   .events = POLLIN };
		if (poll(p, np, 200) <= 0)
			continue;
		for (i = 0; i < np; i++) {
			if (!p[i].revents)
				continue;
			if (p[i].fd == vm->err_fd) {
				read_stderr(vm);
			} else if (p[i].fd == vm->listen_fd) {
				vm->jfd = accept4(vm->listen_fd, NULL, NULL,
						  SOCK_CLOEXEC | SOCK_NONBLOCK);
			} else if (p[i].fd == vm->jfd) {
				read_journal(vm, 0);
			} else if (p[i].fd == vm->con_fd) {
				n = drain(vm->con_fd, buf, sizeof(buf));
				if (n == 0)
					goto exited;
				if (n < 0)
					continue;
				ks_vm_console_feed(vm, buf, (size_t)n);
				/* Until the journal flows, boot output is progress. */
				if (!vm->jbytes)
					vm->last_progress_ns = ks_now_ns();
			}
		}
	}
exited:
	/* QEMU closed its console: it is exiting; take what is still in flight. */
	read_journal(vm, 1);
	close(vm->con_fd);
	vm->con_fd = -1;
	kill_qemu(vm);
	if (vm->guest_exit >= 0)
		return KS_VM_FINISHED;
	if (vm->panic)
		return KS_VM_PANIC;
	return KS_VM_QEMU_FAILURE;
}

/*
 * scripts/build-kernel's record of the kernel, the "info" file beside
 * its bzImage (key=value lines: compiler, flavour, fragments, source,
 * built_at, build_seconds): how it was built, for reports.  NULL for a
 * kernel built elsewhere.
 */
static json_t *kernel_build(const char *kernel)
{
	char path[PATH_MAX + 8], line[1024];
	const char *slash = strrchr(kernel, '/');
	json_t *o;
	FILE *f;

	snprintf(path, sizeof(path), "%.*s/info",
		 slash ? (int)(slash - kernel) : 1, slash ? kernel : ".");
	f = fopen(path, "re");
	if (!f)
		return NULL;
	o = json_object();
	while (fgets(line, sizeof(line), f)) {
		char *eq = strchr(line, '=');

		line[strcspn(line, "\n")] = '\0';
		if (!eq || eq == line)
			continue;
		*eq = '\0';
		json_object_set_new(o, line, ks_json_text(eq + 1));
	}
	fclose(f);
	return o;
}

static json_t *vm_info(struct ks_vm *vm, char **argv)
{
	json_t *cmd = json_array();
	json_t *o;
	int i;

	for (i = 0; argv[i]; i++)
		json_array_append_new(cmd, ks_json_text(argv[i]));
	o = json_pack("{s:o, s:o, s:o, s:o, s:i, s:i, s:i, s:i, s:o}",
		      "kernel", ks_json_text(vm->o->kernel), "initrd",
		      ks_json_text(vm->o->initrd),
		      "plan", ks_json_text(vm->o->plan), "append",
		      ks_json_text(vm->o->append ? vm->o->append : ""), "memory_mb",
		      vm->o->memory_mb, "cpus", vm->o->cpus, "timeout_s",
		      vm->o->timeout_s, "hang_s", vm->o->hang_s, "qemu", cmd);
	if (o && vm->qemu_status != -1) {
		if (WIFEXITED(vm->qemu_status))
			json_object_set_new(o, "qemu_exit", json_integer(
				WEXITSTATUS(vm->qemu_status)));
		else if (WIFSIGNALED(vm->qemu_status))
			json_object_set_new(o, "qemu_signal", json_integer(
				WTERMSIG(vm->qemu_status)));
	}
	if (o)
		json_object_set_new(o, "accel", ks_json_text(vm->accel));
	if (o && vm->o->kernel) {
		json_t *b = kernel_build(vm->o->kernel);

		if (b)
			json_object_set_new(o, "kernel_build", b);
	}
	if (o && vm->fallback[0])
		json_object_set_new(o, "accel_fallback",
				    ks_json_text(vm->fallback));
	return o;
}

/*
 * A guest resuming a plan goes on in the last one's journal: a vm_start
 * record says which guest and why, and its own bytes begin here (for the
 * sha256 the guest reports).
 */
static void resume_records(struct ks_vm *vm, const char *path)
{
	struct stat st;

	ks_journal_write(&vm->journal, json_pack("{s:s, s:I, s:i, s:i, s:o}",
		"type", "vm_start", "t_ms", (json_int_t)0, "guest",
		vm->o->guest, "start_at", vm->o->start_at, "after",
		ks_json_text(vm->o->resume_why ? vm->o->resume_why : "")));
	ks_journal_sync(&vm->journal);
	vm->joff = stat(path, &st) ? 0 : (long long)st.st_size;
}

int ks_vm_boot(const struct ks_vm_opts *o, const char *accel,
		      const char *fallback, int retry, struct ks_vm_result *res,
		      char *early, size_t earlylen)
{
	struct ks_vm_opts quiet = *o;
	struct ks_vm vm = { .o = o, .accel = accel, .listen_fd = -1, .jfd = -1,
			    .first_line_s = strcmp(accel, "kvm") ? 0 :
					    KS_VM_FIRST_LINE_S,
			    .qemu = -1,
			    .con_fd = -1, .err_fd = -1, .qemu_status = -1,
			    .scratch_fd = -1,
			    .guest_exit = -1 };
	char path[PATH_MAX + 32], err[PATH_MAX + 64], sock[64];
	char *argv[64], argbuf[16384];
	char buf[8192];
	json_t *info;
	ssize_t n;
	int r;

	memset(res, 0, sizeof(*res));
	res->guest_exit = -1;
	early[0] = '\0';
	snprintf(vm.fallback, sizeof(vm.fallback), "%s", fallback);
	ks_classifier_init(&vm.cls);
	vm.t0_ns = vm.last_progress_ns = ks_now_ns();
	vm.con_reports = json_array();
	vm.ends = json_array();
	vm.titles = json_object();
	vm.ran = json_array();
	if (mkdir(o->outdir, 0755) && errno != EEXIST) {
		fprintf(stderr, "kmemstorm vm: %s: %s\n", o->outdir,
			strerror(errno));
		res->outcome = KS_VM_QEMU_FAILURE;
		res->exit_code = 2;
		goto out;
	}
	snprintf(path, sizeof(path), "%s/journal.jsonl", o->outdir);
	if ((o->guest > 1 ? ks_journal_open_append :
	     ks_journal_open)(&vm.journal, path, err, sizeof(err))) {
		fprintf(stderr, "kmemstorm vm: %s\n", err);
		res->exit_code = 2;
		goto out;
	}
	if (o->guest > 1)
		resume_records(&vm, path);
	snprintf(path, sizeof(path), "%s/console.log", o->outdir);
	vm.con_log = fopen(path, o->guest > 1 ? "ae" : "we");
	if (vm.con_log && o->guest > 1)
		fprintf(vm.con_log, "==== kmemstorm vm: guest %d, from scenario %d: %s ====\n",
			o->guest, o->start_at, o->resume_why ? o->resume_why : "");
	r = listen_journal(sock, sizeof(sock));
	if (r < 0) {
		fprintf(stderr, "kmemstorm vm: journal socket: %s\n",
			strerror(-r));
		res->exit_code = 2;
		goto out;
	}
	vm.listen_fd = r;
	snprintf(path, sizeof(path), "%s/scratch.img", o->outdir);
	r = make_scratch_disk(path, o->scratch_mb);
	if (r < 0) {
		fprintf(stderr, "kmemstorm vm: %s: %s\n", path, strerror(-r));
		res->exit_code = 2;
		goto out;
	}
	vm.scratch_fd = r;
	build_argv(&vm, sock, argv, argbuf, sizeof(argbuf));
	r = start_qemu(&vm, argv);
	if (r) {
		fprintf(stderr, "kmemstorm vm: cannot start %s: %s\n",
			o->qemu, strerror(-r));
		res->exit_code = 2;
		goto out;
	}
	res->outcome = watch(&vm);
	kill_qemu(&vm);
	while (vm.con_fd >= 0 && (n = drain(vm.con_fd, buf, sizeof(buf))) > 0)
		ks_vm_console_feed(&vm, buf, (size_t)n);
	ks_vm_console_flush(&vm);
	if (vm.err_fd >= 0)
		read_stderr(&vm);
	/* QEMU gone before the guest said a word: the accelerator failed. */
	if (res->outcome == KS_VM_QEMU_FAILURE && !vm.con_bytes) {
		const char *eol = memchr(vm.qemu_err, '\n', vm.qemu_err_len);
		size_t nl = eol ? (size_t)(eol - vm.qemu_err) : vm.qemu_err_len;

		snprintf(early, earlylen, "QEMU %s before the guest's first console line%s%.*s",
			 vm.qemu_status != -1 && WIFSIGNALED(vm.qemu_status) &&
			 WTERMSIG(vm.qemu_status) != SIGKILL ?
			 "was killed by a signal" : WIFEXITED(vm.qemu_status) ?
			 "exited" : "ran silent for " KS_STR(KS_VM_FIRST_LINE_S) "s",
			 nl ? ": " : "", (int)(nl > 300 ? 300 : nl), vm.qemu_err);
	}
	/* A boot that is tried again prints no summary of its own. */
	if (early[0] && retry) {
		quiet.quiet = 1;
		vm.o = &quiet;
	}
	info = vm_info(&vm, argv);
	ks_vm_journal_finish(&vm, res, info);
	json_decref(info);
out:
	kill_qemu(&vm);
	if (vm.scratch_fd >= 0)
		close(vm.scratch_fd);
	if (vm.con_fd >= 0)
		close(vm.con_fd);
	if (vm.err_fd >= 0)
		close(vm.err_fd);
	if (vm.jfd >= 0)
		close(vm.jfd);
	if (vm.listen_fd >= 0)
		close(vm.listen_fd);
	if (vm.con_log)
		fclose(vm.con_log);
	ks_journal_close(&vm.journal);
	free(vm.jline);
	json_decref(vm.con_reports);
	json_decref(vm.ends);
	json_decref(vm.titles);
	json_decref(vm.ran);
	return res->exit_code;
}

int ks_vm_accel_valid(const char *name)
{
	return strcmp(name, "auto") && strcmp(name, "kvm") &&
	       strcmp(name, "tcg") ? -1 : 0;
}

const char *ks_vm_accel_pick(const char *cmd, const char *arg)
{
	const char *env = getenv("KMEMSTORM_ACCEL");
	const char *v = arg ? arg : env && *env ? env : "auto";

	if (!ks_vm_accel_valid(v))
		return v;
	fprintf(stderr, "kmemstorm %s: %s '%s': expected auto, kvm or tcg\n",
		cmd, arg ? "--accel" : "KMEMSTORM_ACCEL", v);
	return NULL;
}
