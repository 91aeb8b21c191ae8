/* SPDX-License-Identifier: GPL-2.0 */
/* Shorthands of the rules tables (syz_rules*.c), and their parts. */
#ifndef KS_SYZ_RULES_H
#define KS_SYZ_RULES_H

#include "syz.h"

/* Formats name what they have; the trailing fields are zero on purpose. */
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"

#define P	KS_PARSE_STACK
/* The faulting instruction's line: x86 RIP/IP, powerpc NIP, arm pc. */
#define RIP "(?:IP|NIP|pc |PC is at):? (?:(?:[0-9]+:)?(?:{{PC}} +){0,2}" \
	"{{FUNC}}|(?:[0-9]+:)?0x[0-9a-f]+|(?:[0-9]+:)?{{PC}} +" \
	"\\[< *\\(null\\)>\\] +\\(null\\)|[0-9]+: +\\(null\\))"
#define TRACE "(?:Call (?:T|t)race:)|(?:Backtrace:)"

/* Frames, then the guilty one among them. */
#define STACK(...)	(&(const struct ks_stackfmt){ __VA_ARGS__ })
#define TRACE_STACK(...) STACK({ TRACE, P }, .skip = { __VA_ARGS__ })
#define RIP_STACK	STACK({ RIP, TRACE, P })
/*
 * A WARNING's frame: after the RIP line (newer kernels trap), else the
 * call trace (older ones just print it).
 */
#define WARN_STACK(...) STACK({ "(?:" RIP "|--- interrupt: [0-9]+ at {{FUNC}})", \
	P }, { TRACE, P }, .skip = { __VA_ARGS__ })

extern const struct ks_syzfmt ks_bug_fmts[], ks_warning_fmts[], ks_info_fmts[];
extern const char *const ks_bug_suppress[], *const ks_warning_suppress[],
	*const ks_info_suppress[];

#endif
