"""Funding radar (issue 11, S2.4 and S3.3): funding programmes of the EU, the Bund, the Land,
the city and private funders, imported from files (CSV, XLSX, JSON with German headers or a
mapping, the Förderdatenbank's layout) and RSS/Atom feeds, kept with a history of changes, and
matched to measures, initiatives, challenges and organisations.

Engine modules (no routes, no service rules): ``models`` (tables), ``vocab`` (levels, types,
applicants, statuses and their German spellings), ``values`` (dates, amounts, lists as people
write them), ``tables`` (reading files), ``mapping`` (columns → our fields: explicit mapping,
German headers, Förderdatenbank layout), ``rows`` (one row → a programme or a refusal),
``feeds`` (RSS/Atom), ``matching`` (scores and reasons). Operations live in
``domstadt.funding_service`` and ``domstadt.funding_match_service``; pages and JSON in
``views``/``api``; the CLI in ``cli``.
"""
