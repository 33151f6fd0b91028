"""Fitting the duplicate judgement (:mod:`judgement`) on labelled pairs: L2-regularised
logistic regression by Newton steps (numpy only), and a threshold chosen from out-of-fold
probabilities, so the threshold is not tuned on the pairs its weights were fitted to.

Only the development part of the labelled set is given to these functions.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from domstadt.masterplan.registry.judgement import Model

Matrix = npt.NDArray[np.float64]
L2 = 1.0
"""Ridge penalty on the weights (not the bias); keeps rare signals from taking over."""

TARGET_PRECISION = 0.9
MARGIN = 0.02
"""The threshold is chosen for precision ≥ 0.92 on out-of-fold probabilities, two points above
the target, because a cut chosen on the pairs it is judged by is optimistic."""
FOLDS = 5


def logistic(x: Matrix, y: npt.NDArray[np.bool_], l2: float = L2) -> tuple[Matrix, float]:
    """(weights, bias) maximising the penalised log-likelihood of ``y`` given ``x``."""
    rows, cols = x.shape
    design = np.hstack([x, np.ones((rows, 1))])
    theta = np.zeros(cols + 1)
    penalty = np.diag([l2] * cols + [0.0])
    target = y.astype(np.float64)
    for _ in range(100):
        p = 1.0 / (1.0 + np.exp(-np.clip(design @ theta, -30, 30)))
        gradient = design.T @ (p - target) + penalty @ theta
        hessian = design.T @ (design * (p * (1 - p))[:, None]) + penalty
        step = np.linalg.solve(hessian + 1e-9 * np.eye(cols + 1), gradient)
        theta -= step
        if float(np.max(np.abs(step))) < 1e-8:
            break
    return theta[:cols], float(theta[cols])


def out_of_fold(x: Matrix, y: npt.NDArray[np.bool_], seed: int = 15) -> Matrix:
    """Probabilities of each row from a model fitted on the other folds."""
    order = np.random.default_rng(seed).permutation(len(y))
    probabilities = np.zeros(len(y))
    for fold in range(FOLDS):
        held = order[fold::FOLDS]
        train = np.setdiff1d(order, held)
        weights, bias = standardised(x[train], y[train])
        probabilities[held] = 1.0 / (1.0 + np.exp(-(x[held] @ weights + bias)))
    return probabilities


def choose_threshold(
    probabilities: Matrix, y: npt.NDArray[np.bool_], allowed: npt.NDArray[np.bool_] | None = None
) -> float:
    """The cut with the best recall among those reaching precision ≥ TARGET_PRECISION +
    MARGIN on out-of-fold probabilities (else the best F1). ``allowed`` marks the pairs the
    verdict's other conditions let through (no facet conflict, core score ≥ the floor), so
    the cut is chosen for the verdict as it is given, veto included."""
    permitted = np.ones(len(y), dtype=bool) if allowed is None else allowed
    best: tuple[float, float, float] = (-1.0, -1.0, 0.5)
    for cut in sorted(set(np.round(probabilities, 4))):
        predicted = (probabilities >= cut) & permitted
        tp = int(np.sum(predicted & y))
        precision = tp / max(int(np.sum(predicted)), 1)
        recall = tp / max(int(np.sum(y)), 1)
        f1 = 2 * precision * recall / (precision + recall) if tp else 0.0
        on_target = precision >= TARGET_PRECISION + MARGIN
        key = (1.0, recall) if on_target else (0.0, f1)
        if key > best[:2]:
            best = (key[0], key[1], float(cut))
    return best[2]


def standardised(x: Matrix, y: npt.NDArray[np.bool_], l2: float = L2) -> tuple[Matrix, float]:
    """:func:`logistic` on columns scaled to mean 0 and deviation 1 (so one penalty fits all
    signals), with the weights turned back to the raw scale."""
    mean, scale = x.mean(axis=0), x.std(axis=0)
    scale[scale == 0] = 1.0
    weights, bias = logistic((x - mean) / scale, y, l2)
    raw = weights / scale
    return raw, bias - float(np.dot(raw, mean))


def fit(x: Matrix, y: npt.NDArray[np.bool_], allowed: npt.NDArray[np.bool_] | None = None) -> Model:
    """Weights on all given rows, threshold from out-of-fold probabilities (``allowed``: see
    :func:`choose_threshold`)."""
    weights, bias = standardised(x, y)
    threshold = choose_threshold(out_of_fold(x, y), y, allowed)
    return Model(tuple(round(float(w), 4) for w in weights), round(bias, 4), threshold)
