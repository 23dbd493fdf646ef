"""Cases as data: a pair's checks that a judge outside the code's process can decide.

:mod:`~phicode.cases.derive` finds them in the final tests; the untrusted
:mod:`~phicode.cases.compute` (run in the sandbox) only computes results;
:mod:`~phicode.cases.judge` (on the host) compares them with the expected values.
"""

from __future__ import annotations

from phicode.cases.derive import derive_cases
from phicode.cases.judge import CaseVerdict, judge_cases

__all__ = ["CaseVerdict", "derive_cases", "judge_cases"]
