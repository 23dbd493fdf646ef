"""Questions written from observed behaviour: once the tests are final, the question states them.

Tests that check what the question never says teach a model to guess (issue 12
found it in five of six kept pairs). So after the repair loop, every call in the
final tests is run through the oracle, and the question is brought in line
with what the snippet really did there:

1. with a model, the question is rewritten with those observed cases in the
   prompt (``restate.j2``); an unusable rewrite (empty, cut off, code, no task)
   keeps the question as it was, with a note;
2. then mechanically, with or without a model:
   - sentences that ask for something besides the function ("write a test
     case", "explain") are removed, and listed examples beyond three (a rewrite
     that lists every tested call gives the answers away);
   - a claim the snippet contradicts (the question says it raises ``X``; no
     tested call raises ``X`` and the code never mentions it) is removed;
   - every exception the tests expect is stated, with a call that raises it and
     the snippet's own message as the evidence of when;
   - a question with no worked example gets one or two, taken from the observed
     cases (never all of them), and one more for each form of call the tests make
     that no example shows (a parameter no example passes), up to three in all.

What was changed is noted on the pair (``verification.detail``). A question
left too short after removals is a rejection.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Sequence
from dataclasses import dataclass, replace

from phicode import pysyntax
from phicode.generate.backends.base import ModelBackend
from phicode.generate.clean import (
    ParseFailure,
    check_question,
    clean_question,
    names_everything,
)
from phicode.generate.codeinfo import FunctionInfo
from phicode.generate.config import GenerationParams
from phicode.generate.draft import Draft
from phicode.generate.drafters.base import Rejected
from phicode.generate.drafters.model import question_params
from phicode.generate.oracle.complete import model_cases
from phicode.generate.oracle.examples import (
    MAX_EXAMPLES,
    count_examples,
    example_line,
    fix_examples,
    showable,
    with_example,
)
from phicode.generate.oracle.forms import call_form, shown_forms, unshown
from phicode.generate.oracle.observe import Observed, OracleError, observe
from phicode.generate.prompts import Prompts
from phicode.generate.reasons import SynthReason
from phicode.sandbox.runner import JobRunner, fan_out

VERSION = "restate@9"  # the mechanical rules; the model's prompt adds its own tag; 9: "the examples show", "is useful for"; 7: lead-ins, handle-only, method clauses; 8: examples under a markdown heading
MAX_TEST_CASES = 40  # calls of the final tests run through the oracle
PROMPT_CASES = 10  # observed cases shown to the model
MIN_CHARS = 40
ECHO_WORDS = 5  # a run of words shared with the prompt's instructions is an echo
LONG_EXAMPLE = 60  # characters of call + result beyond which an example reads badly

_INSTRUCTION = re.compile(
    r"\b(?:write|add|include|provide|create|give)\s+(?:(?:a|an|some|several|the|few|more|"
    r"additional|extra|corresponding|appropriate)\s+)*(?:unit\s+|pytest\s+)?"
    r"(?:tests?|test\s+cases?|test\s+functions?|docstrings?|comments|an?\s+explanation)\b"
    r"|\bexplain\b|\b(?:example|sample)\s+usage\b|\busage\s+examples?\b",
    re.I,
)
# Promises that state nothing a test could check ("should handle various edge cases",
# "raise appropriate exceptions"): a small model adds them to sound complete.
_VAGUE = re.compile(
    r"\b(?:handles?|handling|deal(?:s)?\s+with|account(?:s)?\s+for)\s+(?:all\s+)?(?:various|"
    r"different|any|possible|potential|common|other|all|such|these)?\s*(?:kinds?\s+of\s+|types?\s+of\s+)?"
    r"(?:edge|corner|special|invalid|unexpected)?\s*(?:cases|inputs|scenarios|situations|errors|"
    r"objects|data\s+structures)\b(?!\s+(?:where|when|in\s+which|such\s+as|like|by|as\s+follows))"
    r"|\b(?:appropriate|relevant|suitable|necessary|proper)\s+(?:exceptions?|errors?)\b"
    # issue 22's noise: "should handle exceptions", "easy to understand and test",
    # "return the correct results", "efficient and readable"
    r"|\b(?:handles?|handling|catch(?:es)?)\s+(?:any\s+|all\s+|possible\s+)?(?:exceptions|errors)"
    r"(?!\s+(?:where|when|in\s+which|such\s+as|like|by|as\s+follows|raised\s+by))\s*[.,;]"
    r"|\beasy\s+to\s+(?:understand|read|test|use|maintain)\b"
    r"|\b(?:well[- ]documented|readable|maintainable|efficient(?:ly)?|robust)\s*(?:and\s+\w+\s*)?[.,;]"
    r"|\b(?:returns?|produces?|gives?|outputs?)\s+the\s+(?:correct|right|expected|proper|desired)"
    r"\s+(?:results?|outputs?|values?|answers?)\s*[.,;]",
    re.I,
)
# Readers of the held-out pairs (issue 22) counted as noise: lead-ins that promise
# nothing beyond the examples, and "handles X" sentences that never say how.
_LEAD_IN = re.compile(
    r"\b(?:should|must|will)\s+behave\s+(?:like|as\s+in)\s+(?:the\s+)?(?:examples?|following|"
    r"given|correct|cases?)\b|\bshould\s+handle\s+the\s+following\s+examples\b"
    # restate@9: "The examples show the behavior of the function on these examples.",
    # "This function is useful for separate data sources that ..."
    r"|\bthe\s+examples\s+(?:show|illustrate|demonstrate)\s+(?:the\s+)?(?:behaviou?r|usage|use)\b"
    r"|^\s*(?:this|the)\s+function\s+(?:is|can\s+be)\s+(?:useful|helpful|handy)\b",
    re.I,
)
_HANDLES = re.compile(r"\b(?:handles?|handling)\b", re.I)
_SAYS_HOW = re.compile(
    r"\b(?:returns?|returning|raises?|raising|yields?|gives?|produces?|results?\s+in|treats?|"
    r"by|(?<!such\s)as|into|equals?|becomes?|means?|counts?|ignor\w+|skip\w*|keeps?|removes?)\b|[=`]",
    re.I,
)
# "using a hash table", "using three reversals": how, not what; no test can check it.
_METHOD = re.compile(
    r",?\s+(?:by\s+)?using\s+(?:a\s+|an\s+|the\s+|three\s+|two\s+)?(?:hash\s*(?:tables?|maps?|sets?)|"
    r"dictionar(?:y|ies)|sets?|modular\s+arithmetic|recursion|iteration|loops?|reversals?|"
    r"(?:two\s+)?pointers|dynamic\s+programming|stacks?|queues?|binary\s+search|"
    r"sliding\s+windows?|list\s+comprehensions?|built-?in\s+functions?)\b(?=[\s.,;:])",
    re.I,
)
_EXC = r"`?(?P<{}>[A-Z]\w*(?:Error|Exception|Warning))`?"
_CLAIM = re.compile(
    r"\b(?:[Rr]aises?|[Rr]aised|[Rr]aising|[Tt]hrows?|[Tt]hrowing)\s+(?:an?\s+|the\s+)?"
    + _EXC.format("exc")
    + "|"
    + _EXC.format("passive")
    + r"\s+(?:is|will\s+be|should\s+be|must\s+be)\s+(?:raised|thrown)"
)
_SENTENCE = re.compile(r"(?<=[.!?])\s+(?=[A-Z`(\"'])")


@dataclass(frozen=True, slots=True)
class _Evidence:
    """What the snippet did on the calls of the final tests."""

    values: list[Observed]
    raises: list[Observed]


class Restater:
    """Brings each draft's question in line with what its final tests check."""

    def __init__(
        self,
        pool: JobRunner,
        *,
        backend: ModelBackend | None = None,
        prompts: Prompts | None = None,
        params: GenerationParams | None = None,
    ) -> None:
        self.pool = pool
        self.backend = backend
        self.prompts = prompts or (Prompts() if backend is not None else None)
        self.params = params or GenerationParams()

    @property
    def version(self) -> str:
        if self.backend is None or self.prompts is None:
            return VERSION
        return f"{VERSION}+{self.prompts['restate'].tag}"

    def restate(self, drafts: Sequence[Draft]) -> list[Draft | Rejected]:
        """Each draft with its question restated, or why the question cannot be kept."""
        if not drafts:
            return []
        evidence = fan_out(self.pool, self._evidence, drafts, name="restate")
        rewrites = self._rewrites(drafts, evidence)
        return [
            self._finish(draft, found, rewrite)
            for draft, found, rewrite in zip(drafts, evidence, rewrites, strict=True)
        ]

    # -- evidence and the model's rewrite

    def _evidence(self, draft: Draft) -> _Evidence | None:
        cases = model_cases(draft.tests, draft.info, limit=MAX_TEST_CASES)
        if not cases:
            return None
        try:
            seen = observe(self.pool, draft.snippet.code, draft.info.name, cases)
        except OracleError:
            return None
        return _Evidence(
            values=[o for o in seen if o.kind == "value"],
            raises=[o for o in seen if o.kind == "raises"],
        )

    def _rewrites(
        self, drafts: Sequence[Draft], evidence: list[_Evidence | None]
    ) -> list[str | None]:
        """The model's raw rewrite per draft (None without a model or evidence)."""
        if self.backend is None or self.prompts is None:
            return [None] * len(drafts)
        asked = [i for i, found in enumerate(evidence) if found is not None]
        prompts = [self._prompt(drafts[i], evidence[i]) for i in asked]  # type: ignore[arg-type]
        answers = self.backend.generate(prompts, question_params(self.params)) if prompts else []
        out: list[str | None] = [None] * len(drafts)
        for index, answer in zip(asked, answers, strict=True):
            out[index] = answer
        return out

    def _instructions(self, draft: Draft) -> str:
        """The prompt's own words: the prompt without the question and the cases."""
        assert self.prompts is not None
        info = draft.info
        return self.prompts.render(
            "restate", entry_point=info.name, signature=info.signature, question="", cases=[]
        )

    def _prompt(self, draft: Draft, found: _Evidence) -> str:
        assert self.prompts is not None
        shown = [*found.raises[:3], *found.values][:PROMPT_CASES]
        cases = [example_line(draft.info, o).removeprefix("- ").rstrip(".") for o in shown]
        return self.prompts.render(
            "restate",
            entry_point=draft.info.name,
            signature=draft.info.signature,
            question=draft.question.strip(),
            cases=cases,
        )

    # -- one draft

    def _finish(
        self, draft: Draft, found: _Evidence | None, rewrite: str | None
    ) -> Draft | Rejected:
        notes: list[str] = []
        question = draft.question
        if rewrite is not None:
            allowed = f"{draft.question}\nWrite a Python function `{draft.info.signature}` that"
            rewrite = drop_echo(rewrite, self._instructions(draft), allowed, notes)
            question = self._accept_rewrite(draft, rewrite, question, notes)
        question = drop_instructions(question, notes)
        question = drop_vague(question, notes)
        question = cap_examples(question, draft.info, notes)
        if found is not None:
            question = drop_contradicted_raises(question, draft.snippet.code, found.raises, notes)
            question = state_raises(question, draft.info, found.raises, notes)
            question = add_examples(question, draft.info, found.values, notes)
        question = re.sub(r"\n{3,}", "\n\n", question).strip() + "\n"
        if len(question) < MIN_CHARS:
            return Rejected(
                SynthReason.QUESTION_CONTRADICTS,
                "the question is gone after removing what the snippet contradicts",
            )
        if found is None:
            notes.append("restate: no tested call could be observed")
        return replace(draft, question=question).with_tests(draft.tests, *notes)

    def _accept_rewrite(self, draft: Draft, raw: str, question: str, notes: list[str]) -> str:
        info = draft.info
        cleaned = clean_question(raw, info)
        if isinstance(cleaned, ParseFailure):
            notes.append(f"restate: model rewrite unusable ({cleaned.reason})")
            return question
        checked = check_question(cleaned.text, info, draft.snippet.code)
        if isinstance(checked, ParseFailure):
            notes.append(f"restate: model rewrite unusable ({checked.reason})")
            return question
        if not names_everything(raw, info):
            # a rewrite that lost the task (or is something else: an injection, a refusal)
            notes.append("restate: model rewrite unusable (it does not name the function)")
            return question
        try:
            fixed = fix_examples(self.pool, draft.snippet.code, info, checked.text)
        except OracleError:
            fixed = None
        if fixed is None:
            notes.append("restate: model rewrite unusable (its examples are no valid calls)")
            return question
        notes.append("restate: question rewritten by the model from the observed cases")
        notes.extend(f"restate: {fix}" for fix in fixed.fixes)
        return fixed.text


# --- mechanical rules (pure functions, unit-tested on their own) -------------------------


def sentences(text: str) -> list[str]:
    """The text's sentences and list items, in order (a blank line separates paragraphs)."""
    out: list[str] = []
    for line in text.splitlines():
        out.extend(_SENTENCE.split(line) if line.strip() else [""])
    return out


def rejoin(parts: list[str | None], text: str) -> str:
    """Sentences back into lines: each original line's surviving sentences joined by a space."""
    lines: list[str] = []
    index = 0
    for line in text.splitlines():
        pieces = _SENTENCE.split(line) if line.strip() else [""]
        kept = [p for p in parts[index : index + len(pieces)] if p is not None]
        index += len(pieces)
        if line.strip() and not kept:
            continue
        lines.append(" ".join(kept))
    return "\n".join(lines)


def _without(text: str, drop: re.Pattern[str]) -> tuple[str, int]:
    """``text`` without the sentences ``drop`` finds, and how many went."""
    parts: list[str | None] = list(sentences(text))
    removed = 0
    for index, sentence in enumerate(parts):
        if sentence and drop.search(sentence):
            parts[index] = None
            removed += 1
    return rejoin(parts, text), removed


def _words(text: str) -> list[str]:
    return re.findall(r"[a-z0-9]+", text.lower())


def _runs(words: list[str], size: int) -> set[tuple[str, ...]]:
    return {tuple(words[i : i + size]) for i in range(len(words) - size + 1)}


def drop_echo(rewrite: str, instructions: str, allowed: str, notes: list[str]) -> str:
    """Remove sentences of a rewrite that repeat the prompt's ``instructions`` (a small
    model echoes "which exceptions are raised and when" as if it were a rule of the task):
    a run of ``ECHO_WORDS`` words shared with them and not with ``allowed`` (the original
    question and the opening the prompt asks for)."""
    echoed = _runs(_words(instructions), ECHO_WORDS) - _runs(_words(allowed), ECHO_WORDS)
    parts: list[str | None] = list(sentences(rewrite))
    removed = 0
    for index, sentence in enumerate(parts):
        if sentence and _runs(_words(sentence), ECHO_WORDS) & echoed:
            parts[index] = None
            removed += 1
    if not removed:
        return rewrite
    notes.append(f"restate: removed {removed} sentence(s) of the rewrite that echo the prompt")
    return rejoin(parts, rewrite)


def instructions(question: str) -> list[str]:
    """The question's sentences that ask for something besides the function."""
    return [s for s in sentences(question) if s and _INSTRUCTION.search(s)]


def drop_vague(question: str, notes: list[str]) -> str:
    """Remove sentences that promise behaviour without stating it ("handles edge cases",
    "handles empty lists", "should behave like the examples provided"), and method
    clauses no test can check ("using a hash table")."""
    parts: list[str | None] = list(sentences(question))
    removed = 0
    for index, sentence in enumerate(parts):
        if sentence and _vague(sentence):
            parts[index] = None
            removed += 1
    text = rejoin(parts, question) if removed else question
    if removed:
        notes.append(f"restate: removed {removed} vague sentence(s) that state no behaviour")
    text, methods = _METHOD.subn("", text)
    if methods:
        notes.append(f"restate: removed {methods} method clause(s) no test can check")
    return text


def _vague(sentence: str) -> bool:
    if _VAGUE.search(sentence) or _LEAD_IN.search(sentence):
        return True
    return bool(_HANDLES.search(sentence)) and not _SAYS_HOW.search(sentence)


def drop_instructions(question: str, notes: list[str]) -> str:
    """Remove sentences that ask for something besides the function (tests, explanations)."""
    text, removed = _without(question, _INSTRUCTION)
    if removed:
        notes.append(f"restate: removed {removed} instruction(s) that are not part of the task")
    return text


def claimed_raises(question: str) -> set[str]:
    """Exception names the question says the function raises."""
    return {m["exc"] or m["passive"] for m in _CLAIM.finditer(question)}


def drop_contradicted_raises(
    question: str, code: str, raised: list[Observed], notes: list[str]
) -> str:
    """Remove claims of raising an exception that no tested call raised and the code
    never names (the question contradicts the snippet)."""
    seen = {o.exc for o in raised}
    named = _names_in(code)
    false = {name for name in claimed_raises(question) if name not in seen and name not in named}
    if not false:
        return question
    pattern = re.compile("|".join(rf"\b{re.escape(name)}\b" for name in sorted(false)))
    text, _ = _without(question, pattern)
    notes.append(
        f"restate: removed a claim the snippet contradicts (raises {', '.join(sorted(false))})"
    )
    return text


def _names_in(code: str) -> set[str]:
    try:
        tree = pysyntax.parse(code)
    except SyntaxError:
        return set()
    return {n.id for n in ast.walk(tree) if isinstance(n, ast.Name)} | {
        n.attr for n in ast.walk(tree) if isinstance(n, ast.Attribute)
    }


def state_raises(
    question: str, info: FunctionInfo, raised: list[Observed], notes: list[str]
) -> str:
    """Every exception the tests expect is named, with a call that raises it."""
    missing: dict[str, Observed] = {}
    for o in raised:
        if o.exc and not re.search(rf"\b{re.escape(o.exc)}\b", question):
            missing.setdefault(o.exc, o)
    if not missing:
        return question
    lines = [example_line(info, o) for o in missing.values()]
    notes.append(f"restate: stated the exceptions the tests expect ({', '.join(missing)})")
    return f"{question.rstrip()}\n\nErrors:\n" + "\n".join(lines)


def cap_examples(question: str, info: FunctionInfo, notes: list[str]) -> str:
    """At most ``MAX_EXAMPLES`` worked examples as list items: a rewrite that lists every
    tested call gives the answers away (the question states cases, never all of them)."""
    kept, out = 0, []
    for line in question.splitlines():
        if line.lstrip().startswith("- ") and count_examples(line, info):
            kept += 1
            if kept > MAX_EXAMPLES:
                continue
        out.append(line)
    if kept <= MAX_EXAMPLES:
        return question
    notes.append(f"restate: kept {MAX_EXAMPLES} of {kept} listed examples")
    return "\n".join(out)


def add_examples(
    question: str, info: FunctionInfo, values: list[Observed], notes: list[str]
) -> str:
    """Worked examples from the observed values: one or two when the question shows none,
    then one for each call form of the tests that no example shows yet (a parameter no
    example passes, a kind of value none gets: :mod:`~phicode.generate.oracle.forms`),
    while the question shows fewer than ``MAX_EXAMPLES``."""
    candidates = sorted((o for o in values if showable(o)), key=_example_rank)
    shown = count_examples(question, info)
    chosen: list[Observed] = []
    if not shown:
        results: set[str | None] = set()
        for o in candidates:
            if o.repr not in results:
                chosen.append(o)
                results.add(o.repr)
            if len(chosen) == 2:
                break
    forms = shown_forms(question, info) + [call_form(o.case, info) for o in chosen]
    for o in candidates:
        if shown + len(chosen) >= MAX_EXAMPLES:
            break
        form = call_form(o.case, info)
        if o not in chosen and unshown(form, forms):
            chosen.append(o)
            forms.append(form)
    if not chosen:
        return question
    notes.append(f"restate: added {len(chosen)} worked example(s) from the observed cases")
    for o in chosen:
        question = with_example(question, example_line(info, o))
    return question.rstrip()


def _example_rank(o: Observed) -> bool:
    """Short examples first, then in test order (sorted() is stable): the first calls of the
    tests are the model's typical inputs, more telling than the oracle's smallest ones."""
    return len(o.case.call("f")) + len(o.repr or "") > LONG_EXAMPLE


__all__ = [
    "VERSION",
    "Restater",
    "add_examples",
    "cap_examples",
    "claimed_raises",
    "drop_contradicted_raises",
    "drop_echo",
    "drop_instructions",
    "drop_vague",
    "instructions",
    "rejoin",
    "sentences",
    "state_raises",
]
