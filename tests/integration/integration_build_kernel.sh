#!/bin/sh
# scripts/build-kernel's stdout is exactly the bzImage path, whoever calls
# it: plain, under a parent make with -j and -w, and with MAKEFLAGS set.
# A fake kernel tree (a Makefile that answers the targets build-kernel
# asks for, and prints make noise to stdout) makes this a test of the
# script alone, in seconds, with a cold cache of its own.
. "${KS_SRCDIR:-.}/tests/lib.sh"
command -v make >/dev/null || skip "needs make"
command -v flock >/dev/null || skip "needs flock"

tmp=$(mktemp -d /tmp/ks-bk.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
src=$tmp/linux-fake
mkdir -p "$src/kernel/configs" "$src/scripts/kconfig"
: >"$src/kernel/configs/kvm_guest.config"
# merge_config.sh -m -O DIR BASE FRAGMENT...: append the fragments.
cat >"$src/scripts/kconfig/merge_config.sh" <<'EOF'
shift; shift; out=$1; shift; base=$1; shift
echo "merging into $base (fake merge_config.sh on stdout)"
cat "$@" >>"$base"
EOF
# Every target prints to stdout, as the kernel's make does.
cat >"$src/Makefile" <<'EOF'
O ?= .
tinyconfig:
	@echo "  HOSTCC  scripts/kconfig/conf (fake)"
	@mkdir -p $(O) && : >$(O)/.config
olddefconfig:
	@echo "#" && echo "# configuration written to .config"
bzImage:
	@echo "  LD      vmlinux (fake)"
	@mkdir -p $(O)/arch/x86/boot $(O)/include/config
	@echo fake-bzimage >$(O)/arch/x86/boot/bzImage
	@: >$(O)/System.map && : >$(O)/vmlinux
	@echo 6.99.0-fake >$(O)/include/config/kernel.release
kernelrelease:
	@echo 6.99.0-fake
EOF

# Which make variables reach build-kernel is up to the caller: a parent
# Makefile that calls it from a recipe, as make check does.
cat >"$tmp/parent.mk" <<EOF
all:
	@"$KS_SRCDIR/scripts/build-kernel" "$src" >"\$(OUT)" 2>>"$tmp/stderr"
EOF

check_out() {
	what=$1 file=$2
	[ "$(wc -l <"$file")" -eq 1 ] ||
		fail "$what: stdout is not one line: $(cat "$file")"
	path=$(cat "$file")
	case $path in
	/*/bzImage) ;;
	*) fail "$what: stdout is not a bzImage path: $path" ;;
	esac
	[ "$(cat "$path")" = fake-bzimage ] || fail "$what: $path is not the build"
	echo "ok: $what -> $path"
}

export KS_CACHE="$tmp/cache"
# A cold build under make -j2 -w with MAKEFLAGS set by hand as well.
MAKEFLAGS=-w make -j2 -w -f "$tmp/parent.mk" OUT="$tmp/cold" ||
	fail "cold build under make failed: $(tail -n 20 "$tmp/stderr")"
check_out "cold build under make -j2 -w" "$tmp/cold"
grep -q '^kernelrelease=6.99.0-fake$' "$KS_CACHE"/kernel/out/latest/info ||
	fail "info has a wrong kernelrelease: $(grep kernelrelease "$KS_CACHE"/kernel/out/latest/info)"

# The cached answer, under make, plain, and with MAKEFLAGS in the environment.
make -j2 -f "$tmp/parent.mk" OUT="$tmp/cached" || fail "cached build under make failed"
check_out "cached under make -j2" "$tmp/cached"
"$KS_SRCDIR/scripts/build-kernel" "$src" >"$tmp/plain" 2>>"$tmp/stderr" ||
	fail "plain cached call failed"
check_out "cached, plain" "$tmp/plain"
MAKEFLAGS="-w -j2" MAKELEVEL=3 "$KS_SRCDIR/scripts/build-kernel" "$src" \
	>"$tmp/env" 2>>"$tmp/stderr" || fail "call with MAKEFLAGS failed"
check_out "cached, MAKEFLAGS=-w -j2 MAKELEVEL=3" "$tmp/env"

# A rebuild after the source changed: the build path again, with -w set.
touch "$src/newfile"
MAKEFLAGS=-w MAKELEVEL=2 "$KS_SRCDIR/scripts/build-kernel" "$src" \
	>"$tmp/rebuild" 2>>"$tmp/stderr" || fail "rebuild failed"
check_out "rebuild with MAKEFLAGS=-w MAKELEVEL=2" "$tmp/rebuild"
[ "$(cat "$tmp/rebuild")" != "$(cat "$tmp/cold")" ] ||
	fail "a changed source tree reused the old cache entry"

# The debug flavour: its own fragment merged, its own key, its own tree.
"$KS_SRCDIR/scripts/build-kernel" --flavour debug "$src" >"$tmp/debug" \
	2>>"$tmp/stderr" || fail "debug flavour failed: $(tail -n 5 "$tmp/stderr")"
check_out "--flavour debug" "$tmp/debug"
[ "$(cat "$tmp/debug")" != "$(cat "$tmp/rebuild")" ] ||
	fail "the debug flavour reused the plain kernel's cache entry"
dinfo=$(dirname "$(cat "$tmp/debug")")/info
grep -q '^flavour=debug$' "$dinfo" || fail "no flavour=debug in $dinfo"
grep -q 'kmemstorm-debug.config' "$dinfo" || fail "debug fragment not merged: $(cat "$dinfo")"
ls -d "$KS_CACHE"/kernel/build/*-debug >/dev/null 2>&1 ||
	fail "the debug flavour did not get a build tree of its own"
"$KS_SRCDIR/scripts/build-kernel" "$src" >"$tmp/plain2" 2>>"$tmp/stderr"
[ "$(cat "$tmp/plain2")" = "$(cat "$tmp/rebuild")" ] ||
	fail "plain after debug is not the cached plain kernel"
"$KS_SRCDIR/scripts/build-kernel" --flavour bogus "$src" >"$tmp/bogus" 2>"$tmp/bogus.err" &&
	fail "--flavour bogus was accepted"
grep -q "flavour bogus: plain or debug" "$tmp/bogus.err" || fail "no reason: $(cat "$tmp/bogus.err")"
[ ! -s "$tmp/bogus" ] || fail "--flavour bogus printed a path"
echo "PASS: build-kernel stdout is only the path"
