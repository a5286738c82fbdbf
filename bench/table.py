"""Prints docs/benchmarks.md's main table from one bench/run.sh run.

Reads bench/target/jmh-threads<N>.json (JMH, per-iteration times), bench/target/results/pytorch.txt
and peak.txt. Every figure: median (min-max) over the measured iterations (JMH: 5 of 1 s after 3
of warm-up; PyTorch: 7 repeats after 20 warm-up calls). Usage: python3 bench/table.py [THREADS...]
"""
import json
import statistics
import sys

ROOT = "bench/target"


def jmh(threads):
    out = {}
    for r in json.load(open(f"{ROOT}/jmh-threads{threads}.json")):
        name = r["benchmark"].rsplit(".", 2)
        key = (name[-2] + "." + name[-1], r.get("params", {}).get("backend"), r.get("params", {}).get("batch"))
        raw = [v for fork in r["primaryMetric"]["rawData"] for v in fork]
        scale = {"us/op": 1.0, "ms/op": 1000.0}[r["primaryMetric"]["scoreUnit"]]
        out[key] = [v * scale for v in raw]  # microseconds
    return out


def peers(threads):
    out = {}
    for line in open(f"{ROOT}/results/pytorch.txt"):
        f = line.split()
        if len(f) == 5 and f[1] == str(threads):
            out[f[0]] = [float(f[3]), float(f[2]), float(f[4])]  # min, median, max
    return out


def peak(threads):
    for line in open(f"{ROOT}/results/peak.txt"):
        f = line.split()
        if f[1] == str(threads):
            return float(f[2])
    return None


def stats(samples):
    return min(samples), statistics.median(samples), max(samples)


def time(s):
    lo, med, hi = s
    if med >= 1000:
        return f"{med / 1000:.2f} ms ({lo / 1000:.2f}–{hi / 1000:.2f})"
    return f"{med:.1f} µs ({lo:.1f}–{hi:.1f})"


def main():
    for threads in [int(a) for a in sys.argv[1:]] or [1, 2]:
        k, p, top = jmh(threads), peers(threads), peak(threads)
        print(f"\n**{threads} thread{'s' if threads > 1 else ''}** (measured FMA peak {top:.0f} GFLOP/s)\n")
        print("| workload | Kiln JAVA | Kiln LLVM | PyTorch 1.13 | LLVM / PyTorch | JAVA / LLVM |")
        print("| --- | --- | --- | --- | --- | --- |")
        rows = [
            ("MNIST softmax train step, batch 100", ("MnistSoftmaxBench.trainStep", "100"), "softmax.trainStep.batch100"),
            ("MNIST softmax train step, batch 1000", ("MnistSoftmaxBench.trainStep", "1000"), "softmax.trainStep.batch1000"),
            ("MNIST softmax forward, batch 100", ("MnistSoftmaxBench.forward", "100"), "softmax.forward.batch100"),
            ("MLP 784-256-128-10 Adam step, batch 100", ("MlpBench.trainStep", None), "mlp.trainStep.batch100"),
            ("LeNet-5 forward, batch 64", ("LeNet5Bench.forward", None), "lenet5.forward.batch64"),
            ("LeNet-5 Adam step, batch 64", ("LeNet5Bench.trainStep", None), "lenet5.trainStep.batch64"),
        ]
        for label, (bench, batch), peer in rows:
            j = stats(k[(bench, "JAVA", batch)])
            l = stats(k[(bench, "LLVM", batch)])
            t = p[peer]
            print(f"| {label} | {time(j)} | **{time(l)}** | {time(t)} | {l[1] / t[1]:.2f}× | {j[1] / l[1]:.1f}× |")
        words = lambda s: 400e6 / s[1]
        j = stats(k[("WordLstmBench.trainStep", "JAVA", None)])
        l = stats(k[("WordLstmBench.trainStep", "LLVM", None)])
        t = p["wordLstm.trainStep.batch20x20"]
        print(f"| word LSTM (vocab 10000) SGD step, 400 words: words/s; step | {words(j):,.0f}; {time(j)} | "
              f"**{words(l):,.0f}**; {time(l)} | {words(t):,.0f}; {time(t)} | {words(l) / words(t):.2f}× words/s | "
              f"{j[1] / l[1]:.1f}× |")
        print()
        print("| kernel | Kiln JAVA | Kiln LLVM | OpenBLAS (cblas_sgemm, FFM) | PyTorch 1.13 | LLVM / best peer |")
        print("| --- | --- | --- | --- | --- | --- |")
        for label, bench, peer, flops in [("sgemm 1024³", "sgemm1024", "sgemm1024", 2 * 1024 ** 3),
                                          ("sgemm 100×784×256", "sgemm100x784x256", "sgemm100x784x256",
                                           2 * 100 * 784 * 256)]:
            g = lambda us: flops / us / 1e3
            j = stats(k[("KernelBench." + bench, "JAVA", None)])
            l = stats(k[("KernelBench." + bench, "LLVM", None)])
            o = stats(k[("OpenBlasBench." + bench, None, None)])
            t = p[peer]
            best = max(g(o[1]), g(t[1]))
            print(f"| {label}, GFLOP/s | {g(j[1]):.0f} | **{g(l[1]):.0f}** ({100 * g(l[1]) / top:.0f} % of peak) | "
                  f"{g(o[1]):.0f} | {g(t[1]):.0f} | {100 * g(l[1]) / best:.1f} % |")
        moved, copied = 3 * 64 * 2 ** 20, 2 * 64 * 2 ** 20
        bw = lambda b, us: b / us / 1e3
        j = stats(k[("KernelBench.fusedElementwise16M", "JAVA", None)])
        l = stats(k[("KernelBench.fusedElementwise16M", "LLVM", None)])
        c = stats(k[("KernelBench.copy16M", "JAVA", None)] + k[("KernelBench.copy16M", "LLVM", None)])
        t = p["elementwiseChain16M"]
        cb = bw(copied, c[1])
        print(f"| fused chain, 16M floats (192 MiB moved), GB/s; copy bandwidth {cb:.1f} GB/s | "
              f"{bw(moved, j[1]):.1f} ({100 * bw(moved, j[1]) / cb:.0f} % of copy) | "
              f"**{bw(moved, l[1]):.1f}** ({100 * bw(moved, l[1]) / cb:.0f} % of copy) | | "
              f"{bw(moved, t[1]):.1f} (unfused) | |")


if __name__ == "__main__":
    main()
