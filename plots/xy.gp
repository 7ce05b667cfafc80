# xy.gp - a generic x-y line plot of one CSV file, for evidence files of
# reports.  Inputs (all strings; numbers as text):
#   datafile      the CSV file (first line: column names)
#   x             the x column number (default 1)
#   ycols         the y column numbers, space-separated: '2 4'
#   ytitle1, ytitle2, ...   line titles (default: the column names)
#   xlabel, ylabel          axis labels (default: the column names)
#   xscale        divide x values by this (default 1)
#   yscale        multiply y values by this (default 1)
#   threshold     a horizontal line at this y value (optional)
#   thresholdname its title (default 'threshold')
#   threshold2, threshold2name   a second line (optional)
#   style         lines (the default), points, linespoints, steps, impulses
#   nev           the number of event markers (default 0); ev1, ev2, ...
#                 their x values before xscale and evname1, ... their
#                 labels: a vertical dotted line each, labelled (as
#                 panel.gp's)
# and setup.gp's fmt, outfile, title, width, height.
if (!exists('x')) { x = '1' }
if (!exists('ycols')) { ycols = '2' }
if (!exists('xscale')) { xscale = '1' }
if (!exists('yscale')) { yscale = '1' }
if (!exists('style')) { style = 'lines' }
load plotsdir.'/setup.gp'
xc = int(real(x))
xs = real(xscale)
ys = real(yscale)
# only known styles reach the plot command
ps = (style eq 'points' || style eq 'linespoints' || style eq 'steps' || \
      style eq 'impulses') ? style : 'lines'
ycol(i) = i <= words(ycols) ? int(real(word(ycols, i))) : 2
ytitle(i) = exists(sprintf('ytitle%d', i)) ? \
    value(sprintf('ytitle%d', i)) : columnhead(ycol(i))
thr(k) = real(value(k == 1 ? 'threshold' : 'threshold2'))
thrname(k) = exists(k == 1 ? 'thresholdname' : 'threshold2name') ? \
    value(k == 1 ? 'thresholdname' : 'threshold2name') : 'threshold'
nthr = exists('threshold') ? (exists('threshold2') ? 2 : 1) : 0
set title title
if (exists('xlabel')) { set xlabel xlabel } else { set xlabel '' }
if (exists('ylabel')) { set ylabel ylabel }
set style data @ps
xnev = exists('nev') ? int(real(nev)) : 0
evt(i) = exists(sprintf('ev%d', i)) ? real(value(sprintf('ev%d', i))) : 0
evname(i) = exists(sprintf('evname%d', i)) ? \
    value(sprintf('evname%d', i)) : ''
do for [i=1:xnev] {
    set arrow i from evt(i) / xs, graph 0 to evt(i) / xs, graph 1 \
        nohead lc rgb evcolor dt 3 lw 1.2 back
    set label i evname(i) at evt(i) / xs, graph 0.98 rotate by 90 \
        right offset -0.6, 0 font ',8' tc rgb evcolor front
}
plot for [i=1:words(ycols)] datafile \
        using (column(xc) / xs):(column(ycol(i)) * ys) lw 1.5 \
        title ytitle(i), \
     for [k=1:nthr] thr(k) with lines dt 2 lw 1.5 lc rgb limcolor \
        title thrname(k)
