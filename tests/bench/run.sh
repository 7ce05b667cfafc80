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
#   B4  sites/reference-hall.xml under training-async (every rack at its
#       own phase: no aggregation), 10 min, quasi-static and dynamic
#   B5  the racks' thermal RC network as an ngspice netlist
#       (gen-spice.sh) against dctwin's whole plant with the same racks,
#       N = 72 and 720, in phase and at random phases: CPU ratio
#   A   the accuracy guard (tests/cli_electrical.sh) on B1 and B4 10 min,
#       grid-loss and cdu-fail-2: quasi-static against dynamic at 1e-7
#   B7  dctwin contingency, N-1 of sites/reference-hall.xml at 10 min per
#       case, -j 1, -j 2 and mpirun -np 2: wall, CPU, cases per second,
#       parallel efficiency (B4 before issue 14)
# Environment: DCTWIN (binary), top_srcdir, DCTWIN_MODELS_PATH, BENCH_OUT
# (results file; default $top_srcdir/tests/bench/results.md), B5_RANDOM_S
# (simulated time of B5's random-phase cases, default 5), B4_REF_S (of
# the B4 accuracy row, default 60: its reference run at rtol 1e-7 costs
# about 0.4 s of CPU per simulated second).
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

# CPU seconds (user + sys) of a command, via GNU time; its output is
# dropped; exit status 0 or 1 (margins met or not) accepted.
cpu_of() {
    set +e
    /usr/bin/time -f '%U %S' -o "$tmp/cpu" "$@" >/dev/null 2>"$tmp/err"
    st=$?
    set -e
    if [ "$st" -gt 1 ]; then
        cat "$tmp/err" >&2
        return 1
    fi
    # (GNU time puts "Command exited with non-zero status" first)
    tail -n 1 "$tmp/cpu" | awk '{ printf "%.3f", $1 + $2 }'
}
median3() { printf '%s\n' "$@" | sort -g | sed -n 2p; }

# --------------------------------------------------------------- B1
echo "bench: B1 reference-hall, 1 h of llm-training, dynamic and quasi-static x 3" >&2
kb=$(peak_kb "$DCTWIN" simulate "$top_srcdir/sites/reference-hall.xml" \
    --profile llm-training --duration 1h --output-step 10s -q \
    --out "$tmp/b1")
kbq=$(peak_kb "$DCTWIN" simulate "$top_srcdir/sites/reference-hall.xml" \
    --profile llm-training --duration 1h --output-step 10s -q \
    --electrical=quasi-static --out "$tmp/b1q")
# CPU time, interleaved, median of three
cd_= cq_=
for k in 1 2 3; do
    cd_="$cd_ $(cpu_of "$DCTWIN" simulate "$top_srcdir/sites/reference-hall.xml" \
        --profile llm-training --duration 1h --output-step 10s -q --out "$tmp/b1c")"
    cq_="$cq_ $(cpu_of "$DCTWIN" simulate "$top_srcdir/sites/reference-hall.xml" \
        --profile llm-training --duration 1h --output-step 10s -q \
        --electrical=quasi-static --out "$tmp/b1c")"
done
# shellcheck disable=SC2086
cpud=$(median3 $cd_)
# shellcheck disable=SC2086
cpuq=$(median3 $cq_)
b1row() { # b1row LABEL DIR CPU KB
    r="$2/run.json"
    echo "| $1 | $(json "$r" rtol) | $(json "$r" wall_s) s | $(json "$r" realtime_ratio) | $3 s | $(awk -v c="$3" 'BEGIN { printf "%.0f", 3600 / c }') | $(json "$r" n_states) | $(json "$r" n_steps) | $(json "$r" n_rhs) | $(json "$r" n_jac) | $(json "$r" n_lin_setups) | $4 kB |"
}
{
echo "## B1: reference hall, 1 h of synchronous training (0.5 Hz)"
echo
echo "| electrical | rtol | wall | real-time ratio (wall) | CPU (median of 3) | real-time ratio (CPU) | states | steps | RHS | Jacobians | linear setups | peak RSS |"
echo "|---|---|---|---|---|---|---|---|---|---|---|---|"
b1row dynamic "$tmp/b1" "$cpud" "$kb"
b1row quasi-static "$tmp/b1q" "$cpuq" "$kbq"
echo
echo "CPU: user + sys of the whole process (settling included), the two"
echo "modes run one after the other three times; the wall ratio is"
echo "run.json's (settling excluded).  Speed-up of quasi-static:"
echo "$(awk -v a="$cpud" -v b="$cpuq" 'BEGIN { printf "%.2f", a / b }')x in CPU."
echo "Target: at least 5,000x real time; goal 10,000x."
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
} >>"$tmp/res"

# --------------------------------------------------------------- B4
echo "bench: B4 reference-hall, 10 min of training-async" >&2
for m in quasi-static dynamic; do
    cpu=$(cpu_of "$DCTWIN" simulate "$top_srcdir/sites/reference-hall.xml" \
        --profile training-async --duration 10min --output-step 1s -q \
        --electrical=$m --out "$tmp/b4-$m")
    echo "$m $cpu" >>"$tmp/b4cpu"
done
{
echo "## B4: reference hall, every rack at its own phase, 10 min"
echo
echo "sites/reference-hall.xml --profile training-async (llm-training,"
echo "each rack's phase uniform over the 2 s period: no two racks alike,"
echo "none aggregated)."
echo
echo "| electrical | rtol | rack groups | states | wall | real-time ratio (wall) | CPU | real-time ratio (CPU) | steps | RHS | breakpoints |"
echo "|---|---|---|---|---|---|---|---|---|---|---|"
for m in quasi-static dynamic; do
    r="$tmp/b4-$m/run.json"
    c=$(awk -v m="$m" '$1 == m { print $2 }' "$tmp/b4cpu")
    echo "| $m | $(json "$r" rtol) | $(json "$r" n_rack_groups) | $(json "$r" n_states) | $(json "$r" wall_s) s | $(json "$r" realtime_ratio) | $c s | $(awk -v c="$c" 'BEGIN { printf "%.0f", 600 / c }') | $(json "$r" n_steps) | $(json "$r" n_rhs) | $(json "$r" n_breakpoints) |"
done
echo
echo "Target: at least 500x real time.  Every rack's 4 load corners per"
echo "period are breakpoints of the solver (144 a second): see What limits"
echo "them."
echo
} >>"$tmp/res"

# --------------------------------------------------------------- B5
# b5 N PHASE SECONDS: one row, ngspice's and dctwin's CPU
b5() {
    n=$1 ph=$2 d=$3
    echo "bench: B5 $n racks, $ph phase, $d s" >&2
    if [ "$n" = 72 ]; then
        site=$top_srcdir/sites/reference-hall.xml
    else
        [ -f "$tmp/s$n.xml" ] ||
            sh "$top_srcdir/tests/bench/gen-site.sh" "$n" >"$tmp/s$n.xml"
        site=$tmp/s$n.xml
    fi
    prof=llm-training
    [ "$ph" = random ] && prof=training-async
    cd=$(cpu_of "$DCTWIN" simulate "$site" --profile $prof --duration "${d}s" \
        --output-step 1s --probe 'dc-1.*' -q --electrical=quasi-static \
        --out "$tmp/b5")
    st=$(json "$tmp/b5/run.json" n_states)
    sh "$top_srcdir/tests/bench/gen-spice.sh" "$n" "$ph" "$d" >"$tmp/b5.cir"
    cs=$(cpu_of ngspice -b "$tmp/b5.cir")
    echo "| $n | $ph | $d s | $cs s | $cd s | $st | $(awk -v a="$cs" -v b="$cd" 'BEGIN { printf "%.2f", a / b }') |"
}
{
echo "## B5: against a circuit simulator (ngspice)"
echo
if command -v ngspice >/dev/null 2>&1; then
    echo "The racks' thermal RC network (tests/bench/gen-spice.sh: mean and hot"
    echo "GPU junction and case, rack coolant, advection to a fixed supply; 5"
    echo "nodes a rack) under the training square wave, in ngspice"
    echo "($(ngspice -v 2>/dev/null | grep -o 'ngspice-[0-9.]*' | head -n 1), default tolerances), against dctwin's whole"
    echo "plant (racks, CDUs, facility loop, heat rejection, hall air, DC"
    echo "plant; quasi-static) with the same racks: the reference hall (72)"
    echo "and gen-site.sh 720.  CPU: user + sys of each process."
    echo
    echo "| racks | phase | simulated | ngspice CPU | dctwin CPU | dctwin states | ratio ngspice / dctwin |"
    echo "|---|---|---|---|---|---|---|"
    b5 72 in 3600
    b5 72 random "${B5_RANDOM_S:-5}"
    b5 720 in 3600
    b5 720 random "${B5_RANDOM_S:-5}"
    echo
    echo "Target: a ratio of at least 2 in every case.  The random-phase"
    echo "cases run ${B5_RANDOM_S:-5} s of simulated time in both tools"
    echo "(B5_RANDOM_S; an hour costs ngspice about 200 s of CPU at 72"
    echo "racks)."
else
    echo "ngspice is not installed (Debian package ngspice): B5 skipped."
fi
echo
} >>"$tmp/res"

# --------------------------------------------------------------- accuracy
# the guard of tests/cli_electrical.sh, at the bench's durations
acc() { # acc LABEL OPTION...
    lab=$1
    shift
    set +e
    "$DCTWIN" simulate "$top_srcdir/sites/reference-hall.xml" "$@" \
        --output-step 1s -q --out "$tmp/acc-ref" --rtol 1e-7 --atol 1e-6 \
        >/dev/null 2>&1
    sr=$?
    "$DCTWIN" simulate "$top_srcdir/sites/reference-hall.xml" "$@" \
        --output-step 1s -q --out "$tmp/acc-qs" --electrical=quasi-static \
        >/dev/null 2>&1
    sq=$?
    g=$(awk -f "$top_srcdir/tests/margin-guard.awk" "$tmp/acc-ref/margins.csv" \
        "$tmp/acc-qs/margins.csv" | tail -n 1)
    set -e
    echo "| $lab | $sr | $sq | $(json "$tmp/acc-ref/run.json" n_steps) | $(json "$tmp/acc-qs/run.json" n_steps) | ${g#margins } |"
}
echo "bench: accuracy guard" >&2
{
echo "## Accuracy: quasi-static against dynamic at rtol 1e-7"
echo
echo "Every margin's worst value within max(0.02 K, 0.1 % of its limit),"
echo "design margins also 0.1 % of their value (tests/margin-guard.awk);"
echo "the worst ratio is the largest difference over its tolerance (< 1"
echo "passes)."
echo
echo "| case | status dynamic 1e-7 | status quasi-static | steps dynamic 1e-7 | steps quasi-static | guard |"
echo "|---|---|---|---|---|---|"
acc "B1 llm-training 10 min" --profile llm-training --duration 10min
acc "B4 training-async ${B4_REF_S:-60} s" --profile training-async --duration "${B4_REF_S:-60}s"
acc "grid-loss 10 min" --scenario "$top_srcdir/sites/scenarios/grid-loss.xml" --duration 10min
acc "cdu-fail-2 10 min" --scenario "$top_srcdir/sites/scenarios/cdu-fail-2.xml" --duration 10min
echo
} >>"$tmp/res"

# --------------------------------------------------------------- B7
# b7 LABEL CMD...: one study, its wall and CPU time (GNU time counts the
# workers, which the study waits for), cases per second, and the time the
# workers spent in cases (the journal's wall_s) over workers x wall.
b7() {
    label=$1
    shift
    rm -rf "$tmp/b7"
    set +e
    if [ -x /usr/bin/time ]; then
        /usr/bin/time -f '%e %U %S' -o "$tmp/b7t" "$@" --out "$tmp/b7" -q \
            >/dev/null 2>"$tmp/err"
    else
        s0=$(date +%s.%N)
        "$@" --out "$tmp/b7" -q >/dev/null 2>"$tmp/err"
        echo "$(awk -v a="$s0" -v b="$(date +%s.%N)" 'BEGIN { print b - a }') 0 0" >"$tmp/b7t"
    fi
    st=$?
    set -e
    if [ "$st" -gt 1 ]; then
        cat "$tmp/err" >&2
        return 1
    fi
    set -- $(tail -n 1 "$tmp/b7t")
    n=$(($(wc -l <"$tmp/b7/journal.tsv") - 1))
    busy=$(tail -n +2 "$tmp/b7/journal.tsv" | cut -f14 |
        awk '{ s += $1 } END { print s }')
    echo "$label $1 $(awk -v u="$2" -v s="$3" 'BEGIN { print u + s }') $n $busy"
}
hall=$top_srcdir/sites/reference-hall.xml
has_mpi=0
if command -v mpirun >/dev/null 2>&1 && ldd "$DCTWIN" 2>/dev/null | grep -q libmpi; then
    has_mpi=1
fi
# b7_table DEPTH: -j 1, -j 2 and mpirun -np 2 of one study, one table
b7_table() {
    echo "bench: B7 contingency depth $1 of reference-hall, 10 min per case" >&2
    b7 "-j 1" "$DCTWIN" contingency "$hall" --depth "$1" --duration 10min \
        -j 1 >"$tmp/b7r"
    b7 "-j 2" "$DCTWIN" contingency "$hall" --depth "$1" --duration 10min \
        -j 2 >>"$tmp/b7r"
    if [ "$has_mpi" = 1 ]; then
        b7 "mpirun -np 2" mpirun --allow-run-as-root --oversubscribe -np 2 \
            "$DCTWIN" contingency "$hall" --depth "$1" --duration 10min \
            >>"$tmp/b7r"
    fi
    echo "| run | workers | cases | wall | CPU | cases / s | wall efficiency | CPU efficiency | busy |"
    echo "|---|---|---|---|---|---|---|---|---|"
    awk 'NR == 1 { w1 = $(NF-3); c1 = $(NF-2) }
         { lab = $1; for (i = 2; i <= NF - 4; i++) lab = lab " " $i
           k = (lab ~ /2$/) ? 2 : 1
           w = $(NF-3); c = $(NF-2); n = $(NF-1); b = $NF
           printf "| %s | %d | %d | %.2f s | %.2f s | %.2f | %.0f %% | %.0f %% | %.0f %% |\n",
               lab, k, n, w, c, n / w, 100 * w1 / (k * w), 100 * c1 / c,
               100 * b / (k * w) }' "$tmp/b7r"
    echo
}
{
echo "## B7: studies of the reference hall (10 min per case)"
echo
echo "N-1 (dctwin contingency --depth 1):"
echo
b7_table 1
echo "N-2 (--depth 2), a study long enough to amortise starting the"
echo "workers (and MPI's start, about 0.5 s of CPU per rank):"
echo
b7_table 2
echo "Wall efficiency: T(-j 1) / (workers x T); on a machine shared with"
echo "other work it measures the machine as much as dctwin.  CPU efficiency:"
echo "CPU time of -j 1 over CPU time of the parallel study (the work the"
echo "parallel run adds: processes, pipes, MPI).  Busy: the workers' time in"
echo "cases (journal wall_s) over workers x wall (how well the cases are"
echo "spread).  Targets: N-1 within 2 min wall at -j 2; efficiency >= 85 %."
echo
echo "## What limits them"
echo
echo "See tests/bench/README (profile of B1, memory of B2)."
} >>"$tmp/res"

cp "$tmp/res" "$out"
cat "$out"
