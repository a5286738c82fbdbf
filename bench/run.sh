#!/usr/bin/env bash
# Kiln's JMH workloads beside PyTorch CPU and the machine's measured FMA peak, in one run, on 1 and
# 2 threads. Usage: bench/run.sh [THREADS...]   (from the repository root; default: 1 2)
# Needs Debian's python3-torch and libopenblas0-pthread for the peer (skipped, with a note, if absent).
# Prints the load average before and after: the machine is shared, compare only within one run.
set -euo pipefail
cd "$(dirname "$0")/.."
threads=("${@:-1}")
[ $# -eq 0 ] && threads=(1 2)
out=bench/target/results
mkdir -p "$out"
echo "load before: $(cat /proc/loadavg)" | tee "$out/load.txt"

# The machine's single-precision FMA peak and, below, its copy bandwidth (JMH copy16M).
gcc -O2 -march=native -pthread -o "$out/peak_flops" bench/peak_flops.c
for n in "${threads[@]}"; do "$out/peak_flops" "$n"; done | tee "$out/peak.txt"

# Kiln, Java and LLVM backends (JMH: 1 fork, 3 warm-up and 5 measured iterations); the LLVM
# backend's parallel-for pool gets N threads, the Java backend always runs on the calling thread.
# OpenBlasBench (the OpenBLAS peer, through FFM) is the only part OPENBLAS_CORETYPE reaches.
: > "$out/kiln.txt"
for n in "${threads[@]}"; do
  OPENBLAS_CORETYPE=SkylakeX mvn -q -B -pl bench -am verify -DskipTests -Dbench -Dbench.threads="$n" > "$out/jmh-threads$n.log" 2>&1 \
    || { tail -40 "$out/jmh-threads$n.log"; exit 1; }
  echo "threads $n" | tee -a "$out/kiln.txt"
  grep -E "^(Benchmark|[A-Za-z0-9]+Bench\.)" "$out/jmh-threads$n.log" | tee -a "$out/kiln.txt"
done

# PyTorch 1.13 CPU (Debian), with libopenblas0-pthread installed: without it Debian points
# libblas.so.3 at the reference BLAS (~7 GFLOP/s) and torch is 40x slower. This environment forces
# OPENBLAS_CORETYPE=Haswell, which makes torch's OpenBLAS use half-speed AVX2 kernels on this Zen 5;
# name the AVX-512 kernels for this command only. torch.set_num_threads(N) sets its threads; its
# OpenBLAS stays at 1 thread, since torch calls it from its own parallel regions and both at N
# oversubscribe the cores (../shared/notes/peers.md). The 2-thread OpenBLAS peer is OpenBlasBench.
if /usr/bin/python3 -c "import torch" 2>/dev/null; then
  : > "$out/pytorch.txt"
  for n in "${threads[@]}"; do
    OPENBLAS_CORETYPE=SkylakeX OPENBLAS_NUM_THREADS=1 /usr/bin/python3 bench/pytorch_peers.py "$n" \
      | tee -a "$out/pytorch.txt"
  done
else
  echo "PyTorch not installed: apt-get install -y --no-install-recommends python3-torch libopenblas0-pthread" | tee "$out/pytorch.txt"
fi
echo "load after: $(cat /proc/loadavg)" | tee -a "$out/load.txt"
