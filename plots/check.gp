# check.gp - the plot of one check of `dctwin bess-report`: the quantity
# the check judges against its limit, from the check's evidence file, at
# a size that stays readable when the report is printed.  Inputs (all
# strings; numbers as text):
#   datafile      the evidence CSV (first line: column names); column 1
#                 is x, columns 2 .. ny+1 the plotted quantities
#   ny            how many quantities (default 1)
#   ytitle1 ...   their titles in the key
#   xlabel, ylabel   axis labels, with units
#   xscale        divide x by this (default 1)
#   logy          '1': a logarithmic y axis
#   threshold, thresholdname     a horizontal limit line and its title
#   threshold2, threshold2name   a second one (optional)
#   xthresholds, xthresholdname  vertical limit lines at these x values
#                 (space-separated) and their title (optional)
#   worstx, worsty, worstlabel   the worst point, marked and labelled
# and setup.gp's fmt, outfile, title, width, height.
if (!exists('ny')) { ny = '1' }
if (!exists('xscale')) { xscale = '1' }
if (!exists('height')) { height = '560' }
if (!exists('xthresholdname')) { xthresholdname = 'limit' }
if (!exists('worstlabel')) { worstlabel = 'worst' }
load plotsdir.'/setup.gp'
# print size: the page is 1280 px wide and printed about 17 cm wide, so
# the text is set large
if (fmt eq 'png' && strstrt(GPVAL_TERMINALS, 'pngcairo') > 0) {
    set terminal pngcairo size pw, ph font 'sans,16'
}
if (fmt eq 'svg') { set terminal svg size pw, ph dynamic font 'sans,16' }
if (fmt eq 'pdf') { set terminal pdfcairo size (pw / 128.0), (ph / 128.0) font 'sans,12' }
set output outfile
set rmargin
set lmargin
set key below font ',15' spacing 1.2 width 2
set title title font ',17'
nq = int(real(ny))
xs = real(xscale)
ytitle(i) = exists(sprintf('ytitle%d', i)) ? value(sprintf('ytitle%d', i)) : columnhead(i + 1)
if (exists('xlabel')) { set xlabel xlabel } else { set xlabel '' }
if (exists('ylabel')) { set ylabel ylabel }
if (exists('logy') && logy eq '1') { set logscale y }
# room above and below, so a limit at the edge of the data stays visible
set offsets graph 0, graph 0, graph 0.08, graph 0.04
nthr = exists('threshold') ? (exists('threshold2') ? 2 : 1) : 0
thr(k) = real(value(k == 1 ? 'threshold' : 'threshold2'))
thrname(k) = value(k == 1 ? 'thresholdname' : 'threshold2name')
# the limit lines' labels at their right end
do for [k=1:nthr] {
    set label k thrname(k) at graph 0.99, first thr(k) right offset 0, 0.6 \
        textcolor rgb limcolor font ',14' front
}
nx = exists('xthresholds') ? words(xthresholds) : 0
do for [k=1:nx] {
    set arrow (10 + k) from first real(word(xthresholds, k)) / xs, graph 0 \
        to first real(word(xthresholds, k)) / xs, graph 1 nohead \
        dt 2 lw 2.5 lc rgb limcolor front
}
if (nx > 0) {
    set label 9 xthresholdname at first real(word(xthresholds, 1)) / xs, \
        graph 0.05 left offset 0.5, 0 textcolor rgb limcolor font ',14' front
}
hasw = exists('worstx') && exists('worsty')
wx = 0
wy = 0
if (hasw) {
    wx = real(worstx) / xs
    wy = real(worsty)
    set label 8 '' at wx, wy point pt 7 ps 2.2 lc rgb '#000000' front
}
plot for [i=1:nq] datafile using (column(1) / xs):(column(i + 1)) \
        with lines lw 2 title ytitle(i), \
     for [k=1:nthr] thr(k) with lines dt 2 lw 2.5 lc rgb limcolor \
        title thrname(k), \
     for [k=1:(nx > 0 ? 1 : 0)] NaN with lines dt 2 lw 2.5 lc rgb limcolor \
        title xthresholdname, \
     for [k=1:(hasw ? 1 : 0)] '+' using (wx):(wy) every ::0::0 with points \
        pt 7 ps 2.2 lc rgb '#000000' \
        title worstlabel
