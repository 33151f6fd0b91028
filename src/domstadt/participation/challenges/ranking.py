"""Weighted jury ranking and the public vote count: the rule (computed in SQL by
``results_query``).

A submission's jury score is the weighted mean over criteria of the mean of its jurors'
scores on that criterion (weights normalised to sum 1; a criterion nobody scored is left out
and the remaining weights renormalised). Tie rule: equal jury scores (rounded to 3 decimals)
are ordered by more public votes, then by the earlier submission time, then by the lower id.
"""

from __future__ import annotations

TIE_RULE = (
    "Bei gleicher gewichteter Jurywertung entscheiden mehr Publikumsstimmen, dann die frühere "
    "Einreichung."
)
