"""scipy side of bench/fit-laws.ts: times N curve_fit calls per built-in law on synthetic runs like the
TypeScript side's (same truths, 40 points, noise 0.01), and prints {"law": seconds, ...} as JSON.

Usage: python3 bench/fit_laws_scipy.py [N]   (default 10000)
"""

import json
import sys
import time

import numpy as np
from scipy.optimize import curve_fit

LAWS = {
    "entropy-exp": (lambda h, a, b: b - a * np.exp(h), "H", (0.12, 0.92), (0.1, 1.0)),
    "entropy-linear": (lambda h, a, b: b - a * h, "H", (0.2, 0.75), (0.1, 1.0)),
    "entropy-exp3": (lambda h, a, b, c: b - a * np.exp(c * h), "H", (0.08, 0.95, 1.4), (0.1, 1.0, 1.0)),
    "power": (lambda x, a, b, c: b - a * x ** (-c), "C", (1.2, 0.72, 0.45), (1.0, 0.7, 0.5)),
    "scalerl-sigmoid": (lambda x, r0, a, b, m: r0 + (a - r0) / (1 + (m / x) ** b), "C", (0.1, 0.66, 1.6, 320.0), (0.1, 0.6, 1.0, 300.0)),
}


def main():
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 10000
    rng = np.random.default_rng(1)
    grid = {"H": np.linspace(1.6, 0.05, 40), "C": np.linspace(10, 2000, 40)}
    out = {}
    for name, (f, var, truth, p0) in LAWS.items():
        x = grid[var]
        clean = f(x, *truth)
        ys = [clean + 0.01 * rng.standard_normal(x.size) for _ in range(runs)]
        failed = 0
        t0 = time.perf_counter()
        for y in ys:
            try:
                curve_fit(f, x, y, p0=p0)
            except RuntimeError:
                failed += 1
        out[name] = time.perf_counter() - t0
        out[name + ":failed"] = failed
    print(json.dumps(out))


if __name__ == "__main__":
    main()
