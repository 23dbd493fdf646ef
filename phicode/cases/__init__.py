"""Cases as data: a pair's checks that a judge outside the code's process can decide.

The case judge imports nothing of generation: :mod:`phicode.generate.oracle.derive`
finds a pair's cases in its final tests (the pipeline's cases stage); the untrusted
:mod:`~phicode.cases.compute` (run in the sandbox) only computes results;
:mod:`~phicode.cases.judge` (on the host) compares them with the expected values.
"""

from __future__ import annotations

from phicode.cases.judge import CaseVerdict, judge_cases

__all__ = ["CaseVerdict", "judge_cases"]
