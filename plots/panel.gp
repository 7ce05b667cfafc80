# panel.gp - one panel of time series: a min/mean/max band, lines and
# horizontal limit lines.  Called by the templates after setup.gp:
#     call plotsdir.'/panel.gp' 'p1' 'Panel title' 'y label'
# ARG1 is the prefix P of the panel's variables (all optional):
#   P_cols      column numbers in datafile drawn as lines: '3 10 17'
#   P_title1, P_title2, ...   their titles in the key (default: the column
#               header): 'cdu-1 supply temperature [degC]'
#   P_env       for each of P_cols, the column number in datafile of its
#               smallest value between two samples (its largest in the
#               next column), 0 for a line without: '40 0 42'; drawn as a
#               shaded band in the line's colour behind it, so that a
#               peak between two samples shows (extremes.csv)
#   P_band      first column numbers in bandfile of min, mean, max triples,
#               drawn as a shaded band and a dotted mean line: '2 5'
#   P_bandname1, P_bandname2, ...   the band titles
#   P_scale     factor applied to every value (default 1)
#   P_ymin, P_ymax   the y range (default autoscale; dctwin sets it for
#               a flat panel, where autoscale would warn)
#   P_nlim      number of limit lines; P_lim1.. their values (after scale)
#               and P_limname1.. their titles; each limit has its own
#               colour and dash type
# and, for every panel, nev (the number of events) with ev1.. their times
# in s and evname1.. their labels: a vertical dotted line at each event,
# labelled on the first panel of the page (evlabelled set by setup.gp).
P = ARG1
pcols = exists(P.'_cols') ? value(P.'_cols') : ''
pband = exists(P.'_band') ? value(P.'_band') : ''
penv = exists(P.'_env') ? value(P.'_env') : ''
psc = exists(P.'_scale') ? real(value(P.'_scale')) : 1.0
pnlim = exists(P.'_nlim') ? int(real(value(P.'_nlim'))) : 0
if (!exists('bandfile')) { bandfile = datafile }
# Guarded: gnuplot parses an iteration's plot element even when the
# iteration is empty.
lim(i) = exists(sprintf('%s_lim%d', P, i)) ? \
    real(value(sprintf('%s_lim%d', P, i))) : 0
limname(i) = exists(sprintf('%s_limname%d', P, i)) ? \
    value(sprintf('%s_limname%d', P, i)) : 'limit'
bandname(i) = exists(sprintf('%s_bandname%d', P, i)) ? \
    value(sprintf('%s_bandname%d', P, i)) : 'min-max'
ltitle(i) = exists(sprintf('%s_title%d', P, i)) ? \
    value(sprintf('%s_title%d', P, i)) : columnhead(colno(i))
pnev = exists('nev') ? int(real(nev)) : 0
evt(i) = exists(sprintf('ev%d', i)) ? real(value(sprintf('ev%d', i))) : 0
evname(i) = exists(sprintf('evname%d', i)) ? \
    value(sprintf('evname%d', i)) : ''
bc(i) = i <= words(pband) ? int(real(word(pband, i))) : 1
colno(i) = i <= words(pcols) ? int(real(word(pcols, i))) : 1
envno(i) = i <= words(penv) ? int(real(word(penv, i))) : 0
if (exists(P.'_ymin')) {
    set yrange [real(value(P.'_ymin')) : real(value(P.'_ymax'))]
} else {
    set autoscale y
}
set title ARG2
set ylabel ARG3
unset arrow
unset label
do for [i=1:pnev] {
    set arrow i from evt(i) / tdiv, graph 0 to evt(i) / tdiv, graph 1 \
        nohead lc rgb evcolor dt 3 lw 1.2 back
    if (!evlabelled) {
        set label i evname(i) at evt(i) / tdiv, graph 0.98 rotate by 90 \
            right offset -0.6, 0 font ',8' tc rgb evcolor front
    }
}
evlabelled = 1
# The plot command is built as text because gnuplot 5.4 still draws one
# element of an empty `plot for` iteration.  Only numbers and names of
# functions go into the text; no input string is ever part of it.
cmd = ''
do for [i=1:words(pband)] {
    cmd = cmd . sprintf("bandfile using (column(1)/tdiv):(column(%d)*psc):(column(%d)*psc) with filledcurves lc %d title bandname(%d), ", bc(i), bc(i) + 2, i, i)
    cmd = cmd . sprintf("bandfile using (column(1)/tdiv):(column(%d)*psc) with lines lw 1.5 lc %d dt 3 notitle, ", bc(i) + 1, i)
}
do for [i=1:words(pcols)] {
    if (envno(i) > 0) {
        cmd = cmd . sprintf("datafile using (column(1)/tdiv):(column(%d)*psc):(column(%d)*psc) with filledcurves lc %d notitle, ", envno(i), envno(i) + 1, i + words(pband))
    }
}
do for [i=1:words(pcols)] {
    cmd = cmd . sprintf("datafile using (column(1)/tdiv):(column(%d)*psc) with lines lw 1.5 lc %d title ltitle(%d), ", colno(i), i + words(pband), i)
}
do for [i=1:pnlim] {
    cmd = cmd . sprintf("lim(%d) with lines dt %d lw 1.5 lc rgb limcol(%d) title limname(%d), ", i, i + 1, i, i)
}
if (strlen(cmd) > 0) {
    eval('plot ' . cmd[1:strlen(cmd) - 2])
}
