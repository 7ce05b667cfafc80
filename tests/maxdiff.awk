# maxdiff.awk A.csv B.csv: the largest difference between two CSV files
# with the same header, over every column but the first (time): prints
# "max_abs COLUMN max_rel" where max_rel = |a - b| / max(|a|, |b|, 1).
BEGIN { FS = "," }
FNR == 1 { if (NR == 1) { n = split($0, h); } else if ($0 != hdr) { print "headers differ" > "/dev/stderr"; bad = 1; exit 2 } hdr = $0; next }
NR == FNR { for (i = 2; i <= NF; i++) a[FNR, i] = $i; rows = FNR; next }
{
    for (i = 2; i <= NF; i++) {
        d = $i - a[FNR, i]; if (d < 0) d = -d
        s = ($i < 0 ? -$i : $i); t = a[FNR, i]; if (t < 0) t = -t
        if (t > s) s = t; if (s < 1) s = 1
        if (d > maxd) { maxd = d; col = h[i] }
        if (d / s > maxr) { maxr = d / s; colr = h[i] }
    }
    rows2 = FNR
}
END { if (bad) exit 2; if (rows != rows2) { print "row counts differ" > "/dev/stderr"; exit 2 }
      # no difference at all: no column to name, "-" keeps four fields
      if (col == "") col = "-"; if (colr == "") colr = "-"
      printf "%.6g %s %.6g %s\n", maxd, col, maxr, colr }
