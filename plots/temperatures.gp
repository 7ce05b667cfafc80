# temperatures.gp - rack temperatures: junction hot spot, cold plate (case)
# and coolant return, and the GPU power left by throttling (gpu_power_pct).
# One panel per variable prefix p1, p2, ... of panel.gp; a panel without
# data is left out.  Inputs: setup.gp's, plotsdir, datafile
# (timeseries.csv), bandfile (min/mean/max bands), the panels' variables.
np(p) = (exists(p.'_cols') || exists(p.'_band')) ? 1 : 0
panels = np('p1') + np('p2') + np('p3') + np('p4')
load plotsdir.'/setup.gp'
set multiplot layout panels, 1 title title
if (np('p1')) { call plotsdir.'/panel.gp' 'p1' 'GPU junction (hot spot)' 'T_j_hot [degC]' }
if (np('p2')) { call plotsdir.'/panel.gp' 'p2' 'Cold plate (case)' 'T_case [degC]' }
if (np('p3')) { call plotsdir.'/panel.gp' 'p3' 'Rack coolant return' 'T_return [degC]' }
if (np('p4')) { call plotsdir.'/panel.gp' 'p4' 'GPU throttling: GPU power' 'P_gpu [% of full]' }
unset multiplot
