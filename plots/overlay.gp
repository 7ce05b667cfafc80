# overlay.gp - one column of several runs' timeseries.csv on one plot
# (dctwin compare).  Inputs (all strings; numbers as text):
#   nruns          how many runs
#   run1file, run2file, ...   the timeseries.csv of each run
#   ycol1, ycol2, ...         the column of the quantity in each file
#   ytitle1, ytitle2, ...     the line titles (the run directories)
#   ylabel         the axis label (the column's name, unit included)
# and setup.gp's fmt, outfile, title, width, height, tscale, tunit.
load plotsdir.'/setup.gp'
n = int(real(nruns))
rf(i) = value(sprintf('run%dfile', i))
yc(i) = int(real(value(sprintf('ycol%d', i))))
yt(i) = value(sprintf('ytitle%d', i))
set title title
if (exists('ylabel')) { set ylabel ylabel }
plot for [i=1:n] rf(i) using (column(1) / tdiv):(column(yc(i))) \
        with lines lw 1.5 title yt(i)
