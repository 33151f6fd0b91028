"""AI-feasibility screening of measures (S2.0): a transparent rubric and a reference library."""
