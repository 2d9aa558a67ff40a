"""Where the code network's circles and labels go, in pixels: circles apart, labels beside (not on) circles."""

from __future__ import annotations

import math
from typing import Sequence

import numpy as np

#: Label positions tried around a circle, in order of preference: above, below, right, left, then corners.
_DIRECTIONS = ((0, -1), (0, 1), (1, 0), (-1, 0), (1, -1), (-1, -1), (1, 1), (-1, 1))
_GAP = 3.0


def text_box(text: str, font_size: float) -> tuple[float, float]:
    """A generous estimate of the width and height of *text* in a bold sans-serif font."""
    return 0.62 * font_size * len(text) + 4, font_size + 4


def spread_circles(xs: np.ndarray, ys: np.ndarray, radii: np.ndarray, width: float, height: float,
                   rounds: int = 60) -> tuple[np.ndarray, np.ndarray]:
    """Push overlapping circles apart (a few pixels between them) and keep them inside the plot."""
    xs, ys = xs.astype(float).copy(), ys.astype(float).copy()
    for _ in range(rounds):
        moved = False
        for i in range(len(xs)):
            for j in range(i + 1, len(xs)):
                dx, dy = xs[j] - xs[i], ys[j] - ys[i]
                gap = radii[i] + radii[j] + 6 - math.hypot(dx, dy)
                if gap > 0:
                    angle = math.atan2(dy, dx) if (dx or dy) else 0.7 * (i + j)
                    xs[i] -= gap / 2 * math.cos(angle)
                    ys[i] -= gap / 2 * math.sin(angle)
                    xs[j] += gap / 2 * math.cos(angle)
                    ys[j] += gap / 2 * math.sin(angle)
                    moved = True
        xs, ys = np.clip(xs, radii, width - radii), np.clip(ys, radii, height - radii)
        if not moved:
            break
    return xs, ys


def place_labels(xs: Sequence[float], ys: Sequence[float], radii: Sequence[float], texts: Sequence[str],
                 width: float, height: float, font_size: float = 11) -> list[tuple[float, float]]:
    """The centre of each label (pixels, y down): next to its circle, off every circle and earlier label.

    Larger circles choose first; each label takes the first position around its circle that
    covers no circle and no placed label, or else the one that covers least.
    """
    boxes: list[tuple[float, float, float, float]] = []
    centres: list[tuple[float, float]] = [(0.0, 0.0)] * len(texts)
    for i in sorted(range(len(texts)), key=lambda k: -radii[k]):
        w, h = text_box(texts[i], font_size)
        best, best_cost = (xs[i], ys[i] - radii[i] - _GAP - h / 2), math.inf
        for rank, (dx, dy) in enumerate(_DIRECTIONS):
            reach = radii[i] * (0.75 if dx and dy else 1) + _GAP
            cx, cy = xs[i] + dx * (reach + w / 2), ys[i] + dy * (reach + h / 2)
            box = (cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2)
            cost = _cost(box, xs, ys, radii, boxes, width, height) + rank
            if cost < best_cost:
                best, best_cost = (cx, cy), cost
        centres[i] = best
        w2, h2 = w / 2, h / 2
        boxes.append((best[0] - w2, best[1] - h2, best[0] + w2, best[1] + h2))
    return centres


def _cost(box: tuple[float, float, float, float], xs: Sequence[float], ys: Sequence[float],
          radii: Sequence[float], boxes: list, width: float, height: float) -> float:
    x0, y0, x1, y1 = box
    cost = 0.0
    for cx, cy, r in zip(xs, ys, radii):
        nearest_x, nearest_y = min(max(cx, x0), x1), min(max(cy, y0), y1)
        if math.hypot(cx - nearest_x, cy - nearest_y) < r + 1:
            cost += 1000
    for a0, b0, a1, b1 in boxes:
        overlap = max(0.0, min(x1, a1) - max(x0, a0)) * max(0.0, min(y1, b1) - max(y0, b0))
        cost += 50 * overlap
    outside = max(0.0, -x0) + max(0.0, x1 - width) + max(0.0, -y0) + max(0.0, y1 - height)
    return cost + 5 * outside
