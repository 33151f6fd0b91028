"""Best-practice library (issue 11, S2.2): structured profiles of other cities' solutions,
imported from CSV/XLSX/JSON with the funding radar's table reading, value parsing and
column mapping, rated by signed-in reviewers on named criteria, and matched to measures.

Engine modules: ``models`` (practices and ratings), ``vocab`` (statuses, criteria, header
spellings), ``rows`` (one row → a practice or a refusal), ``store`` (queries, writes,
aggregates), ``similarity`` (practices like a measure, with reasons). Operations live in
``domstadt.funding.practice_service``; pages and JSON in ``views``/``api``; the CLI in
``cli``.
"""
