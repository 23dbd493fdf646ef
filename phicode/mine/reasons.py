"""Every reason the miner drops something, declared once.

``Skip`` is about files and folders (never parsed, or not parseable);
``Reject`` is about functions (found, then dropped by extraction, a filter,
decontamination or deduplication). The values are what users see in the
summary and in ``--rejected`` lines, so they never change meaning.
"""

from __future__ import annotations

from enum import StrEnum


class Skip(StrEnum):
    """Why a file or a folder was not mined."""

    HIDDEN = "hidden"
    VIRTUALENV = "virtualenv"
    SITE_PACKAGES = "site_packages"
    BUILD_OUTPUT = "build_output"
    VENDORED = "vendored"
    TESTS = "tests"
    SYMLINK = "symlink"
    SYMLINK_LOOP = "symlink_loop"
    NOT_A_FILE = "not_a_regular_file"
    UNREADABLE = "unreadable"
    TOO_LARGE = "too_large"
    BINARY = "binary"
    INVALID_ENCODING = "invalid_encoding"
    PYTHON2 = "python2"
    SYNTAX_ERROR = "syntax_error"
    TOO_DEEP = "too_deeply_nested"
    GENERATED = "generated"
    LICENSE = "license_not_allowed"
    EXTRACT_FAILED = "extraction_failed"


class Reject(StrEnum):
    """Why a function found in a parsed file is not a snippet.

    Checked in stages: the entry point alone (async .. no_return_value), its
    dependencies (global_statement .. unresolved_name, in the order names are
    met), the whole snippet (forbidden_module .. too_long), HumanEval overlap,
    then deduplication. The first that applies is the one recorded.
    """

    ASYNC = "async_function"
    NO_ARGUMENTS = "no_arguments"
    PRINT_ONLY = "print_only"
    NO_RETURN = "no_return_value"
    GLOBAL_STATEMENT = "global_statement"
    RELATIVE_IMPORT = "relative_import"
    NON_STDLIB_IMPORT = "non_stdlib_import"
    UNRESOLVED_NAME = "unresolved_name"
    FORBIDDEN_MODULE = "forbidden_module"
    FORBIDDEN_CALL = "forbidden_call"
    NONDETERMINISTIC = "nondeterministic"
    TOO_SHORT = "too_short"
    TOO_LONG = "too_long"
    CONTAMINATED = "humaneval_overlap"
    DUPLICATE = "duplicate"
    NEAR_DUPLICATE = "near_duplicate"
