# grid.gp - grid import and generator power from timeseries.csv (panel
# p1), and the grid import at the resolution of grid.csv (panel p2, when
# the run has DIR/grid.csv from --grid-trace; its data file is gridfile).
# Inputs: setup.gp's, plotsdir, datafile, bandfile, gridfile, the panels'
# variables (panel.gp).
np(p) = (exists(p.'_cols') || exists(p.'_band')) ? 1 : 0
panels = np('p1') + np('p2')
load plotsdir.'/setup.gp'
set multiplot layout panels, 1 title title
if (np('p1')) { call plotsdir.'/panel.gp' 'p1' 'Grid import and generators' 'P [kW]' }
if (np('p2')) { datafile = gridfile; call plotsdir.'/panel.gp' 'p2' 'Grid import at the grid-trace step (grid.csv)' 'P [kW]' }
unset multiplot
