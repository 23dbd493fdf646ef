"""Filters on verified pairs, each with its version, its reasons and its decision.

- :mod:`.mutation`: do the tests tell wrong answers from the right one (``mutation_score``);
- :mod:`.strengthen`: weak tests get oracle tests that kill their surviving mutants;
- :mod:`.agreement`: blind solves of the question (``solve_rate``): too easy or ambiguous;
- :mod:`.fidelity`: each test checks a behaviour the question states (read by the blind
  answers and by the worked examples' forms), or it is stated as an example or dropped;
- :mod:`.reasons`: the reasons they drop a pair for.

Every filter's version is part of the pipeline's resume key.
"""
