# bus.gp - the 800 V DC bus voltage and the busway end voltages.
# One panel per variable prefix p1, p2, ... of panel.gp; a panel without
# data is left out.  Inputs: setup.gp's, plotsdir, datafile
# (timeseries.csv), bandfile (min/mean/max bands), the panels' variables.
np(p) = (exists(p.'_cols') || exists(p.'_band')) ? 1 : 0
panels = np('p1') + np('p2')
load plotsdir.'/setup.gp'
set multiplot layout panels, 1 title title
if (np('p1')) { call plotsdir.'/panel.gp' 'p1' 'DC bus voltage' 'V [V]' }
if (np('p2')) { call plotsdir.'/panel.gp' 'p2' 'Busway end voltage' 'V_end [V]' }
unset multiplot
