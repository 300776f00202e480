#!/usr/bin/env python3
"""Turns one JMH JSON result file (java -jar confide-bench.jar -rf json -rff FILE ...) into the
ratios docs/benchmarks.md reports. Usage: python3 confide-bench/ratios.py /tmp/bench.json"""
import json
import math
import sys

PKG = "dev.confide.bench."
# Student's t at 99.95% (two-sided 99.9%, as JMH reports) for 1..10 degrees of freedom.
T_999 = [636.62, 31.60, 12.92, 8.61, 6.87, 5.96, 5.41, 5.04, 4.78, 4.59]


def ci(values):
    """Half-width of the 99.9% confidence interval of the mean, as JMH computes its error."""
    n = len(values)
    if n < 2 or n - 1 > len(T_999):
        return float("nan")
    mean = sum(values) / n
    sd = math.sqrt(sum((v - mean) ** 2 for v in values) / (n - 1))
    return T_999[n - 2] * sd / math.sqrt(n)


def ratio(a, b):
    """a/b with an approximate error from the two JMH 99.9% half-widths (relative, in quadrature)."""
    r = a["score"] / b["score"]
    ea, eb = float(a["scoreError"]), float(b["scoreError"])
    if math.isnan(ea) or math.isnan(eb):
        return r, float("nan")
    return r, r * math.hypot(ea / a["score"], eb / b["score"])


def rates(sm, count, nanos):
    """Overall and per-iteration rate per second from an 'alternating' benchmark's counters."""
    total = sm[count]["score"] / sm[nanos]["score"] * 1e9
    per_iter = [c / n * 1e9 for c, n in zip(sm[count]["rawData"][0], sm[nanos]["rawData"][0])]
    return total, per_iter


def main(path):
    results = {}
    for b in json.load(open(path)):
        params = tuple(sorted((b.get("params") or {}).items()))
        results[(b["benchmark"].removeprefix(PKG), params)] = b

    def metric(name, **params):
        return results.get((name, tuple(sorted((k, str(v)) for k, v in params.items()))))

    def show(label, m):
        pm = m["primaryMetric"]
        error = float(pm["scoreError"])  # JMH writes "NaN" when there is a single iteration
        print(f"  {label:<44} {pm['score']:>14,.1f} ± {error:>12,.1f} {pm['scoreUnit']}")

    def paired(label, m, base, base_label, other, other_label, extra=None):
        sm = m["secondaryMetrics"]
        b, b_iter = rates(sm, *base)
        o, o_iter = rates(sm, *other)
        ratios = [y / x for x, y in zip(b_iter, o_iter)]
        per_iter = ", ".join(f"{r:.3f}" for r in ratios)
        print(f"  {label}: {base_label} {b:,.1f} ± {ci(b_iter):,.1f}/s, "
              f"{other_label} {o:,.1f} ± {ci(o_iter):,.1f}/s")
        print(f"  -> {other_label}/{base_label} {label}: {o / b:.3f} "
              f"(mean of iterations {sum(ratios) / len(ratios):.3f} ± {ci(ratios):.3f}; each: {per_iter})")
        if extra:
            extra(sm, b, o)

    sizes = (64, 1024, 16384)
    print("Sealing, separate trials: confideSealOpen vs rawAesGcmSealOpen")
    for size in sizes:
        c = metric("SealingBenchmark.confideSealOpen", payloadSize=size)
        r = metric("SealingBenchmark.rawAesGcmSealOpen", payloadSize=size)
        if c and r:
            show(f"confideSealOpen   payload={size}", c)
            show(f"rawAesGcmSealOpen payload={size}", r)
            q, e = ratio(c["primaryMetric"], r["primaryMetric"])
            print(f"  -> sealed/raw at {size} B: {q:.3f} (± {e:.3f})")

    print("\nSealing, alternated in one trial (round trips per second of time spent on each side)")
    for size in sizes:
        a = metric("SealingBenchmark.alternating", payloadSize=size)
        if a:
            paired(f"at {size} B", a, ("rawOps", "rawNanos"), "raw", ("confideOps", "confideNanos"), "sealed")

    print("\nInserts, separate trials: sealedInsert vs plainInsert (1 KiB payload)")
    for backend in ("h2", "postgresql"):
        s = metric("SealedInsertBenchmark.sealedInsert", backend=backend)
        p = metric("SealedInsertBenchmark.plainInsert", backend=backend)
        if s and p:
            show(f"plainInsert  {backend}", p)
            show(f"sealedInsert {backend}", s)
            q, e = ratio(s["primaryMetric"], p["primaryMetric"])
            print(f"  -> sealed/plain on {backend}: {q:.3f} (± {e:.3f})")

    def seal_share(sm, plain, sealed):
        seal = sm["sealNanos"]["score"] / sm["sealedRows"]["score"] / 1e3
        print(f"     per row: plain {1e6 / plain:.2f} us, sealed {1e6 / sealed:.2f} us "
              f"(+{1e6 / sealed - 1e6 / plain:.2f} us; {seal:.2f} us inside seal())")

    print("\nInserts, alternated in one trial (rows per second of time spent on each side)")
    for backend in ("h2", "postgresql"):
        a = metric("SealedInsertBenchmark.alternating", backend=backend)
        if a:
            paired(f"on {backend}", a, ("plainRows", "plainNanos"), "plain",
                   ("sealedRows", "sealedNanos"), "sealed", seal_share)


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "/tmp/bench.json")
