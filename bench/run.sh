#!/usr/bin/env bash
# Kiln's JMH workloads beside PyTorch CPU on the same machine, in one run.
# Usage: bench/run.sh            (from the repository root; needs python3-torch from Debian)
# Prints the load average before and after: the machine is shared, compare only within one run.
set -euo pipefail
cd "$(dirname "$0")/.."
out=bench/target/results
mkdir -p "$out"
echo "load before: $(cat /proc/loadavg)" | tee "$out/load.txt"

# Kiln, Java backend (JMH: 1 fork, 3 warm-up and 5 measured iterations, one thread).
mvn -q -B -pl bench -am verify -DskipTests -Dbench > "$out/jmh.log" 2>&1 || { tail -40 "$out/jmh.log"; exit 1; }
grep -E "^(Benchmark|[A-Za-z0-9]+Bench\.)" "$out/jmh.log" | tee "$out/kiln.txt"

# PyTorch 1.13 CPU (Debian), with libopenblas0-pthread installed: without it Debian points
# libblas.so.3 at the reference BLAS (~7 GFLOP/s) and torch is 40x slower. This environment forces OPENBLAS_CORETYPE=Haswell, which makes torch's
# OpenBLAS use half-speed AVX2 kernels on this Zen 5; name the AVX-512 kernels for this command only.
if /usr/bin/python3 -c "import torch" 2>/dev/null; then
  OPENBLAS_CORETYPE=SkylakeX OPENBLAS_NUM_THREADS=1 /usr/bin/python3 bench/pytorch_peers.py 1 2 \
    | tee "$out/pytorch.txt"
else
  echo "PyTorch not installed: apt-get install -y --no-install-recommends python3-torch libopenblas0-pthread" | tee "$out/pytorch.txt"
fi
echo "load after: $(cat /proc/loadavg)" | tee -a "$out/load.txt"
