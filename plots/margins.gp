# margins.gp - the margin table of a run (margins.csv, smallest first) as
# horizontal bars: margin in % of its allowed range (MARGINS in
# dctwin-models(7)), red below zero, amber below 10 %, blue otherwise;
# each bar labelled with the worst value and the limit.  Inputs: setup.gp's, datafile (margins.csv), nbars (how many rows
# from the top; default 25).
# margins.csv columns: 1 id, 4 unit, 5 kind, 6 limit, 7 worst, 9 margin_pct.
if (!exists('nbars')) { nbars = '25' }
nb = int(real(nbars))
panels = 1 + nb / 12
load plotsdir.'/setup.gp'
unset grid
set lmargin
set rmargin
set grid xtics
set key off
set xlabel 'margin [% of the allowed range]'
set ytics scale 0
set yrange [nb + 0.5 : 0.5]
set offsets graph 0.02, graph 0.25, 0, 0
set title title
set arrow 1 from 0, graph 0 to 0, graph 1 nohead lc rgb limcolor lw 1.5
barcolor(m) = m < 0 ? 0xcc3333 : (m < 10 ? 0xe69f00 : 0x4477aa)
plot datafile skip 1 every ::0::(nb - 1) \
        using (column(9) / 2.0):($0 + 1):(abs(column(9)) / 2.0):(0.35):\
        (barcolor(column(9))):yticlabels(1) \
        with boxxyerror fs solid 0.8 noborder lc rgb variable, \
     datafile skip 1 every ::0::(nb - 1) \
        using (column(9) > 0 ? column(9) : 0):($0 + 1):\
        (sprintf('%.4g %s (limit %.4g)', column(7), strcol(4), \
                 column(6))) \
        with labels left offset 1, 0 font ',8'
