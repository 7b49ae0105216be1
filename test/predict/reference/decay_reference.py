"""Reference fits of the entropy-decay curves for test/predict/entropy-decay.test.ts.

Run: python3 test/predict/reference/decay_reference.py > test/predict/reference/decay-reference.json
Fits H(t) = floor + amplitude*exp(-(t - t0)/tau) and H(t) = floor + amplitude*(1 + (t - t0)/s)**(-p)
with scipy.optimize.curve_fit (tight tolerances) on fixed noisy data; the power floor bounded at 0.
"""
import json

import numpy as np
import scipy
from scipy.optimize import curve_fit

rng = np.random.default_rng(20250527)
step = np.arange(10, 410, 10, dtype=float)
t0 = step[0]
s = 10.0
truth = 0.06 + 0.5 * np.exp(-(step - t0) / 70.0)
entropy = np.round(truth + rng.normal(0, 0.01, step.size), 4)


def expo(t, floor, amp, tau):
    return floor + amp * np.exp(-(t - t0) / tau)


def power(t, floor, amp, p):
    return floor + amp * (1 + (t - t0) / s) ** (-p)


out = {"source": f"scipy.optimize.curve_fit, scipy {scipy.__version__}, numpy {np.__version__}",
       "step": step.tolist(), "entropy": entropy.tolist()}
# The power curve's unconstrained floor is negative on these data; the toolkit keeps the floor >= 0, so the
# reference is the bounded fit (trust-region reflective).
fits = (("exponential", expo, (0.05, 0.5, 50.0), (-np.inf, np.inf)),
        ("power", power, (0.01, 0.5, 0.5), ([0, -np.inf, 1e-6], [np.inf, np.inf, np.inf])))
for name, f, p0, bounds in fits:
    method = "lm" if name == "exponential" else "trf"
    popt, _ = curve_fit(f, step, entropy, p0=p0, method=method, bounds=bounds, xtol=1e-15, ftol=1e-15, gtol=1e-15, maxfev=100000)
    ssr = float(np.sum((entropy - f(step, *popt)) ** 2))
    out[name] = {"floor": popt[0], "amplitude": popt[1], "shape": popt[2], "ssr": ssr}
print(json.dumps(out, indent=1))
