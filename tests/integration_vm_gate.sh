#!/bin/sh
# Placeholder: replaced by the test of this part of issue 7.
. "${KS_SRCDIR:-.}/tests/lib.sh"
skip "not written yet"
