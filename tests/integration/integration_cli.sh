#!/bin/sh
# The command line: usage errors, bad plans refused before anything is
# created, unsupported limits skipped, unprivileged runs skipped.
. "${KS_SRCDIR:-.}/tests/lib.sh"
out=$(mktemp -d /tmp/ks-cli.XXXXXX)
trap 'rm -rf "$out"' EXIT

expect_exit() {	# $1 code, rest: command
	want=$1
	shift
	"$@" > "$out/stdout" 2> "$out/stderr"
	got=$?
	[ $got -eq "$want" ] || {
		cat "$out/stdout" "$out/stderr"
		fail "'$*' exited $got, expected $want"
	}
}

expect_exit 2 "$KS_BIN"
grep -q '^usage: kmemstorm COMMAND' "$out/stderr" || fail "no usage text"
expect_exit 2 "$KS_BIN" frobnicate
grep -q "unknown command 'frobnicate'" "$out/stderr" || fail "unknown command"
expect_exit 0 "$KS_BIN" --version
grep -q '^kmemstorm [0-9]' "$out/stdout" || fail "--version"
expect_exit 0 "$KS_BIN" --help
expect_exit 0 "$KS_BIN" run --help
expect_exit 2 "$KS_BIN" run --bogus
expect_exit 2 "$KS_BIN" run a.plan b.plan
expect_exit 0 "$KS_BIN" list
for w in dentry inode smoke dentry.name_len inode.xattr_size; do
	grep -q "$w" "$out/stdout" || fail "list does not show $w"
done

# A bad plan: every error as FILE:LINE, exit 2, nothing created.
cat > "$out/bad.plan" <<'PLAN'
[scenario a]
workload = dentry
memory.max = 32 potatoes
[scenario b]
workload = nosuch
PLAN
before=$(ls -d /sys/fs/cgroup/memory/*/kmemstorm-* /sys/fs/cgroup/*/kmemstorm-* 2>/dev/null | wc -l)
expect_exit 2 "$KS_BIN" run -o "$out/res" "$out/bad.plan"
grep -qx "$out/bad.plan:3: memory.max: invalid size '32 potatoes' (expected e.g. 4096, 64K, 32M, 1G or max)" "$out/stderr" ||
	{ cat "$out/stderr"; fail "no FILE:LINE message for the size"; }
grep -qx "$out/bad.plan:5: unknown workload 'nosuch' (see 'kmemstorm list')" "$out/stderr" ||
	fail "second error not reported"
[ ! -e "$out/res" ] || fail "a bad plan created the output directory"
after=$(ls -d /sys/fs/cgroup/memory/*/kmemstorm-* /sys/fs/cgroup/*/kmemstorm-* 2>/dev/null | wc -l)
[ "$before" = "$after" ] || fail "a bad plan created a cgroup"
expect_exit 2 "$KS_BIN" run -o "$out/res" no-such-plan
grep -q "no-such-plan: no such plan file or built-in plan" "$out/stderr" ||
	fail "missing plan message"
expect_exit 2 "$KS_BIN" run -o /proc/nonexistent/x "$KS_SRCDIR/tests/plans/short.plan"

# sweep and replay: usage errors, and a replay of a step no journal has.
expect_exit 2 "$KS_BIN" sweep
expect_exit 2 "$KS_BIN" sweep -o "$out/sw" no-such-storm
grep -q "no workload 'no-such-storm'" "$out/stderr" || fail "sweep workload"
expect_exit 2 "$KS_BIN" replay "$out/j" --scenario s --op create
expect_exit 2 "$KS_BIN" replay "$out/j" --scenario s --op create --nth x
printf '{"type":"run_start","plan":{"text":"[scenario s]\\nworkload = dentry\\n"}}\n' \
	> "$out/j"
expect_exit 2 "$KS_BIN" replay "$out/j" --scenario s --op create --nth 3 \
	-o "$out/rp"
grep -q "no sweep_step (scenario s, op create, n 3)" "$out/stderr" ||
	{ cat "$out/stderr"; fail "replay of a missing step"; }

[ "$(id -u)" -eq 0 ] || { echo "PASS: cli (root parts skipped: not root)"; exit 0; }
require_root_memcg

# A limit this kernel cannot honour: skipped with the knob named, exit 4.
if [ "$KS_CG_VERSION" = 1 ]; then
	knob="memory.high = 16M"; why="memory.high: not supported on cgroup v1"
else
	knob="memory.oom_control = yes"; why="memory.oom_control: not supported on cgroup v2"
fi
printf '[plan]\nworkdir = /tmp\n[scenario u]\nworkload = dentry\nduration = 1s\n%s\n' \
	"$knob" > "$out/unsup.plan"
expect_exit 4 "$KS_BIN" run --no-progress -o "$out/unsup" "$out/unsup.plan"
grep -q "$why" "$out/stdout" || { cat "$out/stdout"; fail "skip reason"; }
[ -z "$(leftover_cgroups)" ] || fail "skip left cgroups"

# Unprivileged: every scenario skipped with the reason, exit 4.
if command -v setpriv >/dev/null; then
	# The checkout may sit below a 0700 directory (mktemp -d): give
	# nobody its own copies, so only the cgroup permissions are tested.
	chmod 0777 "$out"
	cp "$KS_BIN" "$out/ks-nobody"
	cp "$KS_SRCDIR/tests/plans/short.plan" "$out/short.plan"
	chmod 0755 "$out/ks-nobody"
	chmod 0644 "$out/short.plan"
	expect_exit 4 setpriv --reuid=65534 --regid=65534 --clear-groups \
		"$out/ks-nobody" run --no-progress -o "$out/nobody" \
		"$out/short.plan"
	grep -q 'every scenario will be skipped' "$out/stderr" ||
		{ cat "$out/stderr"; fail "unprivileged run did not explain"; }
fi
# Kernel fault injection on a kernel nobody said is disposable: refused,
# every scenario skipped with the reason, nothing armed.
if [ "${KMEMSTORM_DISPOSABLE_KERNEL:-}" != 1 ] &&
   ! grep -qw kmemstorm.disposable=1 /proc/cmdline; then
	expect_exit 4 "$KS_BIN" sweep -o "$out/sw" --duration 2s dentry
	grep -q "refusing a fail-nth sweep: this kernel is not marked disposable" \
		"$out/stdout" || { cat "$out/stdout"; fail "sweep not refused"; }
	grep -q '^mode = sweep$' "$out/sw/sweep.plan" || fail "sweep.plan"
	printf '[plan]\nworkdir = /tmp\n[scenario f]\nworkload = dentry\nduration = 1s\ninject = failslab\n' \
		> "$out/fs.plan"
	expect_exit 4 "$KS_BIN" run --no-progress -o "$out/fs" "$out/fs.plan"
	grep -q "refusing to arm failslab" "$out/stdout" ||
		{ cat "$out/stdout"; fail "failslab not refused"; }
	[ -z "$(leftover_cgroups)" ] || fail "refusals left cgroups"
fi
echo "PASS: cli"
