"""Reference fits for test/fit/laws.test.ts, computed with scipy.

Generates deterministic data for every built-in law (numpy's seeded generator; the data themselves are
written to the JSON, so the TypeScript tests fit exactly the same points), fits each with
scipy.optimize.curve_fit (MINPACK lm, tolerances tightened to 1e-15) and the robust cases with
scipy.optimize.least_squares(loss='huber'), and writes laws.json next to this script; uncertainty.json
holds delta-method bands, the ceiling's error, a log-linear scaling fit, pooled-vs-separate F-tests and
information criteria computed the same way from scipy fits.

Run from the repository root:  python3 test/fit/reference/make_reference.py
"""

import json
import os

import numpy as np
import scipy
from scipy.optimize import curve_fit, least_squares

HERE = os.path.dirname(os.path.abspath(__file__))
TIGHT = dict(ftol=1e-15, xtol=1e-15, gtol=1e-15, maxfev=100000)


def entropy_exp(h, a, b):
    return b - a * np.exp(h)


def entropy_linear(h, a, b):
    return b - a * h


def entropy_exp3(h, a, b, c):
    return b - a * np.exp(c * h)


def power(x, a, b, c):
    return b - a * x ** (-c)


def sigmoid(x, r0, a, b, cmid):
    return r0 + (a - r0) / (1 + (cmid / x) ** b)


LAWS = {
    "entropy-exp": entropy_exp,
    "entropy-linear": entropy_linear,
    "entropy-exp3": entropy_exp3,
    "power": power,
    "scalerl-sigmoid": sigmoid,
}


def make_cases():
    rng = np.random.default_rng(20250528)
    h = np.linspace(1.6, 0.05, 40)  # entropy falls during training
    steps = np.linspace(10, 2000, 40)
    cases = []

    def add(name, law, x, truth, p0, noise, sigma=None, outliers=None):
        y = LAWS[law](x, *truth) + noise * rng.standard_normal(x.size)
        if outliers is not None:
            for i, d in outliers:
                y[i] += d
        cases.append(dict(name=name, law=law, x=x, y=y, p0=p0, sigma=sigma))

    add("entropy-exp", "entropy-exp", h, (0.12, 0.92), (0.1, 1.0), 0.01)
    add("entropy-linear", "entropy-linear", h, (0.2, 0.75), (0.1, 1.0), 0.01)
    add("entropy-exp3", "entropy-exp3", h, (0.08, 0.95, 1.4), (0.1, 1.0, 1.0), 0.008)
    add("power", "power", steps, (1.2, 0.72, 0.45), (1.0, 0.7, 0.5), 0.01)
    add("scalerl-sigmoid", "scalerl-sigmoid", steps, (0.1, 0.66, 1.6, 320.0), (0.1, 0.6, 1.0, 300.0), 0.01)
    sig = np.linspace(0.005, 0.02, h.size)
    add("entropy-exp3-weighted", "entropy-exp3", h, (0.08, 0.95, 1.4), (0.1, 1.0, 1.0), 0.01, sigma=sig)
    add("power-weighted", "power", steps, (1.2, 0.72, 0.45), (1.0, 0.7, 0.5), 0.01, sigma=np.linspace(0.02, 0.005, steps.size))
    add("entropy-exp-huber", "entropy-exp", h, (0.12, 0.92), (0.1, 1.0), 0.01, outliers=[(5, 0.15), (17, -0.2), (30, 0.12)])
    add("power-huber", "power", steps, (1.2, 0.72, 0.45), (1.0, 0.7, 0.5), 0.01, outliers=[(3, -0.2), (25, 0.15)])
    return cases


def fit(case):
    f = LAWS[case["law"]]
    x, y, sigma = case["x"], case["y"], case["sigma"]
    out = dict(name=case["name"], law=case["law"], x=x.tolist(), y=y.tolist(), start=list(case["p0"]))
    if sigma is not None:
        out["sigma"] = sigma.tolist()
    if case["name"].endswith("-huber"):
        f_scale = 0.02
        res = least_squares(lambda p: f(x, *p) - y, case["p0"], loss="huber", f_scale=f_scale, **{k: v for k, v in TIGHT.items() if k != "maxfev"}, max_nfev=100000)
        out.update(method="scipy.optimize.least_squares(loss='huber')", f_scale=f_scale, params=res.x.tolist())
        return out
    popt, pcov = curve_fit(f, x, y, p0=case["p0"], sigma=sigma, absolute_sigma=False, method="lm", **TIGHT)
    out.update(method="scipy.optimize.curve_fit(method='lm')", params=popt.tolist(), covariance=pcov.tolist())
    if sigma is not None:
        _, pcov_abs = curve_fit(f, x, y, p0=case["p0"], sigma=sigma, absolute_sigma=True, method="lm", **TIGHT)
        out["covarianceAbsolute"] = pcov_abs.tolist()
    return out


def uncertainty(cases):
    """Delta-method bands, the ceiling, log-linear scaling, the pooled F-test and model-choice numbers."""
    from scipy import stats

    by = {c["name"]: c for c in cases}
    out = {}

    # Band of entropy-exp3 at new entropies: J·pcov·Jᵀ, plus s² for a new observation.
    c = by["entropy-exp3"]
    x, y = c["x"], c["y"]
    popt, pcov = curve_fit(entropy_exp3, x, y, p0=c["p0"], method="lm", **TIGHT)
    a, b, k = popt
    at = np.array([0.0, 0.5, 1.0, 1.5, 2.0])
    jac = np.stack([-np.exp(k * at), np.ones_like(at), -a * at * np.exp(k * at)], axis=1)
    s2 = np.sum((y - entropy_exp3(x, *popt)) ** 2) / (x.size - 3)
    se = np.sqrt(np.einsum("ij,jk,ik->i", jac, pcov, jac))
    out["band"] = dict(case="entropy-exp3", at=at.tolist(), value=entropy_exp3(at, *popt).tolist(), stderr=se.tolist(),
                       stderrObservation=np.sqrt(se ** 2 + s2).tolist(), t975=float(stats.t.ppf(0.975, x.size - 3)))

    # Ceiling b − a of entropy-exp with its delta-method standard error.
    c = by["entropy-exp"]
    popt, pcov = curve_fit(entropy_exp, c["x"], c["y"], p0=c["p0"], method="lm", **TIGHT)
    g = np.array([-1.0, 1.0])
    out["ceiling"] = dict(case="entropy-exp", value=float(popt[1] - popt[0]), stderr=float(np.sqrt(g @ pcov @ g)))

    # Log-linear coefficient scaling, weighted by σ, and a prediction for a 72B model.
    sizes = np.array([0.5, 1.5, 3.0, 7.0, 14.0, 32.0])
    values = np.array([0.031, 0.072, 0.118, 0.161, 0.192, 0.259])
    sig = np.array([0.01, 0.012, 0.015, 0.011, 0.02, 0.025])
    line = lambda s, alpha, beta: alpha + beta * np.log(s)
    popt, pcov = curve_fit(line, sizes, values, sigma=sig, method="lm", **TIGHT)
    xg = np.array([1.0, np.log(72.0)])
    dof = sizes.size - 2
    s2 = np.sum(((values - line(sizes, *popt)) / sig) ** 2) / dof
    out["scaling"] = dict(sizes=sizes.tolist(), values=values.tolist(), sigma=sig.tolist(), params=popt.tolist(), covariance=pcov.tolist(),
                          predictAt=72.0, prediction=float(line(72.0, *popt)), predictionStderr=float(np.sqrt(xg @ pcov @ xg)),
                          t975=float(stats.t.ppf(0.975, dof)), scale=float(s2))

    # Pooled vs separate entropy-exp fits over three runs (two share a and b, one does not).
    rng = np.random.default_rng(11)
    h = np.linspace(1.2, 0.1, 25)
    truths = [(0.12, 0.92), (0.12, 0.92), (0.16, 0.9)]
    runs = [dict(x=h.tolist(), y=(entropy_exp(h, *t) + 0.01 * rng.standard_normal(h.size)).tolist()) for t in truths]

    def ftest(chosen):
        ssr_sep = 0.0
        for r in chosen:
            p, _ = curve_fit(entropy_exp, np.array(r["x"]), np.array(r["y"]), p0=(0.1, 1), method="lm", **TIGHT)
            ssr_sep += np.sum((np.array(r["y"]) - entropy_exp(np.array(r["x"]), *p)) ** 2)
        xa = np.concatenate([r["x"] for r in chosen])
        ya = np.concatenate([r["y"] for r in chosen])
        p, _ = curve_fit(entropy_exp, xa, ya, p0=(0.1, 1), method="lm", **TIGHT)
        ssr_pool = np.sum((ya - entropy_exp(xa, *p)) ** 2)
        d_sep = xa.size - 2 * len(chosen)
        d_pool = xa.size - 2
        f = (ssr_pool - ssr_sep) / (d_pool - d_sep) / (ssr_sep / d_sep)
        return dict(ssrPooled=float(ssr_pool), ssrSeparate=float(ssr_sep), f=float(f), pValue=float(stats.f.sf(f, d_pool - d_sep, d_sep)))

    # Partial sharing: a common to all three runs, b fitted per run (stacked model, 1 + 3 parameters).
    xa = np.concatenate([r["x"] for r in runs])
    ya = np.concatenate([r["y"] for r in runs])
    sizes = [len(r["x"]) for r in runs]
    run_of = np.repeat(np.arange(len(runs)), sizes)

    def shared_a(x, a, *bs):
        return np.array(bs)[run_of] - a * np.exp(x)

    p, _ = curve_fit(shared_a, xa, ya, p0=(0.1, 1, 1, 1), method="lm", **TIGHT)
    ssr_joint = float(np.sum((ya - shared_a(xa, *p)) ** 2))
    full = ftest(runs)
    d_sep, d_joint = xa.size - 6, xa.size - 4
    f = (ssr_joint - full["ssrSeparate"]) / (d_joint - d_sep) / (full["ssrSeparate"] / d_sep)
    shared_only_a = dict(params=p.tolist(), ssrPooled=ssr_joint, f=float(f), pValue=float(stats.f.sf(f, d_joint - d_sep, d_sep)))

    out["pooled"] = dict(runs=runs, shared=ftest(runs[:2]), all=full, sharedA=shared_only_a)

    # Information criteria (Gaussian likelihood, k = parameters + 1) and a leave-future-out RMSE
    # (fit on the first 30 of 40 points, score the last 10) for two laws on the entropy-exp3 data.
    c = by["entropy-exp3"]
    x, y = c["x"], c["y"]
    rows = []
    for name, f, p0 in [("entropy-exp", entropy_exp, (0.1, 1.0)), ("entropy-exp3", entropy_exp3, (0.1, 1.0, 1.0))]:
        popt, _ = curve_fit(f, x, y, p0=p0, method="lm", **TIGHT)
        ssr = float(np.sum((y - f(x, *popt)) ** 2))
        n, k = x.size, len(p0) + 1
        ll = -0.5 * n * (np.log(2 * np.pi * ssr / n) + 1)
        aic = 2 * k - 2 * ll
        ptrain, _ = curve_fit(f, x[:30], y[:30], p0=p0, method="lm", **TIGHT)
        lfo = float(np.sqrt(np.mean((y[30:] - f(x[30:], *ptrain)) ** 2)))
        rows.append(dict(law=name, ssr=ssr, aic=float(aic), aicc=float(aic + 2 * k * (k + 1) / (n - k - 1)), bic=float(k * np.log(n) - 2 * ll), lfoRmse=lfo))
    out["compare"] = dict(case="entropy-exp3", holdout=0.25, rows=rows)
    return out


def main():
    cases = [fit(c) for c in make_cases()]
    with open(os.path.join(HERE, "uncertainty.json"), "w") as fh:
        json.dump(dict(source="test/fit/reference/make_reference.py", scipy=scipy.__version__, numpy=np.__version__, **uncertainty(make_cases())), fh, indent=1)
        fh.write("\n")
    doc = dict(
        source="test/fit/reference/make_reference.py",
        scipy=scipy.__version__,
        numpy=np.__version__,
        tolerances="ftol = xtol = gtol = 1e-15",
        cases=cases,
    )
    with open(os.path.join(HERE, "laws.json"), "w") as fh:
        json.dump(doc, fh, indent=1)
        fh.write("\n")


if __name__ == "__main__":
    main()
