#!/bin/sh
# cli_rundir.sh - run directories are all or nothing (dctwin(1) FILES):
# every rename of a run failed in turn leaves the earlier run whole; two
# runs into one --out never mix (one holds the lock, the other is
# refused); readers refuse a directory without its manifest; --out
# symbolic links are refused; SIGINT and SIGTERM leave no directory, no
# temporary and no gnuplot behind, and SIGKILL's leftovers are removed by
# a later run; a plot that gnuplot leaves truncated is not published.
#
# A fake gnuplot (DCTWIN_GNUPLOT) stands for a full disk (it writes half a
# PNG and exits 0) and for a slow plot (it sleeps), so no real gnuplot is
# needed.  Every wait is a poll with a generous bound (a loaded machine).
#
# Environment (set by make check): DCTWIN, top_srcdir, DCTWIN_MODELS_PATH.
test_name=cli_rundir
. "${top_srcdir:-.}/tests/testlib.sh"
unset DCTWIN_GNUPLOT DCTWIN_FAULT || true

site="$top_srcdir/sites/gb200-row.xml"
# A run that lasts minutes (killed long before its end), small on disk.
long="--profile llm-training --duration 100h --output-step 60s -q
    --probe A01.T_j_degC"

# poll SHELL-CONDITION: true as soon as it holds, false after ~120 s.
poll() {
    i=0
    while [ "$i" -lt 1200 ]; do
        if eval "$1"; then return 0; fi
        sleep 0.1
        i=$((i + 1))
    done
    return 1
}
# The temporaries of --out DIR: its hidden siblings .NAME.tmp.PID.
tmps() { ls -a "$(dirname "$1")" | grep -F ".$(basename "$1").tmp." || true; }
has_tmp() { [ -n "$(tmps "$1")" ]; }
# The run in DIR is whole: its manifest lists every file and each matches.
whole() { test -s "$1/manifest.sha256" && (cd "$1" && sha256sum -c --quiet manifest.sha256); }
# Every file of DIR with its digest, one a line.
digest() { (cd "$1" && sha256sum $(ls | LC_ALL=C sort)); }
# The duration of the run in DIR, from run.json and from timeseries.csv.
dur_json() { json "$1/run.json" duration_s; }
dur_ts() { tail -n 1 "$1/timeseries.csv" | cut -d, -f1; }
alive() { kill -0 "$1" 2>/dev/null; }
# erun VAR=VALUE ARG...: run with one more environment variable (an
# assignment before a shell function may outlive the call).
erun() {
    e=$1
    shift
    set +e
    env "$e" "$DCTWIN" "$@" >"$tmp/out" 2>"$tmp/err"
    rc=$?
    set -e
}

# --- every rename failed in turn: the earlier run stays whole -------------
run simulate "$site" --duration 20s -q --out "$tmp/r"
check "first run (exit $rc)" test "$rc" = 0
check "first run is whole" whole "$tmp/r"
digest "$tmp/r" >"$tmp/d0"
n=1
while [ "$n" -le 40 ]; do
    erun DCTWIN_FAULT=rename:$n simulate "$site" --duration 30s -q --out "$tmp/r"
    [ "$rc" = 0 ] && break
    check "rename $n failed: exit 5 (exit $rc)" test "$rc" = 5
    check "rename $n failed: the earlier run is untouched" \
        sh -c "cd '$tmp/r' && sha256sum \$(ls | LC_ALL=C sort) | cmp -s - '$tmp/d0'"
    check "rename $n failed: no temporary left ($(tmps "$tmp/r"))" \
        test -z "$(tmps "$tmp/r")"
    n=$((n + 1))
done
check "the fault hook made renames fail (runs that failed: $((n - 1)))" \
    test "$n" -ge 3 -a "$n" -le 40
check "then the run succeeds, whole" whole "$tmp/r"
check "and replaces the earlier one (duration $(dur_json "$tmp/r"))" \
    test "$(dur_json "$tmp/r")" = 30
# the same into a fresh --out: nothing at all appears
for k in 1 2 3 4 5 6 7 8 9; do
    erun DCTWIN_FAULT=rename:$k simulate "$site" --duration 10s -q \
        --out "$tmp/f$k"
    check "fresh --out, rename $k failed: exit 5 and no directory (exit $rc)" \
        test "$rc" = 5 -a ! -e "$tmp/f$k" -a -z "$(tmps "$tmp/f$k")"
done

# --- readers refuse an incomplete run directory ---------------------------
# what the old code left: the files of one run with another's run.json
run simulate "$site" --duration 10s -q --out "$tmp/a"
mkdir "$tmp/mix"
cp "$tmp/a"/*.csv "$tmp/a"/margins.json "$tmp/a"/margins.txt "$tmp/mix/"
cp "$tmp/r/run.json" "$tmp/mix/"
run margins "$tmp/mix"
check "margins DIR without a manifest: exit 3 (exit $rc)" test "$rc" = 3
check "margins DIR without a manifest: says so" \
    grep -q "mix: error: not a complete run directory: no manifest.sha256" "$tmp/err"
check "margins DIR without a manifest: no table" test ! -s "$tmp/out"
run plot "$tmp/mix"
check "plot DIR without a manifest: exit 3 (exit $rc)" test "$rc" = 3
cp -R "$tmp/a" "$tmp/gone"
rm "$tmp/gone/margins.json"
run margins "$tmp/gone"
check "a file of the manifest missing: exit 3 (exit $rc)" test "$rc" = 3
check "a file of the manifest missing: named" \
    grep -q "incomplete run directory: margins.json, listed in manifest.sha256, is missing" "$tmp/err"
run margins "$tmp/a"
check "a whole run directory is read (exit $rc)" test "$rc" = 0

# --- --out: symbolic links, names, foreign files --------------------------
mkdir "$tmp/target"
ln -s "$tmp/target" "$tmp/link"
run simulate "$site" --duration 10s -q --out "$tmp/link"
check "--out a symbolic link: exit 5 (exit $rc)" test "$rc" = 5
check "--out a symbolic link: says so" grep -q "link: error: the run directory is a symbolic link" "$tmp/err"
check "--out a symbolic link: nothing written through it" test -z "$(ls -A "$tmp/target")"
check "--out a symbolic link: the link kept" test -L "$tmp/link"
ln -s "$tmp/nowhere" "$tmp/dangling"
run simulate "$site" --duration 10s -q --out "$tmp/dangling"
check "--out a dangling link: exit 5, nothing created (exit $rc)" \
    test "$rc" = 5 -a ! -e "$tmp/nowhere"
run simulate "$site" --duration 10s -q --out ''
check "--out '': exit 2 (exit $rc)" test "$rc" = 2
echo mine >"$tmp/a/notes.txt"
run simulate "$site" --duration 10s -q --out "$tmp/a"
check "--out holding a file no run writes: exit 5 (exit $rc)" test "$rc" = 5
check "--out holding a file no run writes: named" grep -q "holds 'notes.txt'" "$tmp/err"
check "--out holding a file no run writes: kept" test "$(cat "$tmp/a/notes.txt")" = mine
rm "$tmp/a/notes.txt"

# --- --grid-trace DIR/grid.csv: a file of the run, published with it -------
for k in 1 2; do
    run simulate "$top_srcdir/sites/bess-qual.xml" --duration 5s -q \
        --grid-trace "$tmp/g/grid.csv" --out "$tmp/g"
    check "--grid-trace into the run directory, run $k (exit $rc)" test "$rc" = 0
    check "--grid-trace into the run directory, run $k: in its manifest" \
        grep -q '  grid.csv$' "$tmp/g/manifest.sha256"
    check "--grid-trace into the run directory, run $k: whole" whole "$tmp/g"
done

# --- two runs into one --out ----------------------------------------------
# one holds the lock: the other is refused at once and touches nothing
set +e
"$DCTWIN" simulate "$site" $long --out "$tmp/c" >/dev/null 2>"$tmp/lerr" &
lpid=$!
set -e
check "a long run starts writing" poll 'has_tmp "$tmp/c"'
run simulate "$site" --duration 10s -q --out "$tmp/c"
check "second run into a locked --out: exit 5 (exit $rc)" test "$rc" = 5
check "second run into a locked --out: says why" \
    grep -q "c: error: another dctwin is writing or reading this run directory (it is locked)" "$tmp/err"
run margins "$tmp/c"
check "margins DIR of a run being written: exit 3 (exit $rc)" test "$rc" = 3
run plot "$tmp/c"
check "plot DIR of a run being written: exit 3 (exit $rc)" test "$rc" = 3
check "the long run is still running" alive "$lpid"
# SIGINT into a fresh --out: no directory at all
kill -INT "$lpid"
set +e
wait "$lpid"
rc=$?
set -e
check "SIGINT: exit 130 (exit $rc)" test "$rc" = 130
check "SIGINT into a fresh --out: no directory left" test ! -e "$tmp/c"
check "SIGINT: no temporary left ($(tmps "$tmp/c"))" test -z "$(tmps "$tmp/c")"
# started together: one or both succeed, never a mixture
for k in 1 2 3 4 5 6; do
    set +e
    "$DCTWIN" simulate "$site" --duration 20s -q --out "$tmp/m" 2>"$tmp/e1" &
    p1=$!
    "$DCTWIN" simulate "$site" --duration 30s -q --out "$tmp/m" 2>"$tmp/e2" &
    p2=$!
    wait "$p1"
    r1=$?
    wait "$p2"
    r2=$?
    set -e
    check "pair $k: each exits 0 or 5 ($r1, $r2)" \
        sh -c "[ $r1 = 0 -o $r1 = 5 ] && [ $r2 = 0 -o $r2 = 5 ] && [ $r1 = 0 -o $r2 = 0 ]"
    for e in 1 2; do
        eval "r=\$r$e"
        [ "$r" = 5 ] && check "pair $k: the refused run says it was locked" \
            grep -q "it is locked" "$tmp/e$e"
    done
    check "pair $k: the run directory is whole" whole "$tmp/m"
    check "pair $k: run.json and timeseries.csv are of one run ($(dur_json "$tmp/m") s, $(dur_ts "$tmp/m") s)" \
        test "$(dur_json "$tmp/m")" = "$(dur_ts "$tmp/m")"
    check "pair $k: no temporary left" test -z "$(tmps "$tmp/m")"
done

# --- SIGTERM into an existing run: it stays as it was ---------------------
digest "$tmp/a" >"$tmp/da"
set +e
"$DCTWIN" simulate "$site" $long --out "$tmp/a" >/dev/null 2>&1 &
lpid=$!
set -e
check "a long run into an existing --out starts" poll 'has_tmp "$tmp/a"'
kill -TERM "$lpid"
set +e
wait "$lpid"
rc=$?
set -e
check "SIGTERM: exit 143 (exit $rc)" test "$rc" = 143
check "SIGTERM: the earlier run untouched" \
    sh -c "cd '$tmp/a' && sha256sum \$(ls | LC_ALL=C sort) | cmp -s - '$tmp/da'"
check "SIGTERM: no temporary left" test -z "$(tmps "$tmp/a")"

# --- SIGKILL leaves a temporary; the next run removes it ------------------
set +e
"$DCTWIN" simulate "$site" $long --out "$tmp/k" >/dev/null 2>&1 &
lpid=$!
set -e
check "a long run into --out k starts" poll 'has_tmp "$tmp/k"'
kill -KILL "$lpid"
set +e
wait "$lpid"
set -e
check "SIGKILL leaves its temporary" has_tmp "$tmp/k"
run simulate "$site" --duration 10s -q --out "$tmp/k"
check "the next run into k succeeds (exit $rc)" test "$rc" = 0
check "and removed the dead run's temporary ($(tmps "$tmp/k"))" test -z "$(tmps "$tmp/k")"
check "and is whole" whole "$tmp/k"

# --- margins SITE: no temporary directory left ----------------------------
mkdir "$tmp/tmpdir"
set +e
TMPDIR="$tmp/tmpdir" "$DCTWIN" margins "$site" $long >/dev/null 2>&1 &
lpid=$!
set -e
check "margins SITE starts" poll '[ -n "$(ls -A "$tmp/tmpdir")" ]'
kill -INT "$lpid"
set +e
wait "$lpid"
rc=$?
set -e
check "margins SITE, SIGINT: exit 130 (exit $rc)" test "$rc" = 130
check "margins SITE, SIGINT: nothing left in TMPDIR ($(ls -A "$tmp/tmpdir"))" \
    test -z "$(ls -A "$tmp/tmpdir")"
set +e
TMPDIR="$tmp/tmpdir" "$DCTWIN" margins "$site" $long >/dev/null 2>&1 &
lpid=$!
set -e
check "margins SITE starts again" poll '[ -n "$(ls -A "$tmp/tmpdir")" ]'
kill -KILL "$lpid"
set +e
wait "$lpid"
set -e
erun TMPDIR="$tmp/tmpdir" margins "$site" --duration 10s
check "margins SITE after a SIGKILL (exit $rc)" test "$rc" = 0
check "the killed margins' directories removed ($(ls -A "$tmp/tmpdir"))" \
    test -z "$(ls -A "$tmp/tmpdir")"

# --- plots: a fake gnuplot --------------------------------------------------
# The file gnuplot is told to write: outfile='...' in its -e argument.
cat >"$tmp/fakegp" <<'EOF'
#!/bin/sh
out=$(printf '%s\n' "$2" | tr ';' '\n' | sed -n "s/^outfile='\(.*\)'\$/\1/p")
case $FAKEGP in
half) # a full disk: half a PNG, and exit 0 as gnuplot does after ENOSPC
    printf '\211PNG\r\n\032\n\0\0\0\rIHDR' >"$out" ;;
whole) # signature ... IEND
    printf '\211PNG\r\n\032\n\0\0\0\0IEND\256B`\202' >"$out" ;;
svg) printf '<svg xmlns="http://www.w3.org/2000/svg">\n<g>\n' >"$out" ;;
pdf) printf '%%PDF-1.5\n1 0 obj\n' >"$out" ;;
slow) # writes its pid, then its plot much later
    echo $$ >"$FAKEGP_PID"
    i=0
    while [ $i -lt 600 ]; do sleep 0.1; i=$((i + 1)); done
    printf 'late' >"$out" ;;
esac
exit 0
EOF
chmod +x "$tmp/fakegp"
DCTWIN_GNUPLOT="$tmp/fakegp"
export DCTWIN_GNUPLOT
erun FAKEGP=half simulate "$site" --duration 10s -q --plot --out "$tmp/p"
check "a truncated PNG: simulate --plot exits 5 (exit $rc)" test "$rc" = 5
check "a truncated PNG: said" grep -q "the png is incomplete (no IEND chunk at its end" "$tmp/err"
check "a truncated PNG: nothing published" test ! -e "$tmp/p" -a -z "$(tmps "$tmp/p")"
erun FAKEGP=half plot "$tmp/r"
check "a truncated PNG: plot exits 5 (exit $rc)" test "$rc" = 5
check "a truncated PNG: no PNG in the run" sh -c "! ls '$tmp/r' | grep -q 'png'"
erun FAKEGP=whole plot "$tmp/r"
check "a whole PNG: plot exits 0 (exit $rc: $(head -c 300 "$tmp/err"))" test "$rc" = 0
check "a whole PNG: published" test -s "$tmp/r/temperatures.png"
erun FAKEGP=svg plot --format svg --out "$tmp/svg" "$tmp/r"
check "an SVG without </svg>: exit 5 (exit $rc)" test "$rc" = 5
check "an SVG without </svg>: said" grep -q "no closing </svg>" "$tmp/err"
erun FAKEGP=pdf plot --format pdf --out "$tmp/pdf" "$tmp/r"
check "a PDF without %%EOF: exit 5 (exit $rc)" test "$rc" = 5
check "a PDF without %%EOF: said" grep -q "no %%EOF trailer" "$tmp/err"
check "no plot and no temporary in the plot directories" \
    test -z "$(ls -A "$tmp/svg" "$tmp/pdf" | grep -v ':$' | grep -v '^$' || true)"
erun FAKEGP=whole simulate "$site" --duration 10s -q --plot --out "$tmp/p2"
check "simulate --plot with whole plots (exit $rc)" test "$rc" = 0
check "simulate --plot: published with its plots" \
    test -s "$tmp/p2/temperatures.png" -a -s "$tmp/p2/run.json"

# SIGINT while gnuplot draws: gnuplot killed, nothing left, not even later
FAKEGP=slow
FAKEGP_PID="$tmp/gp.pid"
export FAKEGP
export FAKEGP_PID
# interrupt WHAT ARG...: dctwin ARG... in the background, SIGINT once the
# slow gnuplot has started; then its status is 130 and gnuplot is gone.
interrupt() {
    what=$1
    shift
    rm -f "$tmp/gp.pid"
    set +e
    "$DCTWIN" "$@" >/dev/null 2>&1 &
    lpid=$!
    set -e
    check "$what: the slow gnuplot starts" poll 'test -s "$tmp/gp.pid"'
    gp=$(cat "$tmp/gp.pid")
    kill -INT "$lpid"
    set +e
    wait "$lpid"
    rc=$?
    set -e
    check "$what, SIGINT: exit 130 (exit $rc)" test "$rc" = 130
    check "$what, SIGINT: gnuplot is gone" sh -c "! kill -0 $gp 2>/dev/null"
}
interrupt "simulate --plot" simulate "$site" --duration 10s -q --plot \
    --out "$tmp/ps"
check "simulate --plot, SIGINT: no directory" \
    test ! -e "$tmp/ps" -a -z "$(tmps "$tmp/ps")"
# the same for `dctwin plot` into a run directory
interrupt plot plot "$tmp/k"
sleep 1
check "plot, SIGINT: no temporary, then or later ($(ls "$tmp/k" | grep tmp || true))" \
    sh -c "! ls '$tmp/k' | grep -q '\.tmp\.'"
check "plot, SIGINT: the run is still whole" whole "$tmp/k"

finish
