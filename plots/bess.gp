# bess.gp - battery power (positive = discharge), state of charge and cell temperature.
# One panel per variable prefix p1, p2, ... of panel.gp; a panel without
# data is left out.  Inputs: setup.gp's, plotsdir, datafile
# (timeseries.csv), bandfile (min/mean/max bands), the panels' variables.
np(p) = (exists(p.'_cols') || exists(p.'_band')) ? 1 : 0
panels = np('p1') + np('p2') + np('p3')
load plotsdir.'/setup.gp'
set multiplot layout panels, 1 title title
if (np('p1')) { call plotsdir.'/panel.gp' 'p1' 'BESS power' 'P [kW]' }
if (np('p2')) { call plotsdir.'/panel.gp' 'p2' 'BESS state of charge' 'SOC [%]' }
if (np('p3')) { call plotsdir.'/panel.gp' 'p3' 'BESS cell temperature' 'T_cell [degC]' }
unset multiplot
