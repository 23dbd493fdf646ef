"""Why synthesis drops a snippet: declared once, written to ``--rejected`` as ``reason``.

Cleaning model text has its own reasons
(:class:`~phicode.generate.clean.outcome.ParseReason`,
:class:`~phicode.generate.clean.outcome.QuestionReason`).
"""

from __future__ import annotations

from enum import StrEnum

from phicode.records import Status


class SynthReason(StrEnum):
    """Why ``phicode synth`` drops a snippet (besides the cleaning reasons)."""

    BAD_SNIPPET = "bad_snippet"  # does not parse, lacks its entry point, or is async
    NOT_SYNTHESISED = "language_not_synthesised"  # no synthesis for the snippet's language
    TRIVIAL = "trivial_baseline"  # JS: a trivial answer passes every case the oracle could choose
    SNIPPET_FAILS = "snippet_fails"  # the oracle could not run it
    NO_CASES = "no_testable_cases"  # the oracle found no call with a testable result
    TESTS_FAILED = "tests_failed"  # tests still fail on the snippet after the repair loop
    TESTS_ERROR = "tests_error"  # tests do not run (collection error, no tests, early exit)
    TESTS_TIMEOUT = "tests_timeout"
    SANDBOX_CRASHED = "sandbox_crashed"
    INVALID_RECORD = "invalid_record"  # an input line that is no Snippet (CLI)
    QUESTION_CONTRADICTS = "question_contradicts_behaviour"  # nothing left once contradictions go


STATUS_REASON = {
    Status.FAILED: SynthReason.TESTS_FAILED,
    Status.ERROR: SynthReason.TESTS_ERROR,
    Status.TIMEOUT: SynthReason.TESTS_TIMEOUT,
    Status.CRASHED: SynthReason.SANDBOX_CRASHED,
    Status.REJECTED: SynthReason.TESTS_ERROR,
}
