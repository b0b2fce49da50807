# Computes the reference values of mannwhitney_test.go with SciPy
# (Debian: apt-get install python3-scipy; run with /usr/bin/python3).
import numpy as np
from scipy.stats import mannwhitneyu as mw

exact = {
    "separated 5 and 5": ([1, 2, 3, 4, 5], [6, 7, 8, 9, 10]),
    "interleaved 5 and 5": ([1.1, 2.2, 3.3, 4.4, 5.5], [1.5, 2.5, 3.5, 4.5, 5.6]),
    "4 and 6": ([0.8, 1.9, 2.7, 4.1], [1.2, 3.3, 3.9, 5.0, 6.2, 7.7]),
    "7 and 9 ns/op": ([101.2, 99.8, 100.5, 102.3, 98.7, 100.1, 101.7],
                      [103.4, 99.9, 104.2, 105.1, 102.8, 101.9, 106.3, 100.7, 103.0]),
}
for name, (x, y) in exact.items():
    r = mw(x, y, alternative="two-sided", method="exact")
    print(name, r.statistic, repr(r.pvalue))

rng = np.random.default_rng(7)
x = np.round(rng.lognormal(0, 0.3, 60), 6)
y = np.round(rng.lognormal(0.1, 0.3, 70), 6)
asymptotic = {
    "60 and 70": (x, y),
    "ties": ([1, 1, 2, 2, 2, 3, 5, 5], [2, 3, 3, 4, 4, 5, 6, 6, 6]),
    "constant groups": ([5] * 5, [6] * 5),
    "histograms": (np.repeat([100, 104, 108, 150], [30, 50, 15, 5]),
                   np.repeat([104, 108, 112, 200], [20, 40, 30, 10])),
}
for name, (x, y) in asymptotic.items():
    r = mw(x, y, alternative="two-sided", method="asymptotic", use_continuity=True)
    print(name, r.statistic, repr(r.pvalue))
