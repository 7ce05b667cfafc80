#!/bin/sh
# run.sh - `make bench`: dctwin's speed, measured as ratios in one run, and
# written to tests/bench/results.md.  Never part of `make check`.
#   B1  sites/reference-hall.xml, 1 h of synchronous training at 0.5 Hz:
#       real-time ratio (simulated s / wall s), solver counts
#   B2  generated sites of 10, 100, 1,000 and 10,000 racks under training,
#       identical racks aggregated (the default) and with --no-aggregate: wall time per rack per simulated second, its
#       growth per doubling, peak RSS per state and per rack
#   B3  sites/reference-hall.xml, 10 min of training, aggregated vs
#       --no-aggregate: speed ratio and the largest difference of the
#       timeseries, beside the expanded run's own error (against a run at
#       rtol 1e-7)
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
echo "Target (the project's performance goal): at least 1,000x real time; goal 10,000x."
echo
} >>"$tmp/res"

# --------------------------------------------------------------- B2
# B2 ROWS LABEL OPTION...: one table row per site size
b2() {
    sizes=$1
    label=$2
    shift 2
    prev_c= prev_n=
    for n in $sizes; do
        # simulated time shrinks with size so that each run takes about
        # the same wall time; at least three 2 s periods
        d=$(awk -v n="$n" 'BEGIN { d = 6000 / n; if (d < 6) d = 6; if (d > 600) d = 600; printf "%d", d }')
        echo "bench: B2 $n racks $label, ${d} s" >&2
        [ -f "$tmp/s$n.xml" ] ||
            sh "$top_srcdir/tests/bench/gen-site.sh" "$n" >"$tmp/s$n.xml"
        kb=$(peak_kb "$DCTWIN" simulate "$tmp/s$n.xml" --profile llm-training \
            --duration "${d}s" --output-step 1s --probe 'dc-1.*' -q \
            --out "$tmp/b2-$n" "$@")
        r="$tmp/b2-$n/run.json"
        w=$(json "$r" wall_s)
        ns=$(json "$r" n_states)
        ng=$(json "$r" n_rack_groups)
        c=$(awk -v w="$w" -v n="$n" -v d="$d" 'BEGIN { printf "%.4g", w / n / d }')
        g=-
        if [ -n "$prev_c" ]; then
            g=$(awk -v a="$prev_c" -v b="$c" -v n0="$prev_n" -v n1="$n" \
                'BEGIN { printf "%.3f", exp(log(b / a) / (log(n1 / n0) / log(2))) }')
        fi
        per=$(awk -v k="$kb" -v s="$ns" 'BEGIN { printf "%.0f B", k * 1024 / s }')
        perr=$(awk -v k="$kb" -v s="$n" 'BEGIN { printf "%.0f B", k * 1024 / s }')
        echo "| $n | $label | $ng | $ns | $(json "$r" n_colors) | $d s | $w s | $c s | $g | $kb kB | $per | $perr |" >>"$tmp/res"
        prev_c=$c
        prev_n=$n
    done
}
{
echo "## B2: scaling, generated sites under llm-training"
echo
echo "| racks | mode | rack groups | states | colours | simulated | wall | wall / rack / simulated s | growth per doubling | peak RSS | RSS / state | RSS / rack |"
echo "|---|---|---|---|---|---|---|---|---|---|---|---|"
} >>"$tmp/res"
b2 "10 100 1000 10000" aggregated
b2 "10 100 1000 10000" expanded --no-aggregate
{
echo
echo "Wall time excludes the settling to the initial steady state (run.json"
echo "settle_wall_s).  Simulated time is 6000 s / racks, between 6 s and"
echo "600 s (10,000 racks: 6 s).  Targets: growth per doubling <= 1.15;"
echo "memory <= 2 KB per state.  Peak RSS includes the program, its"
echo "libraries and the site's records (a floor of about 12 MB)."
echo
} >>"$tmp/res"

# --------------------------------------------------------------- B3
echo "bench: B3 reference-hall aggregated vs expanded, 10 min" >&2
for mode in agg exp ref; do
    case $mode in
    agg) o= ;;
    exp) o=--no-aggregate ;;
    ref) o="--no-aggregate --rtol 1e-7 --atol 1e-6" ;;
    esac
    # shellcheck disable=SC2086
    peak_kb "$DCTWIN" simulate "$top_srcdir/sites/reference-hall.xml" \
        --profile llm-training --duration 10min --output-step 1s -q \
        --out "$tmp/b3-$mode" $o >/dev/null
done
wa=$(json "$tmp/b3-agg/run.json" wall_s)
we=$(json "$tmp/b3-exp/run.json" wall_s)
dae=$(awk -f "$top_srcdir/tests/maxdiff.awk" "$tmp/b3-agg/timeseries.csv" "$tmp/b3-exp/timeseries.csv")
dre=$(awk -f "$top_srcdir/tests/maxdiff.awk" "$tmp/b3-ref/timeseries.csv" "$tmp/b3-exp/timeseries.csv")
dra=$(awk -f "$top_srcdir/tests/maxdiff.awk" "$tmp/b3-ref/timeseries.csv" "$tmp/b3-agg/timeseries.csv")
row() { # row LABEL "ABS COL REL COL"
    set -- "$1" $2
    echo "| $1 | $2 ($3) | $4 ($5) |"
}
{
echo "## B3: aggregated vs expanded identical racks"
echo
echo "sites/reference-hall.xml, 10 min of llm-training, output every 1 s,"
echo "every column of timeseries.csv ($(head -n 1 "$tmp/b3-agg/timeseries.csv" | tr ',' '\n' | wc -l) columns)."
echo
echo "| run | rack groups | states | wall | speed ratio |"
echo "|---|---|---|---|---|"
echo "| aggregated | $(json "$tmp/b3-agg/run.json" n_rack_groups) | $(json "$tmp/b3-agg/run.json" n_states) | $wa s | $(awk -v a="$wa" -v e="$we" 'BEGIN { printf "%.2f", e / a }') |"
echo "| --no-aggregate | $(json "$tmp/b3-exp/run.json" n_rack_groups) | $(json "$tmp/b3-exp/run.json" n_states) | $we s | 1 |"
echo
echo "| compared | max abs difference (column) | max relative difference (column) |"
echo "|---|---|---|"
row "aggregated vs expanded, rtol 1e-5" "$dae"
row "expanded rtol 1e-5 vs expanded rtol 1e-7 (its own error)" "$dre"
row "aggregated rtol 1e-5 vs expanded rtol 1e-7" "$dra"
echo
echo "Relative difference: |a - b| / max(|a|, |b|, 1).  Aggregation is exact"
echo "(the same ODE): the two runs differ by the solver's error only, which"
echo "the comparison with the tighter expanded run measures."
echo
echo "## What limits them"
echo
echo "See tests/bench/README (profile of B1, memory of B2)."
} >>"$tmp/res"

cp "$tmp/res" "$out"
cat "$out"
