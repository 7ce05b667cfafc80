#!/bin/sh
# cli_plot.sh - `dctwin plot` and `simulate --plot`: PNG, SVG and PDF of a
# short gb200-row run, the plots a run without a battery does not get, a
# missing gnuplot (a warning, status 0, the data kept), usage and input
# errors, and run directory names that would break or inject into
# gnuplot's command line if they were not quoted.
#
# Skipped (77) without gnuplot.  Environment (set by make check): DCTWIN,
# top_srcdir, DCTWIN_MODELS_PATH, DCTWIN_PLOTS_PATH.
test_name=cli_plot
. "${top_srcdir:-.}/tests/testlib.sh"
unset DCTWIN_GNUPLOT || true

if ! command -v gnuplot >/dev/null 2>&1; then
    echo "cli_plot.sh: gnuplot not on PATH; skipped"
    exit 77
fi

# The first N bytes of FILE in hex, no spaces.
magic() { head -c "$2" "$1" | od -An -tx1 | tr -d ' \n'; }
is_png() { test -s "$1" && test "$(magic "$1" 8)" = 89504e470d0a1a0a; }
is_svg() { test -s "$1" && head -c 200 "$1" | grep -q '<svg'; }
is_pdf() { test -s "$1" && test "$(magic "$1" 5)" = 255044462d; }
no_tmp() { ! ls "$1" | grep -q '\.tmp\.'; }
# The data files of a run, digested: plotting must not touch them.
digest() {
    (cd "$1" && cat timeseries.csv events.csv margins.csv margins.json \
        margins.txt run.json) | cksum
}

site="$top_srcdir/sites/gb200-row.xml"
run simulate "$site" --duration 60s -q --out "$tmp/run"
check "simulate gb200-row for 60 s (exit $rc)" test "$rc" = 0
before=$(digest "$tmp/run")

# --- PNG into the run directory -------------------------------------------
run plot "$tmp/run"
check "plot exits 0 (exit $rc: $(cat "$tmp/err"))" test "$rc" = 0
check "plot writes nothing on stdout" test ! -s "$tmp/out"
for p in temperatures coolant cdu bus busway grid margins margins-time; do
    check "$p.png is a PNG" is_png "$tmp/run/$p.png"
done
check "no bess.png for a site without a battery" test ! -e "$tmp/run/bess.png"
check "no temporary file left" no_tmp "$tmp/run"
check "the data files are untouched" test "$(digest "$tmp/run")" = "$before"

# --- what goes to gnuplot: the columns and limits chosen ---------------------
# A wrapper records gnuplot's arguments and the header of the plot data it
# is given.  gb200-row has 8 racks (more than 4: a band and the 3 worst as
# lines), one busway (a line, its ampacity), one DC bus (its band).  The
# plot data holds only the columns drawn: the lines in the order of the
# plot table (temperatures first), then the bands.
cat >"$tmp/gpwrap" <<EOF2
#!/bin/sh
printf '%s\n' "\$@" >>"$tmp/args"
f=\$(printf '%s\n' "\$2" | tr ';' '\n' | sed -n "s/^datafile='\\(.*\\)'\$/\\1/p")
case \$f in *plot-data.csv.tmp.*) head -n 1 "\$f" >"$tmp/header"; cp "\$f" "$tmp/pdata" ;; esac
case \$f in *plot-margins.csv.tmp.*) cp "\$f" "$tmp/mkinds" ;; esac
exec gnuplot "\$@"
EOF2
chmod +x "$tmp/gpwrap"
set +e
DCTWIN_GNUPLOT="$tmp/gpwrap" "$DCTWIN" plot --out "$tmp/wrapped" "$tmp/run" \
    >"$tmp/out" 2>"$tmp/err"
rc=$?
set -e
check "DCTWIN_GNUPLOT is run (exit $rc)" test "$rc" = 0 -a -s "$tmp/args"
defs() { grep "outfile='[^']*/$1\.png\.tmp\." "$tmp/args" | tr ';' '\n'; }
# column N of the plot data's header
hdr() { tr ',' '\n' <"$tmp/header" | sed -n "$1p"; }
check "plot data: t_s first" test "$(hdr 1)" = t_s
check "plot data: 3 racks' T_j_hot_degC next" \
    test "$(hdr 2,4 | grep -c '^A0[1-8]\.T_j_hot_degC$')" = 3
check "plot data: the worst rack first (ties: in column order)" \
    test "$(hdr 2)" = A01.T_j_hot_degC
# narrow: the lines drawn, their extremes and the bands, fewer columns
# than timeseries.csv alone
check "plot data: narrow" test "$(hdr "1,\$" | wc -l)" -lt \
    "$(head -n 1 "$tmp/run/timeseries.csv" | tr ',' '\n' | wc -l)"
check "plot data: bands last" \
    test "$(tr ',' '\n' <"$tmp/header" | tail -n 1)" = \
    "band$(tr ',' '\n' <"$tmp/header" | grep -c '_mean$')_max"
defs temperatures >"$tmp/t"
check "temperatures: 3 worst racks as lines" grep -qx "p1_cols='2 3 4'" "$tmp/t"
nb=$(tr ',' '\n' <"$tmp/header" | grep -n '^band1_min$' | cut -d: -f1)
check "temperatures: the 8 racks as band 1" grep -qx "p1_band='$nb'" "$tmp/t"
check "temperatures: band title" \
    grep -qx "p1_bandname1='8 racks: min-max, mean'" "$tmp/t"
check "temperatures: throttle limit" \
    grep -qx "p1_limname1='T_j_hot throttle 85 degC'" "$tmp/t"
check "temperatures: trip limit" grep -qx "p1_lim2='92'" "$tmp/t"
check "temperatures: the plot data is a temporary file" \
    grep -q "^datafile='$tmp/wrapped/plot-data.csv.tmp.[0-9]*'\$" "$tmp/t"
check "temperatures: the title names site and run" \
    grep -qx "title='gb200-row: temperatures ($tmp/run)'" "$tmp/t"
defs busway >"$tmp/b"
bw=$(tr ',' '\n' <"$tmp/header" | grep -n '^bw-a\.I_A$' | cut -d: -f1)
check "busway: one busway, a line" grep -qx "p1_cols='$bw'" "$tmp/b"
check "busway: its ampacity" grep -qx "p1_limname1='I ampacity 1500 A'" "$tmp/b"
defs bus >"$tmp/v"
check "bus: the band limits 760 V and 840 V" \
    sh -c "grep -qx \"p1_lim.='760'\" '$tmp/v' && grep -qx \"p1_lim.='840'\" '$tmp/v'"
check "temperatures: the key names component, quantity and unit" \
    grep -qx "p1_title1='A01 GPU hot-spot temperature \[degC\]'" "$tmp/t"
check "temperatures: a GPU throttling panel (gpu_power_pct)" \
    grep -qx "p4_title1='A0[1-8] GPU power \[%\]'" "$tmp/t"
check "temperatures: no events, no markers" grep -qx "nev='0'" "$tmp/t"
check "margins: a bar per kind, its worst member named" \
    grep -q '^T_j_hot.throttle: A0[1-8] (worst of 8),degC,85,' "$tmp/mkinds"
check "margins: not a bar per instance" \
    test "$(grep -c '^T_j_hot.throttle' "$tmp/mkinds")" = 1
check "margins: the kinds, binding first" \
    test "$(sed -n 2p "$tmp/mkinds" | cut -d, -f1)" = \
    "$(sed -n 2p "$tmp/run/margins.csv" | cut -d, -f1 | cut -d. -f2-): $(sed -n 2p "$tmp/run/margins.csv" | cut -d, -f2)$(
        n=$(sed 1d "$tmp/run/margins.csv" | cut -d, -f1 | cut -d. -f2- | grep -cx "$(sed -n 2p "$tmp/run/margins.csv" | cut -d, -f1 | cut -d. -f2-)"); test "$n" -gt 1 && echo " (worst of $n)")"
check "the plot data is gone" test ! -e "$tmp/wrapped/plot-data.csv" -a \
    "$(ls "$tmp/wrapped" | grep -c tmp)" = 0

# --- event markers and distinct limit lines --------------------------------
# A grid loss at 30 s and its return at 50 s: the scenario's events are
# markers on every time-series plot, labelled; the margin crossings of
# events.csv are not.
cat >"$tmp/gl.xml" <<'EOF2'
<scenario name="gl"><event t="30 s" fail="utility"/>
<event t="50 s" restore="utility"/></scenario>
EOF2
run simulate "$site" --scenario "$tmp/gl.xml" --duration 60s -q --out "$tmp/glrun"
check "simulate with a grid loss (exit $rc)" test "$rc" = 0 -o "$rc" = 1
rm -f "$tmp/args"
set +e
DCTWIN_GNUPLOT="$tmp/gpwrap" "$DCTWIN" plot --format svg --out "$tmp/glplot" \
    "$tmp/glrun" >"$tmp/out" 2>"$tmp/err"
rc=$?
set -e
check "plot of the grid loss (exit $rc)" test "$rc" = 0
grep "outfile='[^']*/grid\.svg\.tmp\." "$tmp/args" | tr ';' '\n' >"$tmp/g"
check "grid: the grid loss at 30 s, a marker" grep -qx "ev1='30'" "$tmp/g"
check "grid: its label" grep -qx "evname1='utility grid-loss'" "$tmp/g"
check "grid: the return at 50 s" grep -qx "ev2='50'" "$tmp/g"
check "grid: no margin crossings as markers" \
    sh -c "! grep -q '^evname.*margin-violated' '$tmp/g'"
check "grid: the markers drawn in the SVG" \
    grep -q "utility grid-loss" "$tmp/glplot/grid.svg"
grep "outfile='[^']*/margins-time\.svg\.tmp\." "$tmp/args" | tr ';' '\n' \
    >"$tmp/mt"
check "margins-time: the grid loss at 30 s, a marker" grep -qx "ev1='30'" "$tmp/mt"
check "margins-time: its label" grep -qx "evname1='utility grid-loss'" "$tmp/mt"
check "margins-time: the markers drawn in the SVG" \
    grep -q "utility grid-loss" "$tmp/glplot/margins-time.svg"
# many events: at most 8 markers, the scenario's first, none of the
# margin crossings (which come by the hundred)
cp -R "$tmp/glrun" "$tmp/many"
i=0
while test $i -lt 40; do
    echo "$((i + 1)),A0$((i % 8 + 1)),margin-violated:A01.T_j_hot.throttle"
    i=$((i + 1))
done >>"$tmp/many/events.csv"
echo "55,ambient,set-dry-bulb" >>"$tmp/many/events.csv"
(cd "$tmp/many" && sha256sum $(ls | grep -v '^manifest') >manifest.sha256)
rm -f "$tmp/args"
set +e
DCTWIN_GNUPLOT="$tmp/gpwrap" "$DCTWIN" plot --out "$tmp/manyplot" \
    "$tmp/many" >"$tmp/out" 2>"$tmp/err"
rc=$?
set -e
grep "outfile='[^']*/grid\.png\.tmp\." "$tmp/args" | tr ';' '\n' >"$tmp/m"
check "many events: plotted (exit $rc: $(cat "$tmp/err"))" test "$rc" = 0
check "many events: the 3 scenario events, no crossings" \
    sh -c "grep -qx \"nev='3'\" '$tmp/m' &&
           grep -qx \"evname3='ambient set-dry-bulb'\" '$tmp/m'"
# the y range holds every series and limit with room to spare: the
# import falls to 0 kW during the loss, the contract is 1500 kW
yr() { sed -n "s/^p1_$1='\(.*\)'\$/\1/p" "$tmp/g"; }
check "grid: the y range spans 0 kW with room ($(yr ymin))" \
    awk -v y="$(yr ymin)" 'BEGIN { exit !(y != "" && y < 0) }'
check "grid: the y range spans the contract with room ($(yr ymax))" \
    awk -v y="$(yr ymax)" 'BEGIN { exit !(y != "" && y > 1500) }'
# the second limit of a panel (the trip after the throttle) in its own
# colour, #7b3294
check "temperatures: the second limit has its own colour" \
    grep -qi "rgb(123, *50, *148)\|#7b3294" "$tmp/glplot/temperatures.svg"

# --- plotted peaks are the tabled worst values --------------------------------
# A grid loss on the reference hall, its 8 busways given the 1,500 A of
# the NVIDIA reference block's (the site's are 4,000 A), overloads them:
# the peak current (about 1,555 A) falls between two 1 s rows.
# The plot draws each line with extremes.csv's band of its extremes
# between rows: for each margin of class run whose column is drawn as a
# line, the highest point drawn (lowest for a lower limit) is the
# margin's worst in margins.csv, to the 6 significant digits of the
# files.
bw1500=
for b in a1 a2 b1 b2 c1 c2 d1 d2; do bw1500="$bw1500 --set bw-$b.ampacity=1500A"; done
# shellcheck disable=SC2086
run simulate "$top_srcdir/sites/reference-hall.xml" -q --duration 6min \
    --scenario "$top_srcdir/sites/scenarios/grid-loss.xml" $bw1500 --out "$tmp/rh"
check "reference hall grid loss (exit $rc)" test "$rc" -le 1
check "the run has extremes.csv, a row for each of timeseries.csv's" \
    test "$(wc -l <"$tmp/rh/extremes.csv")" = "$(wc -l <"$tmp/rh/timeseries.csv")"
rm -f "$tmp/pdata"
set +e
DCTWIN_GNUPLOT="$tmp/gpwrap" "$DCTWIN" plot --out "$tmp/rhplot" "$tmp/rh" \
    >"$tmp/out" 2>"$tmp/err"
rc=$?
set -e
check "plot of the reference hall's grid loss (exit $rc)" test "$rc" = 0
# margins.csv: id,component,quantity,unit,kind,limit,worst,...,class
# ($13); a column COMP.QTY_UNIT (% written pct); the drawn peak: the
# extremes of a line (COL_max, COL_min) when drawn, else the line itself
awk -F, '
    FILENAME ~ /extremes\.csv$/ { for (i = 2; i <= NF; i++) hasx[$i] = 1
                                  nextfile }
    FILENAME ~ /margins\.csv$/ && FNR == 1 { next }
    FILENAME ~ /margins\.csv$/ { if ($13 == "run") { u = $4 == "%" ? "pct" : $4
                  col = $2 "." $3 (u != "" ? "_" u : "")
                  want[++n] = col; kind[n] = $5; worst[n] = $7; id[n] = $1 }
                next }
    FNR == 1 { for (i = 1; i <= NF; i++) at[$i] = i; next }
    { for (k = 1; k <= n; k++) {
          c = want[k]
          if (!((c "_max") in hasx)) continue   # no extremes: a magnitude
          j = kind[k] == "upper" ? at[c "_max"] : at[c "_min"]
          if (!j) j = at[c]
          if (!j) continue
          v = $j + 0
          if (!(k in pk) || (kind[k] == "upper" ? v > pk[k] : v < pk[k]))
              pk[k] = v
      } }
    END { for (k = 1; k <= n; k++) if (k in pk) {
              d = pk[k] - worst[k]; if (d < 0) d = -d
              a = worst[k] < 0 ? -worst[k] : worst[k]
              print (d <= 5e-6 * a + 1e-9 ? "ok" : "BAD"), id[k], pk[k], worst[k] } }
' "$tmp/rh/extremes.csv" "$tmp/rh/margins.csv" "$tmp/pdata" >"$tmp/peaks"
check "some margins have their column drawn ($(wc -l <"$tmp/peaks"))" \
    test "$(wc -l <"$tmp/peaks")" -gt 10
bwpk=$(awk '$1 == "ok" && $2 == "bw-a1.I.ampacity" { print $3 }' "$tmp/peaks")
check "a busway's current is one of them, above its ampacity ($bwpk A)" \
    awk -v p="$bwpk" 'BEGIN { exit !(p != "" && p > 1500) }'
check "every drawn peak is the tabled worst ($(grep BAD "$tmp/peaks" | head -n 3 | tr '\n' ';'))" \
    sh -c "! grep -q BAD '$tmp/peaks'"
defs busway >"$tmp/b"
check "busway: the lines' extremes drawn (p1_env)" grep -q "^p1_env='[1-9]" "$tmp/b"
check "busway: the y range holds the peak ($(sed -n "s/^p1_ymax='\(.*\)'\$/\1/p" "$tmp/b"))" \
    awk -v y="$(sed -n "s/^p1_ymax='\(.*\)'\$/\1/p" "$tmp/b")" -v p="$bwpk" 'BEGIN { exit !(y >= p) }'

# --- SVG and PDF into --out -------------------------------------------------
run plot --format svg --out "$tmp/svg/sub" "$tmp/run"
check "--format svg exits 0 (exit $rc)" test "$rc" = 0
for p in temperatures busway margins; do
    check "$p.svg is an SVG" is_svg "$tmp/svg/sub/$p.svg"
done
check "--out: no PNG there" test ! -e "$tmp/svg/sub/temperatures.png"
run plot --format=pdf --out "$tmp/pdf" "$tmp/run"
check "--format pdf exits 0 (exit $rc)" test "$rc" = 0
check "bus.pdf is a PDF" is_pdf "$tmp/pdf/bus.pdf"

# --- errors -----------------------------------------------------------------
run plot --format jpeg "$tmp/run"
check "bad --format: exit 2 (exit $rc)" test "$rc" = 2
check "bad --format: says what is expected" \
    grep -q "expected png, svg or pdf" "$tmp/err"
run plot
check "no RUNDIR: exit 2 (exit $rc)" test "$rc" = 2
run plot "$tmp/no-such-run"
check "missing run directory: exit 3 (exit $rc)" test "$rc" = 3
check "missing run directory: named in the error" \
    grep -q "no-such-run: error: not a run directory" "$tmp/err"
mkdir "$tmp/empty-dir"
run plot "$tmp/empty-dir"
check "directory without a manifest: exit 3 (exit $rc)" test "$rc" = 3
check "directory without a manifest: refused as incomplete" \
    grep -q "empty-dir: error: not a complete run directory: no manifest.sha256" \
    "$tmp/err"
mkdir "$tmp/bad-run"
printf 't_s,A01.T_j_degC\n0,1\n1,x\n' >"$tmp/bad-run/timeseries.csv"
(cd "$tmp/bad-run" && sha256sum timeseries.csv >manifest.sha256)
run plot "$tmp/bad-run"
check "malformed row: exit 3 (exit $rc)" test "$rc" = 3
check "malformed row: file and line" \
    grep -q "bad-run/timeseries.csv:3: error: expected 2 numbers" "$tmp/err"
# extremes.csv that does not go with timeseries.csv: each an error with
# its file and line, exit 3
xbad() { # NAME TIMESERIES EXTREMES
    mkdir "$tmp/$1"
    printf "$2" >"$tmp/$1/timeseries.csv"
    printf "$3" >"$tmp/$1/extremes.csv"
    (cd "$tmp/$1" && sha256sum timeseries.csv extremes.csv >manifest.sha256)
    run plot "$tmp/$1"
}
ts='t_s,bw.I_A\n0,1\n1,2\n'
xbad x-rows "$ts" 't_s,bw.I_A_min,bw.I_A_max\n0,1,1\n'
check "extremes.csv short: exit 3 (exit $rc)" test "$rc" = 3
check "extremes.csv short: file and line" \
    grep -q "x-rows/extremes.csv:3: error: ends before timeseries.csv" "$tmp/err"
xbad x-more "$ts" 't_s,bw.I_A_min,bw.I_A_max\n0,1,1\n1,1,2\n2,2,2\n'
check "extremes.csv longer: exit 3 (exit $rc)" test "$rc" = 3
check "extremes.csv longer: file and line" \
    grep -q "x-more/extremes.csv:4: error: more rows than timeseries.csv" "$tmp/err"
xbad x-time "$ts" 't_s,bw.I_A_min,bw.I_A_max\n0,1,1\n2,1,2\n'
check "extremes.csv at another time: exit 3 (exit $rc)" test "$rc" = 3
check "extremes.csv at another time: file, line and the times" \
    grep -q "x-time/extremes.csv:3: error: t_s 2: expected 1" "$tmp/err"
xbad x-col "$ts" 't_s,bw.V_V_min,bw.V_V_max\n0,1,1\n1,1,2\n'
check "extremes.csv of a column not in timeseries.csv: exit 3 (exit $rc)" test "$rc" = 3
check "extremes.csv of a column not in timeseries.csv: named" \
    grep -q "x-col/extremes.csv:1: error: column 'bw.V_V_min': timeseries.csv has no column 'bw.V_V'" "$tmp/err"
xbad x-pair "$ts" 't_s,bw.I_A_min,bw.T_max\n0,1,1\n1,1,2\n'
check "extremes.csv not in pairs: exit 3 (exit $rc)" test "$rc" = 3
check "extremes.csv not in pairs: named" \
    grep -q "x-pair/extremes.csv:1: error: column 2 'bw.I_A_min': expected a pair" "$tmp/err"
xbad x-num "$ts" 't_s,bw.I_A_min,bw.I_A_max\n0,1,1\n1,1,z\n'
check "extremes.csv not a number: exit 3 (exit $rc)" test "$rc" = 3
check "extremes.csv not a number: file and line" \
    grep -q "x-num/extremes.csv:3: error: expected 3 numbers" "$tmp/err"

run simulate "$site" --duration 10s -q --plot-format gif --out "$tmp/r2"
check "simulate --plot-format gif: exit 2 (exit $rc)" test "$rc" = 2
check "simulate --plot-format gif: no run directory" test ! -e "$tmp/r2"

run margins "$site" --duration 10s --plot
check "margins --plot: exit 2 (its run directory is temporary)" test "$rc" = 2
run capacity "$site" --add gb200-nvl72 --plot-format=svg
check "capacity --plot-format: exit 2" test "$rc" = 2

# --- gnuplot missing: a warning, status 0, the data stays --------------------
mkdir "$tmp/bin"
cp -R "$tmp/run" "$tmp/nognu"
rm -f "$tmp/nognu"/*.png
set +e
PATH="$tmp/bin" "$DCTWIN" plot "$tmp/nognu" >"$tmp/out" 2>"$tmp/err"
rc=$?
set -e
check "no gnuplot: plot exits 0 (exit $rc)" test "$rc" = 0
check "no gnuplot: the warning" grep -qx \
    "dctwin: warning: gnuplot not found; plots skipped, data kept in $tmp/nognu" \
    "$tmp/err"
check "no gnuplot: no plot written" test ! -e "$tmp/nognu/bus.png"
check "no gnuplot: the data kept" test "$(digest "$tmp/nognu")" = "$before"
set +e
PATH="$tmp/bin" "$DCTWIN" simulate "$site" --duration 10s -q --plot \
    --out "$tmp/nognu2" >"$tmp/out" 2>"$tmp/err"
rc=$?
set -e
check "no gnuplot: simulate --plot exits 0 (exit $rc)" test "$rc" = 0
check "no gnuplot: simulate --plot warns" grep -q \
    "warning: gnuplot not found; plots skipped, data kept in $tmp/nognu2" \
    "$tmp/err"
check "no gnuplot: simulate kept its results" test -s "$tmp/nognu2/run.json"
set +e
DCTWIN_GNUPLOT="$tmp/bin/gnuplot" "$DCTWIN" plot "$tmp/nognu" \
    >"$tmp/out" 2>"$tmp/err"
rc=$?
set -e
check "DCTWIN_GNUPLOT naming no program: a warning, exit 0 (exit $rc)" \
    sh -c "test $rc = 0 && grep -q 'gnuplot not found' '$tmp/err'"

# --- names that must not break or inject -------------------------------------
# A quote, a double quote and a backslash in the run directory, which is
# in every plot's title, and directories named like gnuplot's pipes.
q="$tmp/run 'q\"\\x"
run simulate "$site" --duration 20s -q --plot-format svg --out "$q"
check "simulate --plot into a quoted path: exit 0 (exit $rc)" test "$rc" = 0
check "quoted path: bus.svg written" is_svg "$q/bus.svg"
check "quoted path: the title shows the path verbatim" \
    grep -qF "gb200-row: bus ($q)" "$q/bus.svg"
mkdir "$tmp/cwd"
cp -R "$tmp/run" "$tmp/cwd/<touch pwned1;"
cp -R "$tmp/run" "$tmp/cwd/x';system('touch pwned2');'"
(
    cd "$tmp/cwd"
    "$DCTWIN" plot --out "|touch pwned3;" "<touch pwned1;" \
        >"$tmp/out" 2>"$tmp/err"
    "$DCTWIN" plot "x';system('touch pwned2');'" >>"$tmp/out" 2>>"$tmp/err"
) && rc=0 || rc=$?
check "pipe-like and quoted names: exit 0 (exit $rc: $(cat "$tmp/err"))" \
    test "$rc" = 0
check "no command ran" test ! -e "$tmp/cwd/pwned1" -a ! -e "$tmp/cwd/pwned2" \
    -a ! -e "$tmp/cwd/pwned3"
check "'|...' as --out is a directory" is_png "$tmp/cwd/|touch pwned3;/bus.png"
check "'<...' run: plotted" is_png "$tmp/cwd/|touch pwned3;/margins.png"
check "quote run: plotted" \
    is_png "$tmp/cwd/x';system('touch pwned2');'/temperatures.png"

echo "cli_plot.sh: $pass passed, $fails failed"
test "$fails" = 0
