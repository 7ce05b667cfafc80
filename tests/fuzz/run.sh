#!/bin/sh
# run.sh SRCDIR OUTDIR - `make fuzz`: build the fuzz targets with a
# fuzzing compiler, make their seed corpora and dictionary from the
# shipped files, run each target for FUZZ_SECONDS and report its
# executions and crashes.  See tests/fuzz/README.
#
# Environment (set by make fuzz): FUZZ_TARGETS, FUZZ_SECONDS (per target),
# FUZZ_ENGINE (libfuzzer: clang -fsanitize=fuzzer,address,undefined; afl:
# AFL++'s afl-clang-fast and afl-fuzz, with ASan and UBSan), FUZZ_CPPFLAGS,
# FUZZ_LIBS, FUZZ_SOURCES (the library's .c files), DCTWIN (the built
# binary, for the seeds of runs).  Optional: FUZZ_CC (the compiler),
# FUZZ_NICE (default 10), FUZZ_JOBS (compile jobs, default 2).
#
# Exit status: 0 when no target crashed, 1 when one did (its input is
# kept under OUTDIR/ENGINE/crashes/TARGET), 77 when the fuzzing compiler
# or its runtime is not installed (a skip: fuzzing is optional).
set -eu
top=$(cd "${1:?usage: run.sh SRCDIR OUTDIR}" && pwd)
mkdir -p "${2:?usage: run.sh SRCDIR OUTDIR}"
base=$(cd "$2" && pwd)
LC_ALL=C
export LC_ALL
: "${FUZZ_TARGETS:=site units scenario trace weather criteria rundir}"
: "${FUZZ_SECONDS:=60}"
: "${FUZZ_ENGINE:=libfuzzer}"
: "${FUZZ_NICE:=10}"
: "${FUZZ_JOBS:=2}"
: "${FUZZ_CPPFLAGS:?run through make fuzz}"
: "${FUZZ_SOURCES:?run through make fuzz}"

skip() {
    echo "fuzz: skipped: $*"
    exit 77
}

san="-fsanitize=address,undefined -fno-sanitize-recover=undefined"
case $FUZZ_ENGINE in
libfuzzer)
    cc=${FUZZ_CC:-clang}
    command -v "$cc" >/dev/null 2>&1 ||
        skip "$cc not found (Debian: apt-get install clang libclang-rt-14-dev)"
    cflags="-fsanitize=fuzzer-no-link $san"
    lflags="-fsanitize=fuzzer $san"
    ;;
afl)
    cc=${FUZZ_CC:-afl-clang-fast}
    command -v "$cc" >/dev/null 2>&1 && command -v afl-fuzz >/dev/null 2>&1 ||
        skip "$cc or afl-fuzz not found (Debian: apt-get install afl++)"
    cflags=$san
    lflags="-fsanitize=fuzzer $san"   # AFL++ links its libAFLDriver
    export AFL_QUIET=1
    ;;
*)
    echo "fuzz: FUZZ_ENGINE '$FUZZ_ENGINE': expected libfuzzer or afl" >&2
    exit 2
    ;;
esac
out=$base/$FUZZ_ENGINE
mkdir -p "$out/obj" "$out/tmp"
# the targets' private directories: one a target ended by a crash or a
# timeout cannot remove stays here, not in /tmp (make clean removes it)
TMPDIR=$out/tmp
export TMPDIR

# can this compiler build and link a fuzz target at all?
cat >"$out/probe.c" <<'PROBE'
#include <stddef.h>
#include <stdint.h>
int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n);
int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n) { (void)d; return (int)(n & 0); }
PROBE
# shellcheck disable=SC2086
"$cc" $lflags "$out/probe.c" -o "$out/probe" >"$out/probe.log" 2>&1 ||
    skip "$cc cannot link a fuzz target with $lflags ($(head -n 1 "$out/probe.log")); Debian: apt-get install libclang-rt-14-dev"

# --- build: the library, then one binary per target --------------------
flags="-g -O1 -std=c11 -D_XOPEN_SOURCE=700 -w $cflags $FUZZ_CPPFLAGS -I$top/tests/fuzz"
newest_h=$(ls -t "$top"/src/*.h "$top"/tests/fuzz/*.h "$(pwd)"/config.h \
    "$(pwd)"/paths.h 2>/dev/null | head -n 1)
todo=
for s in $FUZZ_SOURCES tests/fuzz/fuzzlib.c; do
    o=$out/obj/$(echo "$s" | tr / _).o
    if [ ! -f "$o" ] || [ "$top/$s" -nt "$o" ] || [ "$newest_h" -nt "$o" ]; then
        todo="$todo $s"
    fi
done
if [ -n "$todo" ]; then
    echo "fuzz: compiling$(echo "$todo" | wc -w | sed 's/^/ /') files with $cc"
    # shellcheck disable=SC2086
    printf '%s\n' $todo | xargs -P "$FUZZ_JOBS" -I{} sh -c \
        "$cc $flags -c '$top/{}' -o '$out/obj/'\"\$(echo '{}' | tr / _)\".o" ||
        { echo "fuzz: compiling failed" >&2; exit 2; }
fi
libobjs=
for s in $FUZZ_SOURCES; do libobjs="$libobjs $out/obj/$(echo "$s" | tr / _).o"; done
for t in $FUZZ_TARGETS; do
    bin=$out/fuzz_$t
    src=$top/tests/fuzz/fuzz_$t.c
    if [ ! -x "$bin" ] || [ "$src" -nt "$bin" ] || [ -n "$todo" ]; then
        # shellcheck disable=SC2086
        "$cc" $flags $lflags "$src" "$out/obj/tests_fuzz_fuzzlib.c.o" $libobjs \
            ${FUZZ_LIBS:-} -o "$bin" || { echo "fuzz: linking $t failed" >&2; exit 2; }
    fi
done

# --- seeds and dictionary from the shipped files -------------------------
seeds=$base/seeds
DCTWIN=${DCTWIN:-} sh "$top/tests/fuzz/gen-seeds.sh" "$top" "$seeds"
DCTWIN=${DCTWIN:-} sh "$top/tests/fuzz/gen-dict.sh" "$top" >"$base/dctwin.dict"

# --- run -----------------------------------------------------------------
status=0
report=$out/report.txt
printf '%-10s %12s %8s %9s  %s\n' target executions crashes corpus artifacts >"$report"
for t in $FUZZ_TARGETS; do
    corpus=$base/corpus/$t
    crashes=$out/crashes/$t
    mkdir -p "$corpus" "$crashes"
    log=$out/$t.log
    n_before=$(ls "$crashes" | wc -l)
    echo "fuzz: $t for ${FUZZ_SECONDS}s ..."
    case $FUZZ_ENGINE in
    libfuzzer)
        # close_fd_mask=3: the targets' own output is dropped; libFuzzer
        # and the sanitizers still report on the original stderr
        nice -n "$FUZZ_NICE" "$out/fuzz_$t" -max_total_time="$FUZZ_SECONDS" \
            -timeout=10 -rss_limit_mb=2048 -max_len=65536 -close_fd_mask=3 \
            -dict="$base/dctwin.dict" -print_final_stats=1 \
            -artifact_prefix="$crashes/" "$corpus" "$seeds/$t" \
            >"$log" 2>&1 || true
        execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1 || true)
        ;;
    afl)
        rm -rf "$out/afl/$t"
        mkdir -p "$out/afl"
        AFL_NO_UI=1 AFL_SKIP_CPUFREQ=1 AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1 \
        AFL_NO_AFFINITY=1 AFL_SKIP_BIN_CHECK=0 \
            nice -n "$FUZZ_NICE" afl-fuzz -i "$seeds/$t" -o "$out/afl/$t" \
            -V "$FUZZ_SECONDS" -t 10000 -m none -x "$base/dctwin.dict" \
            -- "$out/fuzz_$t" >"$log" 2>&1 || true
        st=$out/afl/$t/default/fuzzer_stats
        execs=$(sed -n 's/^execs_done *: *//p' "$st" 2>/dev/null || true)
        for f in "$out/afl/$t"/default/crashes/id:* "$out/afl/$t"/default/hangs/id:*; do
            [ -f "$f" ] || continue
            cp "$f" "$crashes/$(basename "$(dirname "$f")")-$(basename "$f" | tr ':,' '__')"
        done
        cp "$out/afl/$t"/default/queue/id:* "$corpus/" 2>/dev/null || true
        ;;
    esac
    n_new=$(( $(ls "$crashes" | wc -l) - n_before ))
    [ "$n_new" -gt 0 ] && status=1
    printf '%-10s %12s %8s %9s  %s\n' "$t" "${execs:-?}" "$n_new" \
        "$(ls "$corpus" | wc -l)" "$([ "$n_new" -gt 0 ] && echo "$crashes" || echo -)" >>"$report"
done
cat "$report"
if [ "$status" -ne 0 ]; then
    echo "fuzz: crashes found: reproduce with $out/fuzz_TARGET FILE; keep each" \
         "in tests/fuzz/regress/TARGET/ once fixed (logs: $out/TARGET.log)" >&2
fi
exit "$status"
