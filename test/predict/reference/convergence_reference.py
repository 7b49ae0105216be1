"""Reference for test/predict/ceiling-convergence.test.ts: the ceiling b - a of R = -a*exp(H) + b refitted
on the first k points of a fixed noisy run, for every k from 3 to n, by ordinary least squares of R on
X = exp(H) (numpy.linalg.lstsq), with its 95% interval (ceiling = fitted R at X = 1; its standard error
s*sqrt(1/k + (1 - mean X)^2 / Sxx); Student t from scipy.stats.t), and the first k from which every later
estimate lies within +-0.01 of the final one and every later interval is no wider than +-0.01.

Run: python3 test/predict/reference/convergence_reference.py > test/predict/reference/convergence-reference.json
"""
import json

import numpy as np
import scipy
from scipy import stats

rng = np.random.default_rng(20250601)
n = 36
step = np.arange(1, n + 1, dtype=float) * 10
entropy = np.round(0.08 + 1.1 * np.exp(-step / 90.0) + rng.normal(0, 0.01, n), 5)
metric = np.round(0.82 - 0.27 * np.exp(entropy) + rng.normal(0, 0.012, n), 5)
tolerance = 0.01

cuts = []
for k in range(3, n + 1):
    x = np.exp(entropy[:k])
    y = metric[:k]
    design = np.column_stack([np.ones(k), x])
    (b, slope), *_ = np.linalg.lstsq(design, y, rcond=None)
    resid = y - (b + slope * x)
    s = np.sqrt(resid @ resid / (k - 2))
    sxx = ((x - x.mean()) ** 2).sum()
    ceiling = b + slope * 1.0
    se = s * np.sqrt(1.0 / k + (1.0 - x.mean()) ** 2 / sxx)
    t = stats.t.ppf(0.975, k - 2)
    cuts.append({"points": k, "step": step[k - 1], "ceiling": ceiling, "stderr": se, "ci": [ceiling - t * se, ceiling + t * se]})

final = cuts[-1]["ceiling"]


def first_from(holds):
    i = len(cuts)
    while i > 0 and holds(cuts[i - 1]):
        i -= 1
    return cuts[i]["points"] if i < len(cuts) else None


out = {
    "source": f"numpy {np.__version__} lstsq, scipy {scipy.__version__} stats.t",
    "tolerance": tolerance,
    "step": step.tolist(),
    "entropy": entropy.tolist(),
    "metric": metric.tolist(),
    "cuts": cuts,
    "settled_points": first_from(lambda c: abs(c["ceiling"] - final) <= tolerance),
    "precise_points": first_from(lambda c: (c["ci"][1] - c["ci"][0]) / 2 <= tolerance),
}
print(json.dumps(out, indent=1))
