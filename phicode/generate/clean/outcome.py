"""What cleaning a model's text gives: usable text with its fixes, or a failure with a reason.

Every cleaner in :mod:`phicode.generate.clean` returns :class:`Parsed` or
:class:`ParseFailure`; nothing there raises on model output. The reasons are
the ``reason`` of a rejection record, declared once here.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class ParseReason(StrEnum):
    """Why a model's output could not be used (the ``reason`` of a rejection)."""

    EMPTY_OUTPUT = "empty_output"
    NO_CODE = "no_code"
    SYNTAX_ERROR = "syntax_error"
    NO_TESTS = "no_test_functions"
    NO_ASSERTS = "no_asserts"
    NOT_CALLING_ENTRY = "tests_do_not_call_entry_point"
    QUESTION_TOO_SHORT = "question_too_short"
    QUESTION_SHOWS_CODE = "question_shows_code"


class QuestionReason(StrEnum):
    """Why a cleaned question is dropped (beside :class:`ParseReason`)."""

    NOT_A_TASK = "question_not_a_task"
    BAD_EXAMPLES = "question_bad_examples"
    NOT_ENGLISH = "question_not_english"
    CUT_OFF = "question_cut_off"


@dataclass(frozen=True, slots=True)
class Parsed:
    """Usable text and the repairs it took to get there."""

    text: str
    fixes: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class ParseFailure:
    """Why a model's text is unusable, and where it went wrong."""

    reason: ParseReason | QuestionReason
    detail: str
