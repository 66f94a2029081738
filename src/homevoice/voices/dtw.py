"""Dynamic time warping: which frames of two utterances of the same text correspond.

The voice match compares the reference and the base voice frame by frame only where they say the
same sound; both speak the same transcript at different tempi, so a monotonic alignment pairs them.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray


def distance_matrix(a: NDArray[np.float64], b: NDArray[np.float64]) -> NDArray[np.float64]:
    """Euclidean distances between every row of ``a`` (n x d) and every row of ``b`` (m x d)."""
    squared = np.sum(a * a, axis=1)[:, None] + np.sum(b * b, axis=1)[None, :] - 2.0 * (a @ b.T)
    return np.asarray(np.sqrt(np.maximum(squared, 0.0)), dtype=np.float64)


def accumulated_cost(cost: NDArray[np.float64]) -> NDArray[np.float64]:
    """D[i, j] = cost[i, j] + min(D[i-1, j-1], D[i-1, j], D[i, j-1]), one vectorised row at a time.

    Within a row the horizontal term chains, so with a_j = min(D[i-1, j-1], D[i-1, j]) and C the
    cumulative sum of the row's costs, D[i, j] = C[j] + min over k <= j of (a_k - C[k-1]).
    """
    n, m = cost.shape
    total = np.empty((n, m), dtype=np.float64)
    total[0] = np.cumsum(cost[0])
    for i in range(1, n):
        previous = total[i - 1]
        entry = previous.copy()
        entry[1:] = np.minimum(previous[:-1], previous[1:])
        running = np.cumsum(cost[i])
        before = np.concatenate(([0.0], running[:-1]))
        total[i] = running + np.minimum.accumulate(entry - before)
    return total


def warping_path(total: NDArray[np.float64]) -> NDArray[np.intp]:
    """The cheapest path from (0, 0) to the last cell of an accumulated cost, as (i, j) rows."""
    i, j = total.shape[0] - 1, total.shape[1] - 1
    path = [(i, j)]
    while i > 0 or j > 0:
        if i == 0:
            j -= 1
        elif j == 0:
            i -= 1
        else:
            step = int(np.argmin((total[i - 1, j - 1], total[i - 1, j], total[i, j - 1])))
            i, j = (i - 1, j - 1) if step == 0 else (i - 1, j) if step == 1 else (i, j - 1)
        path.append((i, j))
    return np.asarray(path[::-1], dtype=np.intp)


def align(a: NDArray[np.float64], b: NDArray[np.float64]) -> NDArray[np.intp]:
    """Pairs (i, j) of corresponding frames of ``a`` and ``b``, monotonic, first to last."""
    if len(a) == 0 or len(b) == 0:
        return np.zeros((0, 2), dtype=np.intp)
    return warping_path(accumulated_cost(distance_matrix(a, b)))
