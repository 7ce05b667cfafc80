# coolant.gp - coolant loops: CDU (TCS) and facility water supply and return temperatures, and flows.
# One panel per variable prefix p1, p2, ... of panel.gp; a panel without
# data is left out.  Inputs: setup.gp's, plotsdir, datafile
# (timeseries.csv), bandfile (min/mean/max bands), the panels' variables.
np(p) = (exists(p.'_cols') || exists(p.'_band')) ? 1 : 0
panels = np('p1') + np('p2')
load plotsdir.'/setup.gp'
set multiplot layout panels, 1 title title
if (np('p1')) { call plotsdir.'/panel.gp' 'p1' 'Supply and return temperatures (TCS, FWS, heat rejection)' 'T [degC]' }
if (np('p2')) { call plotsdir.'/panel.gp' 'p2' 'Coolant flows' 'flow [L/min]' }
unset multiplot
