"""The System Usability Scale (Brooke 1996): the ten items in German, the score, and the mean
of scores with a confidence interval from Student's t distribution (no SciPy needed)."""

from __future__ import annotations

import math
from collections.abc import Sequence

ITEMS_DE = (
    "Ich denke, dass ich das System gerne häufig benutzen würde.",
    "Ich fand das System unnötig komplex.",
    "Ich fand das System einfach zu benutzen.",
    "Ich glaube, ich würde die Hilfe einer technisch versierten Person benötigen, "
    "um das System benutzen zu können.",
    "Ich fand, die verschiedenen Funktionen in diesem System waren gut integriert.",
    "Ich denke, das System enthielt zu viele Inkonsistenzen.",
    "Ich kann mir vorstellen, dass die meisten Menschen den Umgang mit diesem System sehr "
    "schnell lernen.",
    "Ich fand das System sehr umständlich zu nutzen.",
    "Ich fühlte mich bei der Benutzung des Systems sehr sicher.",
    "Ich musste eine Menge lernen, bevor ich anfangen konnte, das System zu verwenden.",
)
"""The ten items in the usual German wording; answers run from 1 (stimme überhaupt nicht zu)
to 5 (stimme voll zu)."""

ITEM_COUNT = 10
LOWEST, HIGHEST = 1, 5


def answers_problem(answers: object) -> str | None:
    """The German rule an answer list breaks, or None when it is ten integers 1..5."""
    if not isinstance(answers, list | tuple) or len(answers) != ITEM_COUNT:
        return "Der SUS-Fragebogen braucht genau zehn Antworten (eine je Aussage)."
    for number, value in enumerate(answers, start=1):
        if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 5:
            return f"Antwort {number} muss eine ganze Zahl von 1 bis 5 sein."
    return None


def score(answers: Sequence[int]) -> float:
    """0..100: odd items give answer−1, even items 5−answer; the sum times 2.5."""
    problem = answers_problem(list(answers))
    if problem:
        raise ValueError(problem)
    total = sum(a - 1 if i % 2 == 0 else 5 - a for i, a in enumerate(answers))
    return total * 2.5


def _beta_fraction(a: float, b: float, x: float) -> float:
    """Continued fraction of the regularised incomplete beta function (modified Lentz)."""
    tiny = 1e-300
    c, d = 1.0, 1.0 - (a + b) * x / (a + 1.0)
    d = 1.0 / (d if abs(d) > tiny else tiny)
    result = d
    for m in range(1, 300):
        for numerator in (
            m * (b - m) * x / ((a + 2 * m - 1) * (a + 2 * m)),
            -(a + m) * (a + b + m) * x / ((a + 2 * m) * (a + 2 * m + 1)),
        ):
            d = 1.0 + numerator * d
            d = 1.0 / (d if abs(d) > tiny else tiny)
            c = 1.0 + numerator / c
            c = c if abs(c) > tiny else tiny
            result *= c * d
        if abs(c * d - 1.0) < 1e-14:
            break
    return result


def _incomplete_beta(a: float, b: float, x: float) -> float:
    if x <= 0.0:
        return 0.0
    if x >= 1.0:
        return 1.0
    log_front = (
        math.lgamma(a + b) - math.lgamma(a) - math.lgamma(b) + a * math.log(x) + b * math.log1p(-x)
    )
    if x < (a + 1.0) / (a + b + 2.0):
        return math.exp(log_front) * _beta_fraction(a, b, x) / a
    return 1.0 - math.exp(log_front) * _beta_fraction(b, a, 1.0 - x) / b


def t_cdf(t: float, df: int) -> float:
    """P(T ≤ t) for Student's t with ``df`` degrees of freedom."""
    tail = 0.5 * _incomplete_beta(df / 2.0, 0.5, df / (df + t * t))
    return 1.0 - tail if t > 0 else tail


def t_quantile(p: float, df: int) -> float:
    """The t value with P(T ≤ t) = p (0.5 < p < 1), by bisection on the CDF."""
    low, high = 0.0, 1.0
    while t_cdf(high, df) < p:
        high *= 2.0
    for _ in range(200):
        mid = (low + high) / 2.0
        if t_cdf(mid, df) < p:
            low = mid
        else:
            high = mid
    return (low + high) / 2.0


def mean_interval(
    scores: Sequence[float], level: float = 0.95
) -> tuple[float | None, float | None, float | None]:
    """(mean, lower, upper) of ``scores``; the bounds need at least two scores. The interval
    is mean ± t(1−α/2, n−1)·s/√n, clipped to the scale 0..100."""
    n = len(scores)
    if n == 0:
        return None, None, None
    mean = sum(scores) / n
    if n < 2:
        return round(mean, 2), None, None
    sd = math.sqrt(sum((s - mean) ** 2 for s in scores) / (n - 1))
    half = t_quantile(1.0 - (1.0 - level) / 2.0, n - 1) * sd / math.sqrt(n)
    return round(mean, 2), round(max(0.0, mean - half), 2), round(min(100.0, mean + half), 2)
