#!/bin/sh
# --accel on a host whose KVM initialises and then aborts the guest (a
# --qemu wrapper that dies of SIGABRT with QEMU's own MSR message when
# given -accel kvm), and with /dev/null over /dev/kvm in a private mount
# namespace: auto boots again under TCG and says so, kvm fails clearly,
# tcg works, and every vm_end names the accelerator that ran.
. "${KS_SRCDIR:-.}/tests/lib.sh"
require_guest_kernel
tmp=$(mktemp -d /tmp/ks-accel.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
real=$(command -v qemu-system-x86_64)
cat >"$tmp/qemu-abort-kvm" <<W
#!/bin/sh
for a in "\$@"; do
	case \$a in kvm*)
		echo "error: failed to set MSR 0x10a to 0x69" >&2
		echo "kvm_buf_set_msrs: Assertion failed." >&2
		kill -ABRT \$\$ ;;
	esac
done
exec "$real" "\$@"
W
chmod +x "$tmp/qemu-abort-kvm"
# A host without /dev/kvm: a stand-in the wrapper never opens, so that
# auto tries KVM (vm_accel.c, KS_KVM_DEV), in a cache of the test's own.
if [ ! -e /dev/kvm ]; then
	: >"$tmp/kvm-dev"
	export KS_KVM_DEV="$tmp/kvm-dev" KS_CACHE="$tmp/cache-fake-kvm"
fi

vm() { name=$1; shift
	"$KS_BIN" vm --kernel "$kernel" -o "$tmp/$name" "$@" smoke \
		>"$tmp/$name.out" 2>"$tmp/$name.err"
	echo $? >"$tmp/$name.rc"
	cat "$tmp/$name.err"
}
vm_end() { # $1 run, $2 python assertions on e (the vm_end record)
	check_journal "$tmp/$1/journal.jsonl" "
e = by('vm_end')[-1]
$2"
}

vm auto --qemu "$tmp/qemu-abort-kvm"
[ "$(cat "$tmp/auto.rc")" = 0 ] || fail "auto on an aborting KVM exited $(cat "$tmp/auto.rc")"
grep -q 'accel auto: .*failed to set MSR.*booting again under TCG' "$tmp/auto.err" ||
	fail "auto did not say why it left KVM"
vm_end auto '
assert e["accel"] == "tcg", e["accel"]
assert "MSR" in e["accel_fallback"], e
assert e["qemu"][1:3] == ["-accel", "tcg"], e["qemu"][:3]
assert e["outcome"] == "finished" and e["exit_code"] == 0'
[ "$(grep -c ' passed, ' "$tmp/auto.out")" = 1 ] ||
	fail "auto printed a summary for the KVM boot it gave up: $(cat "$tmp/auto.out")"
echo "ok: auto on an aborting KVM ran under TCG"

vm kvm --qemu "$tmp/qemu-abort-kvm" --accel kvm
[ "$(cat "$tmp/kvm.rc")" = 2 ] || fail "--accel kvm on an aborting KVM exited $(cat "$tmp/kvm.rc"), not 2"
grep -q -- '--accel kvm: QEMU was killed by a signal.*MSR.*try --accel tcg' "$tmp/kvm.err" ||
	fail "--accel kvm gave no clear message"
vm_end kvm '
assert e["accel"] == "kvm" and e["outcome"] == "qemu_failure", e
assert "accel_fallback" not in e'
echo "ok: --accel kvm fails clearly"

KMEMSTORM_ACCEL=tcg vm tcg --qemu "$tmp/qemu-abort-kvm"
[ "$(cat "$tmp/tcg.rc")" = 0 ] || fail "KMEMSTORM_ACCEL=tcg exited $(cat "$tmp/tcg.rc")"
vm_end tcg '
assert e["accel"] == "tcg" and "accel_fallback" not in e, e'
echo "ok: KMEMSTORM_ACCEL=tcg"

KMEMSTORM_ACCEL=bogus "$KS_BIN" vm --kernel "$kernel" -o "$tmp/bogus" smoke \
	2>"$tmp/bogus.err" && fail "KMEMSTORM_ACCEL=bogus ran"
grep -q "expected auto, kvm or tcg" "$tmp/bogus.err" || fail "no message for a bad accel"
[ ! -e "$tmp/bogus" ] || fail "a bad --accel created its output directory"
# Every command that boots guests refuses it before creating anything.
for cmd in "gate --accel bogus --config default --config x -o $tmp/bogus smoke" \
	   "sweep --vm --accel bogus -o $tmp/bogus dentry" \
	   "replay $tmp/none.jsonl --scenario s --op o --nth 1 --vm --accel bogus -o $tmp/bogus"; do
	# shellcheck disable=SC2086
	"$KS_BIN" $cmd 2>"$tmp/bogus.err" && fail "$cmd ran"
	grep -q -- "--accel 'bogus': expected auto, kvm or tcg" "$tmp/bogus.err" ||
		fail "$cmd: no message for a bad --accel: $(head -n 2 "$tmp/bogus.err")"
	[ ! -e "$tmp/bogus" ] || fail "$cmd created its output directory"
done
KMEMSTORM_ACCEL=bogus sh "$KS_SRCDIR/scripts/nightly" -o "$tmp/bogus" 2>"$tmp/bogus.err" &&
	fail "nightly ran with KMEMSTORM_ACCEL=bogus"
grep -q "expected auto, kvm or tcg" "$tmp/bogus.err" || fail "nightly: no message for a bad accel"
[ ! -e "$tmp/bogus" ] || fail "nightly created its output directory"
echo "ok: a bad accelerator is refused by vm, gate, sweep, replay and nightly"

unset KS_KVM_DEV
if command -v unshare >/dev/null && [ -e /dev/kvm ] &&
   unshare -m true 2>/dev/null; then
	# Its own cache too: what it learns is about /dev/null, not KVM.
	KS_CACHE=$tmp/cache unshare -m sh -c 'mount --bind /dev/null /dev/kvm &&
		exec "$0" vm --kernel "$1" -o "$2" smoke' \
		"$KS_BIN" "$kernel" "$tmp/nokvm" >"$tmp/nokvm.out" 2>"$tmp/nokvm.err" ||
		{ cat "$tmp/nokvm.err"; fail "auto with /dev/null over /dev/kvm failed"; }
	vm_end nokvm '
assert e["accel"] == "tcg", e
assert e["outcome"] == "finished"'
	echo "ok: auto with an unusable /dev/kvm ran under TCG"
else
	echo "note: no private mount namespace here; /dev/kvm case not run"
fi
echo "PASS: accelerator choice"
