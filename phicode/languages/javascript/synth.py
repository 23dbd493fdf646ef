"""A JavaScript or TypeScript snippet -> a verified pair, composed from what it does.

JavaScript's synthesis is the template backend's recipe (:mod:`.oracle`), whatever
backend a run names: the question is the signature, the JSDoc summary, the throws and
worked examples observed in the sandbox; the tests are node:test checks of the chosen
calls; the cases are the same calls as data for the case judge. The pair is verified
(both judges) before it is returned. A model's question for JavaScript (prompts, repair,
blind solves) is not built yet.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from phicode.generate.drafters import Rejected
from phicode.generate.reasons import STATUS_REASON, SynthReason
from phicode.judge import verify_pair
from phicode.languages import language_named
from phicode.languages.javascript import mutate, oracle
from phicode.records import Generator, Pair, Snippet
from phicode.sandbox.runner import JobRunner, fan_out

VERSION = "js-template@7"  # 7: another default must fail; strings told apart by their kinds of characters; up to 12 cases; 6: shortcuts (a parameter ignored, two swapped) and method mutants must fail; defaults left out; arguments of new shapes; a call stopped after 500 ms; up to 10 cases; 5: any-type values only for type functions, no NaN cases; 4: a baseline passing every call drops the pair; richer pools (booleans, fractions, special characters, a function among any values); 2: typed pools by name, rest parameters, mutants of helpers, conditions, calls; 3: examples that show something
MIN_CASES = 2
BUILTIN_ERRORS = frozenset(
    {"Error", "TypeError", "RangeError", "SyntaxError", "ReferenceError", "EvalError", "URIError"}
)


def synthesize(pool: JobRunner, snippet: Snippet) -> Pair | Rejected:
    """The snippet's verified pair, or why there is none."""
    language = language_named(snippet.language)
    typescript = snippet.language == "typescript"
    sig = oracle.signature(snippet.code, snippet.entry_point, typescript)
    if sig is None:
        return Rejected(
            SynthReason.BAD_SNIPPET, f"no function {snippet.entry_point} in the snippet"
        )
    calls = oracle.candidates(snippet.code, sig, snippet.docstring)
    if not calls:
        return Rejected(SynthReason.NO_CASES, "no candidate call (a function of no parameters)")
    seen = oracle.observe(pool, language, snippet.code, snippet.entry_point, calls, split=True)
    if not seen:
        return Rejected(SynthReason.SNIPPET_FAILS, "the snippet could not be run in the sandbox")
    # a call that hangs the snippet is no case, and would hang every known wrong program
    seen = [s for s in seen if s.kind != "failed"]
    calls = [s.args for s in seen]
    programs, outcomes = _known_wrong(pool, language, snippet, sig, calls, seen)
    kills = [
        frozenset(
            p for p, result in enumerate(outcomes) if result and oracle.differs(real, result[i])
        )
        for i, real in enumerate(seen)
    ]
    chosen = oracle.choose(seen, snippet.code, kills)
    if len(chosen) < MIN_CASES:
        why = f"{len(chosen)} call(s) with a testable result of {len(calls)} tried"
        return Rejected(SynthReason.NO_CASES, why)
    scores = _scores(programs, kills, [seen.index(c) for c in chosen])
    if scores.baselines:
        return Rejected(
            SynthReason.TRIVIAL, f"a trivial answer passes: {', '.join(scores.baselines)}"
        )
    pair = Pair(
        id=snippet.id,
        question=oracle.question(sig, chosen, snippet.docstring, typescript),
        solution=snippet.code,
        entry_point=snippet.entry_point,
        tests=oracle.tests_source(sig, chosen, BUILTIN_ERRORS),
        source=snippet.source,
        generator=Generator(backend="template", model="", prompt=VERSION),
        cases=tuple(s.case() for s in chosen),
        language=snippet.language,
    )
    verification = verify_pair(pool, pair)
    if not verification.passed:
        reason = STATUS_REASON.get(verification.status, SynthReason.TESTS_ERROR)
        return Rejected(reason, verification.detail)
    detail = (
        f"{verification.detail}; composed from {len(chosen)} observed calls of {len(calls)}; "
        f"{scores.killed}/{scores.mutants} mutants rejected"
    )
    return pair.with_verification(
        replace(verification, detail=detail, mutation_score=scores.score, adequacy=scores.adequacy)
    )


@dataclass(frozen=True, slots=True)
class Scores:
    score: float | None  # mutants the chosen calls reject / mutants
    adequacy: float | None  # known programs rejected / those some candidate tells apart
    killed: int
    mutants: int
    baselines: tuple[str, ...]  # trivial answers the chosen calls let through


def _known_wrong(
    pool: JobRunner,
    language: Any,
    snippet: Snippet,
    sig: oracle.Signature,
    calls: list[tuple[str, ...]],
    seen: list[Any],
) -> tuple[list[mutate.Program], list[list[Any]]]:
    """The mutants, baselines and shortcuts, and what each did on every candidate call."""
    typescript = snippet.language == "typescript"
    results = [s.source for s in seen if s.kind == "value"]
    programs = [
        *mutate.mutants(snippet.code, snippet.entry_point, typescript),
        *mutate.baselines(snippet.entry_point, results),
        *mutate.shortcuts(
            snippet.code,
            snippet.entry_point,
            typescript,
            oracle.held_values(sig, calls),
            oracle.swappable(snippet.code, sig),
            oracle.other_defaults(snippet.code, sig),
        ),
    ]
    outcomes = fan_out(
        pool,
        lambda program: oracle.observe(pool, language, program.source, snippet.entry_point, calls),
        programs,
        name="js-known-wrong",
    )
    return programs, outcomes


def _scores(
    programs: list[mutate.Program], kills: list[frozenset[int]], chosen: list[int]
) -> Scores:
    killed = set().union(*(kills[i] for i in chosen)) if chosen else set()
    telling = set().union(*kills) if kills else set()
    mutants = [i for i, p in enumerate(programs) if p.kind == mutate.MUTANT]
    # a trivial answer the chosen calls let through is a defect even when no candidate
    # tells it apart (a function that returned false on every call tried)
    survivors = [p.name.removeprefix("baseline: ") for i, p in enumerate(programs)
                 if p.kind == mutate.BASELINE and i not in killed]  # fmt: skip
    score = sum(i in killed for i in mutants) / len(mutants) if mutants else None
    adequacy = len(killed & telling) / len(telling) if telling else None
    return Scores(
        score, adequacy, sum(i in killed for i in mutants), len(mutants), tuple(survivors)
    )


__all__ = ["VERSION", "synthesize"]
