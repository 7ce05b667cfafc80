#!/bin/sh
# run.sh - `make bench`: dctwin's speed, measured as ratios in one run, and
# written to tests/bench/results.md.  Never part of `make check`.
#   B1  sites/reference-hall.xml, 1 h of synchronous training at 0.5 Hz:
#       real-time ratio (simulated s / wall s), solver counts
#   B2  generated sites of 10, 100, 1,000 (and with BENCH_FULL=1 10,000)
#       racks under training: wall time per rack per simulated second, its
#       growth per doubling, peak RSS per state
#   B3  aggregated vs expanded identical racks: not built yet (issue 6)
# Environment: DCTWIN (binary), top_srcdir, DCTWIN_MODELS_PATH, BENCH_OUT
# (results file; default $top_srcdir/tests/bench/results.md).
set -eu
LC_ALL=C
export LC_ALL
: "${DCTWIN:=./dctwin}"
: "${top_srcdir:=.}"
: "${DCTWIN_MODELS_PATH:=$top_srcdir/models}"
export DCTWIN_MODELS_PATH
out=${BENCH_OUT:-$top_srcdir/tests/bench/results.md}
tmp=$(mktemp -d "${TMPDIR:-/tmp}/bench.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

json() { sed -n "s/.*\"$2\":\([^,}]*\).*/\1/p" "$1" | head -n 1; }
# Peak RSS [kB] of a dctwin run, via GNU time when present; the run may
# end with exit status 0 or 1 (margins met or not), anything else fails.
peak_kb() {
    set +e
    if [ -x /usr/bin/time ]; then
        /usr/bin/time -f '%M' -o "$tmp/rss" "$@" >/dev/null 2>"$tmp/err"
    else
        "$@" >/dev/null 2>"$tmp/err"
    fi
    st=$?
    set -e
    if [ "$st" -gt 1 ]; then
        cat "$tmp/err" >&2
        return 1
    fi
    if [ -x /usr/bin/time ]; then tail -n 1 "$tmp/rss"; else echo 0; fi
}

{
echo "# dctwin benchmarks"
echo
echo "- date: $(date -u +%Y-%m-%dT%H:%MZ)"
echo "- commit: $(git -C "$top_srcdir" rev-parse --short HEAD 2>/dev/null || echo unknown)"
echo "- machine: $(uname -m), $(nproc 2>/dev/null || echo ?) cores, $(grep -m1 'model name' /proc/cpuinfo 2>/dev/null | sed 's/.*: //')"
echo "- dctwin: $("$DCTWIN" --version | head -n 1)"
echo
} >"$tmp/res"

# --------------------------------------------------------------- B1
echo "bench: B1 reference-hall, 1 h of llm-training" >&2
kb=$(peak_kb "$DCTWIN" simulate "$top_srcdir/sites/reference-hall.xml" \
    --profile llm-training --duration 1h --output-step 10s -q \
    --out "$tmp/b1")
r="$tmp/b1/run.json"
{
echo "## B1: reference hall, 1 h of synchronous training (0.5 Hz)"
echo
echo "| simulated | wall | real-time ratio | states | steps | RHS | Jacobians | linear setups | peak RSS |"
echo "|---|---|---|---|---|---|---|---|---|"
echo "| 3600 s | $(json "$r" wall_s) s | $(json "$r" realtime_ratio) | $(json "$r" n_states) | $(json "$r" n_steps) | $(json "$r" n_rhs) | $(json "$r" n_jac) | $(json "$r" n_lin_setups) | $kb kB |"
echo
echo "Target (DESIGN.md §10): at least 1,000x real time; goal 10,000x."
echo
} >>"$tmp/res"

# --------------------------------------------------------------- B2
sizes="10 100 1000"
[ "${BENCH_FULL:-0}" = 1 ] && sizes="$sizes 10000"
{
echo "## B2: scaling, generated sites under llm-training"
echo
echo "| racks | states | simulated | wall | wall / rack / simulated s | growth per doubling | peak RSS | RSS / state |"
echo "|---|---|---|---|---|---|---|---|"
} >>"$tmp/res"
prev_c= prev_n=
for n in $sizes; do
    # simulated time shrinks with size so that each run takes about the
    # same wall time; at least three 2 s periods
    d=$(awk -v n="$n" 'BEGIN { d = 6000 / n; if (d < 6) d = 6; if (d > 600) d = 600; printf "%d", d }')
    echo "bench: B2 $n racks, ${d} s" >&2
    sh "$top_srcdir/tests/bench/gen-site.sh" "$n" >"$tmp/s$n.xml"
    kb=$(peak_kb "$DCTWIN" simulate "$tmp/s$n.xml" --profile llm-training \
        --duration "${d}s" --output-step 1s -q --out "$tmp/b2-$n")
    r="$tmp/b2-$n/run.json"
    w=$(json "$r" wall_s)
    ns=$(json "$r" n_states)
    c=$(awk -v w="$w" -v n="$n" -v d="$d" 'BEGIN { printf "%.4g", w / n / d }')
    g=-
    if [ -n "$prev_c" ]; then
        g=$(awk -v a="$prev_c" -v b="$c" -v n0="$prev_n" -v n1="$n" \
            'BEGIN { printf "%.3f", exp(log(b / a) / (log(n1 / n0) / log(2))) }')
    fi
    per=$(awk -v k="$kb" -v s="$ns" 'BEGIN { printf "%.0f B", k * 1024 / s }')
    echo "| $n | $ns | $d s | $w s | $c s | $g | $kb kB | $per |" >>"$tmp/res"
    prev_c=$c
    prev_n=$n
done
{
echo
echo "Targets: growth per doubling <= 1.15; memory <= 2 KB per state.  Peak"
echo "RSS includes the program and its libraries (a floor of a few MB)."
echo
echo "## B3: aggregated vs expanded identical racks"
echo
echo "Not built yet: exact aggregation of identical racks is open (issue 6)."
} >>"$tmp/res"

cp "$tmp/res" "$out"
cat "$out"
