#!/usr/bin/python3
"""Golden fixtures for Vigil.Statistics.Streaming (docs/streaming-detectors.md).

Run with Debian's interpreter (python3-scipy 1.10.1):

    /usr/bin/python3 tools/golden/generate_streaming.py

Writes tests/Vigil.Statistics.Tests/Fixtures/streaming_cases.json. River itself is not installed here, so this
records the two external ingredients the C# port must reproduce exactly, plus an end-to-end KSWIN replay:
  * "python_random": CPython's random.Random(seed): random(), getrandbits(32), sample(range(n), k) on both of
                     sample's branches, and the streams River's docstrings build with rng.choices (the docstring
                     detections are asserted in the C# tests).
  * "kswin":         River's KSWIN update rule (river/drift/kswin.py: random.Random(seed).sample of the old part of
                     the window, scipy.stats.ks_2samp(method="auto"), drift when p <= alpha and statistic > 0.1,
                     full reset on the next update) replayed on seeded streams; records every test's statistic and
                     p-value and the detection indices.
"""
import collections
import itertools
import json
import os
import random
import warnings

import scipy
from scipy import stats

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "tests", "Vigil.Statistics.Tests",
                   "Fixtures", "streaming_cases.json")

cases = []

for seed in [0, 1, 42, 12345, 2**32 + 5, -7]:
    r = random.Random(seed)
    doubles = [r.random() for _ in range(8)]
    bits = [r.getrandbits(32) for _ in range(4)]
    pool = [r.sample(range(70), 30) for _ in range(3)]
    small = r.sample(range(10), 3)
    sets = r.sample(range(1000), 10)
    cases.append({"kind": "python_random", "name": f"random_{seed}", "seed": seed, "random": doubles,
                  "getrandbits32": bits, "sample_70_30": pool, "sample_10_3": small, "sample_1000_10": sets})

# The streams of River's docstring examples.
rng = random.Random(12345)
cases.append({"kind": "stream", "name": "doc_12345",
              "values": rng.choices([0, 1], k=1000) + rng.choices(range(4, 8), k=1000)})
rng = random.Random(42)
cases.append({"kind": "stream", "name": "doc_42_weighted",
              "values": rng.choices([0, 1], k=1000) + rng.choices([0, 1], k=1000, weights=[0.3, 0.7])})


class RiverKswin:
    """River's KSWIN update rule (river/drift/kswin.py), written out for the replay."""

    def __init__(self, alpha=0.005, window_size=100, stat_size=30, seed=None):
        self.alpha, self.window_size, self.stat_size, self.seed = alpha, window_size, stat_size, seed
        self.drift_detected = False
        self._reset()

    def _reset(self):
        self.drift_detected = False
        self.window = collections.deque(maxlen=self.window_size)
        self.rng = random.Random(self.seed)

    def update(self, x):
        if self.drift_detected:
            self._reset()
        self.window.append(x)
        if len(self.window) < self.window_size:
            self.drift_detected = False
            return None
        rnd = [self.window[i] for i in self.rng.sample(range(self.window_size - self.stat_size), self.stat_size)]
        recent = list(itertools.islice(self.window, self.window_size - self.stat_size, self.window_size))
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", category=RuntimeWarning)
            st, p = stats.ks_2samp(rnd, recent, method="auto")
        self.drift_detected = bool(p <= self.alpha and st > 0.1)
        if self.drift_detected:
            self.window = collections.deque(recent, maxlen=self.window_size)
        return float(st), float(p)


def kswin_case(name, values, **params):
    det = RiverKswin(**params)
    tests, drifts = [], []
    for i, v in enumerate(values):
        out = det.update(v)
        if out is not None:
            tests.append([i, out[0], out[1]])
        if det.drift_detected:
            drifts.append(i)
    cases.append({"kind": "kswin", "name": name, "params": params, "values": values, "tests": tests,
                  "drifts": drifts})


g = random.Random(7)
kswin_case("kswin_gauss_shift", [g.gauss(0, 1) for _ in range(600)] + [g.gauss(1.5, 1) for _ in range(400)], seed=42)
g = random.Random(8)
kswin_case("kswin_ties", [float(g.randrange(4)) for _ in range(500)] + [float(g.randrange(2, 6)) for _ in range(500)],
           alpha=0.0001, seed=1)
g = random.Random(9)
kswin_case("kswin_small_window", [g.random() for _ in range(300)] + [g.random() + 0.5 for _ in range(300)],
           alpha=0.01, window_size=40, stat_size=15, seed=3)

with open(OUT, "w") as f:
    json.dump({"generator": "tools/golden/generate_streaming.py", "scipy": scipy.__version__,
               "python": ".".join(map(str, __import__("sys").version_info[:3])), "cases": cases}, f)
print(f"wrote {len(cases)} cases to {os.path.normpath(OUT)}")
