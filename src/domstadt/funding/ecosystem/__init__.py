"""Competence and ecosystem directory (S2.1, S2.3) and market exploration for procurement
(S3.6): organisations, opted-in people and labs with competences from a controlled vocabulary
(ESCO digital skills, German and English labels and synonyms), searchable by competence,
Stadtbezirk and type and shown on a map; for a measure, the organisations whose competences
and CPV codes match it, regional ones first ("Regionale Anbieter").

Engine modules (no routes, no service rules): ``vocabulary`` (the competence concepts, free
tags → concepts, concepts named in a text), ``cpv`` (the Common Procurement Vocabulary 2008:
validation, labels, relatedness), ``places`` (Stadtbezirke on the map, regional ranks),
``providers`` (scores and reasons of the market exploration), ``models``, ``schemas``.
Operations live in ``domstadt.funding.ecosystem_service``; pages and JSON in ``views``/``api``.
"""
