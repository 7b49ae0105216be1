"""Reference for bench/fit.ts: fits every run in a binary file with scipy.optimize.curve_fit in a loop.

Usage: python3 bench/fit_scipy.py IN.bin RUNS POINTS OUT.bin
IN.bin holds RUNS*POINTS float64 entropies then RUNS*POINTS float64 metrics (little-endian, run-major).
Writes a, b, stderr a, stderr b per run (float64) to OUT.bin and prints the loop's best wall time of three
in seconds (best of several, as for the TypeScript side, so that a busy machine penalises neither).
"""
import sys
import time

import numpy as np
from scipy.optimize import curve_fit


def law(h, a, b):
    return -a * np.exp(h) + b


def main():
    path, runs, points, out = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
    data = np.fromfile(path, dtype="<f8").reshape(2, runs, points)
    result = np.empty((runs, 4))
    elapsed = float("inf")
    for _ in range(3):
        start = time.perf_counter()
        for i in range(runs):
            popt, pcov = curve_fit(law, data[0, i], data[1, i], p0=(0.1, 0.5))
            result[i] = (popt[0], popt[1], np.sqrt(pcov[0, 0]), np.sqrt(pcov[1, 1]))
        elapsed = min(elapsed, time.perf_counter() - start)
    result.astype("<f8").tofile(out)
    print(elapsed)


main()
