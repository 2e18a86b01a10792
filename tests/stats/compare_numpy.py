"""numpy's reading of the sales statistics in shared/core/src/stats.rs.

Reads the datasets shared/core/tests/stats_numpy.rs writes (a JSON file
named on the command line) and prints, as JSON on stdout, every statistic
of every dataset computed with numpy alone, in the shape the test compares
against the core's: None where the core has no result.
"""

import json
import sys

import numpy as np


def quantiles(x, qs):
    # The default method, "linear": h = (n - 1) q between order statistics.
    return [float(v) for v in np.quantile(x, qs)]


def mad(x):
    return float(np.median(np.abs(x - np.median(x))))


def modified_z(probe, x):
    spread = mad(x)
    if spread == 0:
        return None
    return float(0.6745 * (probe - np.median(x)) / spread)


def fences(x, k):
    q1, q3 = np.quantile(x, [0.25, 0.75])
    iqr = q3 - q1
    return [float(q1 - k * iqr), float(q3 + k * iqr)]


def moving_average(x, window):
    # pandas' rolling(window).mean(), as window sums by convolution.
    n = len(x)
    if window > n:
        return [None] * n
    sums = np.convolve(x, np.ones(window), mode="valid")
    return [None] * (window - 1) + [float(s / window) for s in sums]


def percent_change(start, end):
    if start == 0:
        return None
    return float((end - start) / abs(start) * 100)


def fit(y):
    n = len(y)
    if n < 2:
        return None
    x = np.arange(n, dtype=float)
    slope, intercept = np.polyfit(x, y, 1)
    if np.all(y == y[0]):
        r_squared = None
    else:
        residuals = y - (intercept + slope * x)
        r_squared = float(1 - np.sum(residuals**2) / np.sum((y - np.mean(y)) ** 2))
    return {"slope": float(slope), "intercept": float(intercept), "r_squared": r_squared}


def statistics(dataset):
    x = np.asarray(dataset["values"], dtype=float)
    return {
        "mean": float(np.mean(x)),
        "median": float(np.median(x)),
        "quantiles": quantiles(x, dataset["qs"]),
        "mad": mad(x),
        "modified_z": modified_z(dataset["probe"], x),
        "fences": fences(x, dataset["k"]),
        "moving_average": [moving_average(x, w) for w in dataset["windows"]],
        "percent_change": percent_change(x[0], x[-1]),
        "fit": fit(x),
    }


def main():
    with open(sys.argv[1], encoding="utf-8") as f:
        datasets = json.load(f)
    json.dump([statistics(d) for d in datasets], sys.stdout, allow_nan=False)


if __name__ == "__main__":
    main()
