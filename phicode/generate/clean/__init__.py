"""Cleaning of model text: each kind of text (code, tests, questions) in one module.

- :mod:`~phicode.generate.clean.code`: the code in an answer (fences, prose, cut-off tails);
- :mod:`~phicode.generate.clean.tests`: a test answer made a pytest module that imports
  ``solution``; dropping and merging tests;
- :mod:`~phicode.generate.clean.questions`: a question made a task that names everything
  and shows no code;
- :mod:`~phicode.generate.clean.outcome`: what they return (:class:`Parsed` or
  :class:`ParseFailure` with a reason).

``VERSION`` names the rules: change what a cleaned text is, and bump it, so that the
pipeline's synth stage (whose resume key it is part of) redoes what it cleaned.
"""

from phicode.generate.clean.code import code_blocks, extract_code, parse_prefix
from phicode.generate.clean.outcome import Parsed, ParseFailure, ParseReason, QuestionReason
from phicode.generate.clean.questions import (
    check_question,
    clean_question,
    names_everything,
    shows_code,
)
from phicode.generate.clean.tests import clean_tests, drop_tests, merge_tests, nodeid_name

VERSION = "clean@2"  # 2: a test that never calls the function is dropped

__all__ = [
    "VERSION",
    "ParseFailure",
    "ParseReason",
    "Parsed",
    "QuestionReason",
    "check_question",
    "clean_question",
    "clean_tests",
    "code_blocks",
    "drop_tests",
    "extract_code",
    "merge_tests",
    "names_everything",
    "nodeid_name",
    "parse_prefix",
    "shows_code",
]
