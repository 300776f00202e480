#!/usr/bin/env python3
"""Turns one JMH JSON result file (java -jar confide-bench.jar -rf json -rff FILE ...) into the
ratios docs/benchmarks.md reports. Usage: python3 confide-bench/ratios.py /tmp/bench.json"""
import json
import math
import sys

PKG = "dev.confide.bench."


def key(b):
    return b["benchmark"].removeprefix(PKG), tuple(sorted(b["params"].items())) if b.get("params") else ()


def ratio(a, b):
    """a/b with an approximate error from the two JMH 99.9% half-widths (relative, in quadrature)."""
    r = a["score"] / b["score"]
    ea, eb = a["scoreError"], b["scoreError"]
    if isinstance(ea, str) or isinstance(eb, str) or math.isnan(ea) or math.isnan(eb):
        return r, float("nan")
    return r, r * math.hypot(ea / a["score"], eb / b["score"])


def main(path):
    results = {key(b): b for b in json.load(open(path))}

    def metric(name, **params):
        return results.get((name, tuple(sorted((k, str(v)) for k, v in params.items()))))

    def show(label, m):
        pm = m["primaryMetric"]
        print(f"  {label:<44} {pm['score']:>14,.1f} ± {pm['scoreError']:>12,.1f} {pm['scoreUnit']}")

    print("Sealing: Confide seal+open vs raw JCE AES/GCM/NoPadding")
    for size in (64, 1024, 16384):
        c = metric("SealingBenchmark.confideSealOpen", payloadSize=size)
        r = metric("SealingBenchmark.rawAesGcmSealOpen", payloadSize=size)
        if c and r:
            show(f"confideSealOpen   payload={size}", c)
            show(f"rawAesGcmSealOpen payload={size}", r)
            q, e = ratio(c["primaryMetric"], r["primaryMetric"])
            print(f"  -> sealed/raw at {size} B: {q:.3f} (± {e:.3f})")

    print("\nInserts, separate trials: sealedInsert vs plainInsert (1 KiB payload)")
    for backend in ("h2", "postgresql"):
        s = metric("SealedInsertBenchmark.sealedInsert", backend=backend)
        p = metric("SealedInsertBenchmark.plainInsert", backend=backend)
        if s and p:
            show(f"plainInsert  {backend}", p)
            show(f"sealedInsert {backend}", s)
            q, e = ratio(s["primaryMetric"], p["primaryMetric"])
            print(f"  -> sealed/plain on {backend}: {q:.3f} (± {e:.3f})")

    print("\nInserts, alternated in one trial (per-side time from the 'alternating' counters)")
    for backend in ("h2", "postgresql"):
        a = metric("SealedInsertBenchmark.alternating", backend=backend)
        if not a:
            continue
        sm = a["secondaryMetrics"]
        iters = zip(sm["plainRows"]["rawData"][0], sm["plainNanos"]["rawData"][0],
                    sm["sealedRows"]["rawData"][0], sm["sealedNanos"]["rawData"][0])
        per_iter = []
        for pr, pn, sr, sn in iters:
            per_iter.append((pr / pn * 1e9, sr / sn * 1e9))
        plain = sm["plainRows"]["score"] / sm["plainNanos"]["score"] * 1e9
        sealed = sm["sealedRows"]["score"] / sm["sealedNanos"]["score"] * 1e9
        ratios = [s / p for p, s in per_iter]
        print(f"  {backend}: plain {plain:,.1f} rows/s, sealed {sealed:,.1f} rows/s "
              f"(time spent in each kind of insert only)")
        print(f"  -> sealed/plain on {backend}: {sealed / plain:.3f} "
              f"(per iteration: {', '.join(f'{r:.3f}' for r in ratios)})")
        extra = 1e6 / sealed - 1e6 / plain
        seal = sm["sealNanos"]["score"] / sm["sealedRows"]["score"] / 1e3 if "sealNanos" in sm else float("nan")
        print(f"     per row: plain {1e6 / plain:.2f} us, sealed {1e6 / sealed:.2f} us "
              f"(+{extra:.2f} us, of which {seal:.2f} us inside seal())")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "/tmp/bench.json")
