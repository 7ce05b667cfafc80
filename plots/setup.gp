# setup.gp - the common part of every dctwin plot template: terminal,
# output file, styles and the time axis.  Loaded by the templates; not a
# template itself.  dctwin passes every input as a gnuplot string variable
# (single-quoted, ' doubled), so numbers arrive as strings and are
# converted with real() here.
#
# Inputs:
#   fmt      png | svg | pdf (png uses pngcairo when gnuplot has it)
#   outfile  the file to write
#   title    the title of the page ('' for none)
#   panels   how many stacked panels the template draws (default 1)
#   tscale   divide t_s by this for the time axis (default 1)
#   tunit    the unit of the time axis after tscale (default 's')
#   width, height   the page in pixels (default 1280 wide, 300 high for
#            one panel and 280 more per further panel; PDF: 128 px/in)
if (!exists('fmt')) { fmt = 'png' }
if (!exists('title')) { title = '' }
if (!exists('panels')) { panels = 1 }
if (!exists('tscale')) { tscale = '1' }
if (!exists('tunit')) { tunit = 's' }
if (!exists('outfile')) {
    print 'dctwin plot template: no outfile given'
    exit status 2
}
tdiv = real(tscale)
ph = exists('height') ? int(real(height)) : 300 + 280 * (panels - 1)
pw = exists('width') ? int(real(width)) : 1280
if (fmt eq 'png') {
    if (strstrt(GPVAL_TERMINALS, 'pngcairo') > 0) {
        set terminal pngcairo size pw, ph font 'sans,10'
    } else {
        set terminal png size pw, ph
    }
} else {
    if (fmt eq 'svg') {
        set terminal svg size pw, ph dynamic font 'sans,10'
    } else {
        if (fmt eq 'pdf') {
            set terminal pdfcairo size (pw / 128.0), (ph / 128.0) font 'sans,8'
        } else {
            print 'dctwin plot template: unknown fmt'
            exit status 2
        }
    }
}
# Names in titles and keys are ids and file names, not markup.
set termoption noenhanced
set output outfile
set datafile separator comma
set grid
set lmargin 10
# panels of one page share their width; the key sits right of it
set rmargin at screen 0.76
set key outside right top font ',9' spacing 0.9
set xlabel sprintf('time [%s]', tunit)
set style fill transparent solid 0.25 noborder
# the colour of limit lines: the first, and one each (with its own dash
# type, see panel.gp) for the others of a panel
limcolor = '#cc3333'
limcolors = '#cc3333 #7b3294 #e66101 #404040'
limcol(i) = word(limcolors, (i - 1) % words(limcolors) + 1)
# event markers (panel.gp): their colour; labelled once a page
evcolor = '#2c7fb8'
evlabelled = 0
