"""The template drafter (no model): questions from signatures and docstrings, tests from
the snippet itself.

Deterministic and fast (one sandbox run per snippet), so the whole pipeline runs
in tests without a model. The question states the signature, the docstring's
prose and a few examples; the tests are the docstring's ``>>>`` calls and calls
on inputs derived from type hints, defaults and names, each with the value the
snippet returned in the sandbox (``pytest.approx`` for floats,
``np.testing`` for numpy arrays, ``pytest.raises`` where it raised, the mutated argument where it returned
``None``). It cannot know what the function is *for*, so its tests pin
behaviour rather than intent; beside a model it supplies the values a small
model gets wrong.
"""

from __future__ import annotations

import re
import zlib
from collections import Counter
from collections.abc import Sequence

from phicode.generate.codeinfo import FunctionInfo
from phicode.generate.draft import Draft
from phicode.generate.drafters.base import Item, Rejected
from phicode.generate.oracle.asserts import template_tests
from phicode.generate.oracle.choose import (
    MIN_CHECKS,
    boundary_cases,
    choose_cases,
    optional_cases,
)
from phicode.generate.oracle.domain import paired_variants
from phicode.generate.oracle.examples import MAX_EXAMPLES, example_line, showable
from phicode.generate.oracle.forms import call_form
from phicode.generate.oracle.inputs import Case, docstring_cases, generated_cases
from phicode.generate.oracle.observe import Observed, OracleError, observe
from phicode.generate.reasons import SynthReason
from phicode.records import Generator
from phicode.sandbox.runner import JobRunner, fan_out

VERSION = "template@9"  # 9: changed arguments beside returned values; 2: numpy via np.testing; 3: raise examples quote their message; 4: cases chosen for branches, boundaries and outcome classes; 5: no reST directives; 6: optional parameters passed; 7: examples cover the forms of call; 8: unique parameters
GENERATED_CASES = 24


class TemplateDrafter:
    """Writes a :class:`Draft` for a snippet by running it, without a model."""

    name = "template"
    model = "template"

    def __init__(self, pool: JobRunner, *, cases: int = GENERATED_CASES) -> None:
        self.pool = pool
        self.cases = cases

    @property
    def version(self) -> str:
        return VERSION

    def draft(self, items: Sequence[Item]) -> list[Draft | Rejected]:
        return fan_out(self.pool, self.draft_one, items, name="draft")

    def draft_one(self, item: Item) -> Draft | Rejected:
        """Question and tests for one snippet, or why the snippet gives none."""
        snippet, info = item.snippet, item.info
        seed = zlib.crc32(snippet.id.encode())
        found = docstring_cases(info) + generated_cases(info, self.cases, seed)
        more = (
            boundary_cases(found, info, snippet.code)
            + optional_cases(found[:4], info)
            + paired_variants(found, info, snippet.code)
        )
        cases = _unique(found + more)
        if not cases:
            return Rejected(
                SynthReason.NO_CASES,
                "no inputs can be derived from the signature (unknown parameter types)",
            )
        try:
            observed = observe(self.pool, snippet.code, info.name, cases)
        except OracleError as exc:
            return Rejected(SynthReason.SNIPPET_FAILS, str(exc))
        chosen = choose_cases(observed, info, snippet.code)
        if not any(o.kind == "value" for o in chosen) or len(chosen) < MIN_CHECKS:
            return Rejected(SynthReason.NO_CASES, _why_none(observed, len(chosen)))
        return Draft(
            snippet=snippet,
            info=info,
            question=template_question(info, chosen),
            tests=template_tests(info, chosen),
            generator=Generator(backend=self.name, model=self.model, prompt=VERSION),
        )


def _unique(cases: list[Case]) -> list[Case]:
    seen: dict[tuple, Case] = {}
    for case in cases:
        seen.setdefault((case.args, case.kwargs), case)
    return list(seen.values())


def _why_none(observed: list[Observed], found: int = 0) -> str:
    kinds = Counter(o.kind if o.kind != "invalid" else f"invalid ({o.why})" for o in observed)
    listed = ", ".join(f"{n} {kind}" for kind, n in kinds.most_common(4))
    if found:
        return f"only {found} call in the function's domain with a result to test ({listed})"
    return f"no call returned a testable value ({listed})"


# --- the question -------------------------------------------------------------------

_SECTION = re.compile(r"^\s*(examples?|doctests?)\s*:?\s*$", re.I)


def template_question(info: FunctionInfo, chosen: list[Observed]) -> str:
    """Signature, docstring prose and examples; never the body."""
    parts = [f"Write a Python function `{info.signature}`."]
    prose = _docstring_prose(info.docstring or "")
    if prose:
        parts.append(prose)
    examples = [example_line(info, o) for o in _examples(info, chosen)]
    if examples:
        parts.append("Examples:\n" + "\n".join(examples))
    return "\n\n".join(parts) + "\n"


def _examples(info: FunctionInfo, chosen: list[Observed]) -> list[Observed]:
    """At most MAX_EXAMPLES, shortest first, but each (parameter, kind of value) some case
    passes shown by one first: a test in a form no example shows is dropped by the
    alignment (``limit``'s ``max_lim`` would never be tested)."""
    shown = sorted(
        (o for o in chosen if showable(o)), key=lambda o: len(o.case.call("f")) + len(o.repr or "")
    )
    picked: list[Observed] = []
    seen: set[tuple[str, str]] = set()
    for o in shown:
        form = call_form(o.case, info)
        if form - seen and len(picked) < MAX_EXAMPLES:
            picked.append(o)
            seen |= form
    for o in shown:
        if len(picked) >= MAX_EXAMPLES:
            break
        if o not in picked:
            picked.append(o)
    return sorted(picked, key=shown.index)


_DIRECTIVE = re.compile(r"^\s*\.\.\s+[\w-]+::")  # .. versionadded:: 4.0.0 (release notes)


def _docstring_prose(docstring: str) -> str:
    """The docstring without its ``>>>`` examples and their expected output, and without
    reST directives (``.. versionchanged::`` and what is indented under it: noise to a
    reader of the task)."""
    kept: list[str] = []
    in_example = in_directive = False
    for line in docstring.splitlines():
        stripped = line.strip()
        if _DIRECTIVE.match(line):
            in_directive = True
            continue
        if in_directive and (not stripped or line[:1].isspace()):
            continue  # the directive's body, indented under it
        in_directive = False
        if stripped.startswith(">>>") or stripped.startswith("..."):
            in_example = True
            continue
        if in_example and stripped:
            continue  # expected output of an example
        in_example = False
        kept.append(line.rstrip())
    text = "\n".join(kept)
    text = "\n".join(line for line in text.splitlines() if not _SECTION.match(line))
    return re.sub(r"\n{3,}", "\n\n", text).strip()


__all__ = ["VERSION", "TemplateDrafter", "template_question"]
