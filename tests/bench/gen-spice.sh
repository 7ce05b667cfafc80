#!/bin/sh
# gen-spice.sh N PHASE SECONDS - print an ngspice netlist of the thermal
# RC network of N GB200 NVL72 racks (models/racks.xml gb200-nvl72, as
# dctwin's rack, dctwin-models(7) RACK, without throttling: every
# junction stays below t-soft) on a fixed 35 degC supply, under the
# llm-training square wave (2 s period, 30 % low, 50 ms edges), for
# SECONDS of simulated time.  PHASE: "in" (every rack in phase) or
# "random" (each rack's phase uniform in [0, 2 s), seeded).  Used by
# tests/bench/run.sh (B5).  Node voltages are temperatures above the
# supply [K]; currents are heat flows [W].
#
# Per rack (mean GPU standing for N - 1 = 71, and the hot GPU):
#   C_j dT_j/dt   = P_gd - (T_j - T_c)/R_jc          (x 71)
#   C_cp dT_c/dt  = (T_j - T_c)/R_jc - (T_c - T_pin)/R_ci
#   the same for T_jh, T_ch against T_pin,h and R_ci,h
#   T_pin = f_man T_l, T_pin,h = f_man,hot T_l    (T_in = 0)
#   C_l dT_l/dt   = Q_plates + Q_oth - mdot c T_l   (advection to the supply)
# with c-j 80 J/K, c-cp 300 J/K, r-jc 0.010 K/W, R_ci = 0.01617 +
# 0.00839 / V (V = 1.5 L/min; hot plate 0.9 x 1.5), f-man 0.25,
# f-man-hot 0.5, 30 L of PG25 (1012.5 kg/m3, 3957 J/(kg K)) at
# 158 L/min, P_gd = 1200 W u(t), Q_oth = (0.87 x 132 kW - 72 x 1200 W)
# u(t), u = 40/132 .. 1 (p-idle .. p-max).
set -eu
n=${1:?usage: gen-spice.sh N in|random SECONDS}
phase=${2:-in}
dur=${3:-3600}
awk -v n="$n" -v phase="$phase" -v dur="$dur" 'BEGIN {
    srand(1)
    lo = 40 / 132
    cj = 80; ccp = 300; rjc = 0.010; ng = 72
    rci = 0.01617 + 0.00839 / 1.5; rcih = 0.01617 + 0.00839 / (0.9 * 1.5)
    cl = 1012.5 * 3957 * 0.030
    gadv = 158 / 60000 * 1012.5 * 3957
    qoth = 0.87 * 132000 - ng * 1200
    printf "* dctwin bench B5: %d racks, phase %s, %g s\n", n, phase, dur
    for (r = 1; r <= n; r++) {
        td = phase == "random" ? 2 * rand() : 0
        # mean GPU x (ng - 1), lumped
        printf "Ij%d 0 j%d PULSE(%g %g %g 0.05 0.05 0.95 2)\n", r, r, (ng - 1) * 1200 * lo, (ng - 1) * 1200, td
        printf "Cj%d j%d 0 %g\n", r, r, (ng - 1) * cj
        printf "Rjc%d j%d c%d %g\n", r, r, r, rjc / (ng - 1)
        printf "Cc%d c%d 0 %g\n", r, r, (ng - 1) * ccp
        printf "Rci%d c%d s%d %g\n", r, r, r, rci / (ng - 1)
        printf "Vs%d s%d p%d 0\n", r, r, r
        printf "Ep%d p%d 0 l%d 0 0.25\n", r, r, r
        printf "Fp%d 0 l%d Vs%d 1\n", r, r, r
        # hot GPU
        printf "Ih%d 0 jh%d PULSE(%g %g %g 0.05 0.05 0.95 2)\n", r, r, 1200 * lo, 1200, td
        printf "Cjh%d jh%d 0 %g\n", r, r, cj
        printf "Rjch%d jh%d ch%d %g\n", r, r, r, rjc
        printf "Cch%d ch%d 0 %g\n", r, r, ccp
        printf "Rcih%d ch%d sh%d %g\n", r, r, r, rcih
        printf "Vsh%d sh%d ph%d 0\n", r, r, r
        printf "Eph%d ph%d 0 l%d 0 0.5\n", r, r, r
        printf "Fph%d 0 l%d Vsh%d 1\n", r, r, r
        # rack liquid: other liquid heat, capacity, advection to supply
        printf "Io%d 0 l%d PULSE(%g %g %g 0.05 0.05 0.95 2)\n", r, r, qoth * lo, qoth, td
        printf "Cl%d l%d 0 %g\n", r, r, cl
        printf "Radv%d l%d 0 %g\n", r, r, 1 / gadv
    }
    # from the DC operating point (the steady state at the low load)
    printf ".save v(jh1)\n"
    printf ".tran 0.01 %g 0 0.5\n", dur
    printf ".control\nrun\nmeas tran tjmax max v(jh1)\nquit\n.endc\n.end\n"
}'
