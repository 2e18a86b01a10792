#!/usr/bin/env python3
"""The seed's formulas in straightforward Python, against the Rust core.

Generates the same inputs for both, scores them in Python here and in Rust
(`shared/core/examples/score_inputs.rs`), checks the two agree on every
input, and writes the speed ratio to target/bench/seed_formulas.json.

    python3 bench/seed_formulas.py [--inputs N]
"""

import argparse
import json
import pathlib
import random
import subprocess
import sys
import time

ROOT = pathlib.Path(__file__).resolve().parent.parent
OUT = ROOT / "target" / "bench"

PAYMENT_SCORES = {"current": 100, "late": 60, "overdue": 25, "failed": 0}
PENALTY = {"low": 3, "medium": 8, "high": 20, "critical": 40}


def usage_trend(change_bp):
    if change_bp is None:
        return 60
    if change_bp <= -5000:
        return 0
    if change_bp <= 0:
        return 70 * (change_bp + 5000) // 5000
    if change_bp < 2000:
        return 70 + 30 * change_bp // 2000
    return 100


def adoption(utilisation_bp):
    return min(utilisation_bp, 8000) * 100 // 8000


def support_load(open_tickets):
    penalty = sum(open_tickets[k] * PENALTY[k] for k in PENALTY)
    return 100 - min(penalty, 100)


def renewal_proximity(days):
    if days < 0:
        return 0
    if days >= 120:
        return 100
    return 20 + 80 * days // 120


def band(score):
    return "green" if score >= 70 else "yellow" if score >= 40 else "red"


def health(case):
    measures = [
        usage_trend(case["usageChangeBp"]),
        adoption(case["seatUtilisationBp"]),
        support_load(case["openTickets"]),
        renewal_proximity(case["daysToRenewal"]),
        PAYMENT_SCORES[case["payment"]],
    ]
    total = sum(m * w for m, w in zip(measures, case["weights"]))
    score = (total + 50) // 100
    return {"score": score, "band": band(score), "measures": measures}


def inputs(n, seed=2026):
    rng = random.Random(seed)
    for _ in range(n):
        cuts = sorted(rng.randint(0, 100) for _ in range(4))
        yield {
            "usageChangeBp": None if rng.random() < 0.1 else rng.randint(-20000, 20000),
            "seatUtilisationBp": rng.randint(0, 15000),
            "openTickets": {
                "low": rng.randint(0, 19),
                "medium": rng.randint(0, 19),
                "high": rng.randint(0, 9),
                "critical": rng.randint(0, 4),
            },
            "daysToRenewal": rng.randint(-400, 800),
            "payment": rng.choice(list(PAYMENT_SCORES)),
            "weights": [cuts[0], cuts[1] - cuts[0], cuts[2] - cuts[1], cuts[3] - cuts[2], 100 - cuts[3]],
        }


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--inputs", type=int, default=100_000)
    args = parser.parse_args()
    OUT.mkdir(parents=True, exist_ok=True)
    cases = list(inputs(args.inputs))
    path_in = OUT / "health_inputs.jsonl"
    path_in.write_text("".join(json.dumps(c) + "\n" for c in cases))

    best = float("inf")
    for _ in range(5):
        started = time.perf_counter()
        for c in cases:
            health(c)
        best = min(best, time.perf_counter() - started)
    python_ns = best * 1e9 / len(cases)

    path_rust = OUT / "health_rust.jsonl"
    run = subprocess.run(
        ["cargo", "run", "--quiet", "--release", "-p", "edgedesk-core", "--example", "score_inputs", "--",
         str(path_in), str(path_rust)],
        cwd=ROOT, check=True, capture_output=True, text=True,
    )
    rust = json.loads(run.stdout)
    rust_results = [json.loads(line) for line in path_rust.read_text().splitlines()]
    disagreements = [
        (i, c, r) for i, (c, r) in enumerate(zip(cases, rust_results)) if health(c) != r
    ]
    if len(rust_results) != len(cases) or disagreements:
        for i, c, r in disagreements[:5]:
            print(f"input {i}: {json.dumps(c)}\n  python {health(c)}\n  rust   {r}", file=sys.stderr)
        sys.exit(f"Python and Rust disagree on {len(disagreements)} of {len(cases)} inputs")

    result = {
        "inputs": len(cases),
        "agree": True,
        "pythonNsPerInput": round(python_ns, 1),
        "rustNsPerInput": round(rust["nsPerInput"], 2),
        "ratio": round(python_ns / rust["nsPerInput"], 1),
        "python": sys.version.split()[0],
    }
    (OUT / "seed_formulas.json").write_text(json.dumps(result, indent=1) + "\n")
    print(f"health score: {len(cases)} inputs agree; Python {python_ns:.0f} ns, Rust "
          f"{rust['nsPerInput']:.1f} ns per input: {result['ratio']}x")


if __name__ == "__main__":
    main()
