"""PyTorch CPU peers of Kiln's JMH workloads, same shapes and optimizers, median time per call.

Run by bench/run.sh with Debian's python3-torch (/usr/bin/python3). Prints one line per workload:
'<workload> <threads> <median_us> <min_us> <max_us>'.
"""
import statistics
import sys
import time

import torch
import torch.nn as nn
import torch.nn.functional as F


def timed(fn, warmup=20, repeats=7, inner=None):
    for _ in range(warmup):
        fn()
    if inner is None:
        start = time.perf_counter()
        n = 0
        while time.perf_counter() - start < 0.2:
            fn()
            n += 1
        inner = max(1, n)
    samples = []
    for _ in range(repeats):
        start = time.perf_counter()
        for _ in range(inner):
            fn()
        samples.append((time.perf_counter() - start) / inner * 1e6)
    return statistics.median(samples), min(samples), max(samples)


def softmax_regression(batch):
    w = torch.zeros(784, 10, requires_grad=True)
    b = torch.zeros(10, requires_grad=True)
    x = torch.rand(batch, 784)
    y = F.one_hot(torch.randint(0, 10, (batch,)), 10).float()
    opt = torch.optim.SGD([w, b], lr=0.01)

    def step():
        opt.zero_grad()
        loss = -(y * F.log_softmax(x @ w + b, dim=1)).sum(1).mean()
        loss.backward()
        opt.step()

    def forward():
        with torch.no_grad():
            return F.softmax(x @ w + b, dim=1)

    return step, forward


def mlp():
    model = nn.Sequential(nn.Linear(784, 256), nn.ReLU(), nn.Linear(256, 128), nn.ReLU(), nn.Linear(128, 10))
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    x = torch.rand(100, 784)
    t = torch.randint(0, 10, (100,))

    def step():
        opt.zero_grad()
        F.cross_entropy(model(x), t).backward()
        opt.step()

    return step


def lenet5():
    model = nn.Sequential(
        nn.Conv2d(1, 20, 5), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(20, 50, 5), nn.ReLU(), nn.MaxPool2d(2),
        nn.Flatten(), nn.Linear(800, 500), nn.ReLU(), nn.Linear(500, 10))
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    x = torch.rand(64, 1, 28, 28)
    t = torch.randint(0, 10, (64,))

    def forward():
        with torch.no_grad():
            return F.cross_entropy(model(x), t)

    def step():
        opt.zero_grad()
        F.cross_entropy(model(x), t).backward()
        opt.step()

    return forward, step


class WordLstm(nn.Module):
    """Kiln's bench WordLstm: vocab 10000, embed 200, one LSTM layer of 200, 20 steps, batch 20."""

    def __init__(self):
        super().__init__()
        self.embedding = nn.Embedding(10000, 200)
        self.lstm = nn.LSTM(200, 200, batch_first=True)
        self.out = nn.Linear(200, 10000)

    def forward(self, tokens):
        states, _ = self.lstm(self.embedding(tokens))
        return self.out(states.reshape(-1, 200))


def word_lstm():
    model = WordLstm()
    opt = torch.optim.SGD(model.parameters(), lr=1.0)
    tokens = torch.randint(0, 10000, (20, 20))
    targets = torch.randint(0, 10000, (20 * 20,))

    def step():
        opt.zero_grad()
        F.cross_entropy(model(tokens), targets).backward()
        opt.step()

    return step


def kernels():
    a, b = torch.rand(1024, 1024), torch.rand(1024, 1024)
    x, w = torch.rand(100, 784), torch.rand(784, 256)
    n = 16 * 1024 * 1024
    u, v = torch.rand(n), torch.rand(n)
    return (lambda: a @ b), (lambda: x @ w), (lambda: torch.relu(u * 2 + v).sub(v * 0.5).mul(u))


def main():
    threads = [int(a) for a in sys.argv[1:]] or [1, 2]
    for n in threads:
        torch.set_num_threads(n)
        torch.manual_seed(0)
        for batch in (100, 1000):
            step, forward = softmax_regression(batch)
            print("softmax.trainStep.batch%d %d %.1f %.1f %.1f" % ((batch, n) + timed(step)), flush=True)
            if batch == 100:
                print("softmax.forward.batch100 %d %.1f %.1f %.1f" % ((n,) + timed(forward)), flush=True)
        print("mlp.trainStep.batch100 %d %.1f %.1f %.1f" % ((n,) + timed(mlp())), flush=True)
        fwd, step = lenet5()
        print("lenet5.forward.batch64 %d %.1f %.1f %.1f" % ((n,) + timed(fwd)), flush=True)
        print("lenet5.trainStep.batch64 %d %.1f %.1f %.1f" % ((n,) + timed(step)), flush=True)
        print("wordLstm.trainStep.batch20x20 %d %.1f %.1f %.1f" % ((n,) + timed(word_lstm())), flush=True)
        big, layer, chain = kernels()
        print("sgemm1024 %d %.1f %.1f %.1f" % ((n,) + timed(big)), flush=True)
        print("sgemm100x784x256 %d %.1f %.1f %.1f" % ((n,) + timed(layer)), flush=True)
        print("elementwiseChain16M %d %.1f %.1f %.1f" % ((n,) + timed(chain)), flush=True)


if __name__ == "__main__":
    main()
