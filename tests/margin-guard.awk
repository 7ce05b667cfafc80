# margin-guard.awk REF FAST - the accuracy guard of a fast run (issue 14
# item 6, tests/cli_electrical.sh): every margin of margins.csv FAST has
# its worst value within TOL of the same margin's in margins.csv REF,
#   TOL = max(0.02 K for a temperature, 0.1 % of |limit|),
# and for a design margin (class "design": an estimate of a hypothetical
# event, such as a ride-through time, which amplifies the junction's
# headroom by C / Q, ~110 s per K on the reference hall) also at least
# 0.1 % of the reference's worst value.  Both files must list the same
# margins.  Prints the margin nearest its tolerance ("worst ratio") and
# each one over it; exit status 1 when any is over or missing.
BEGIN { FS = "," }
FNR == 1 {
    for (i = 1; i <= NF; i++) col[FILENAME, $i] = i
    next
}
NR == FNR {
    w[$1] = $col[FILENAME, "worst"]
    lim[$1] = $col[FILENAME, "limit"]
    unit[$1] = $col[FILENAME, "unit"]
    cls[$1] = $col[FILENAME, "class"]
    n_ref++
    next
}
{
    n_fast++
    id = $1
    if (!(id in w)) { print "missing in the reference: " id; bad++; next }
    seen[id] = 1
    v = $col[FILENAME, "worst"]
    d = v - w[id]; if (d < 0) d = -d
    l = lim[id]; if (l < 0) l = -l
    tol = 1e-3 * l
    if ((unit[id] == "degC" || unit[id] == "K") && tol < 0.02) tol = 0.02
    if (cls[id] == "design") {
        r = w[id] < 0 ? -w[id] : w[id]
        if (tol < 1e-3 * r) tol = 1e-3 * r
    }
    ratio = tol > 0 ? d / tol : (d > 0 ? 1e9 : 0)
    if (ratio > worst || wid == "") { worst = ratio; wid = id; wd = d; wt = tol }
    if (d > tol) {
        printf "over: %s worst %s against %s: %g > %g\n", id, v, w[id], d, tol
        bad++
    }
}
END {
    for (id in w) if (!(id in seen)) { print "missing in the fast run: " id; bad++ }
    printf "margins %d, worst ratio %.3g (%s: %g of %g)\n", n_fast, worst, wid, wd, wt
    exit bad > 0
}
