"""Fidelity: are the kept pairs faithful training data, on real third-party code?

Runs the default pipeline (``run_pipeline``, the settings ``phicode run`` uses
with no flags) over a corpus of permissively licensed PyPI packages that are
neither the standard library nor written for phicode (``fidelity_corpus.py``
fetches their sdists), then prints:

- snippets mined, pairs kept (share), median mutation score, median branch
  coverage, pooled adequacy (known wrong programs rejected / those that differ
  from the snippet), median ``solve_rate``, seconds per snippet, and the funnel;
- what must be 0: kept pairs a trivial baseline passes, kept cases that pin an
  incidental exception, kept questions that show code or ask for anything else
  (the final tests measured anew in the sandbox, as a user of the dataset gets them);
- an audit sheet in the form of ``../shared/AUDIT.md``: a random sample of kept
  pairs (the question and the tests only, never the solution or a score) with a
  box per test function and the lines a reader fills in.

``--read-sheet A.md B.md`` reads copies marked by readers apart and prints the
counts (FAITHFUL, GOOD-TESTS, contradictions, noise); where the readers differ,
the stricter mark counts.

    .venv/bin/python bench/fidelity.py --out out/fidelity-05b                # default 0.5B
    .venv/bin/python bench/fidelity.py --out out/fidelity-tpl --backend template
    .venv/bin/python bench/fidelity.py --out out/heldout --corpus heldout --limit 78 --sample 40
    .venv/bin/python bench/fidelity.py --read-sheet out/heldout/audit-A.md out/heldout/audit-B.md
"""

from __future__ import annotations

import argparse
import random
import re
import statistics
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from phicode.filters.adequacy import harden
from phicode.filters.fidelity import names_of_tests
from phicode.generate.clean import shows_code
from phicode.generate.codeinfo import function_info
from phicode.generate.config import BackendKind, ModelConfig, default_backend
from phicode.generate.oracle.domain import in_domain
from phicode.generate.oracle.inputs import Case
from phicode.generate.oracle.observe import observe
from phicode.generate.restate import instructions
from phicode.jsonl import read_jsonl
from phicode.mutate import MutationTester
from phicode.pipeline import Funnel, PipelineConfig, run_pipeline
from phicode.records import Pair
from phicode.sandbox.pool import SandboxConfig, SandboxPool

sys.path.insert(0, str(Path(__file__).resolve().parent))
import fidelity_corpus

MARK = re.compile(r"^- \[(?P<mark>[ x\-])\] `(?P<test>[^`]+)`", re.M)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path("out/fidelity"))
    parser.add_argument(
        "--backend", default=default_backend().value, choices=[k.value for k in BackendKind]
    )
    parser.add_argument("--model", default=None)
    parser.add_argument("--base-url", default=None)
    parser.add_argument("--limit", type=int, default=48, help="snippets taken from the corpus")
    parser.add_argument("--sample", type=int, default=20, help="kept pairs in the audit sheet")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--cache", type=Path, default=Path(".cache/fidelity-corpus"))
    parser.add_argument("--corpus", default="v1", choices=sorted(fidelity_corpus.CORPORA))
    parser.add_argument(
        "--read-sheet", type=Path, nargs="+", default=None,
        help="marked sheets of one sample (two readers apart: the stricter mark counts)",
    )  # fmt: skip
    args = parser.parse_args(argv)
    if args.read_sheet:
        return read_sheets(args.read_sheet)
    return run(args)


def run(args: argparse.Namespace) -> int:
    packages = fidelity_corpus.CORPORA[args.corpus]
    paths = [str(p) for p in fidelity_corpus.fetch(args.cache, packages)]
    args.out.mkdir(parents=True, exist_ok=True)
    model = ModelConfig(backend=BackendKind(args.backend), model=args.model)
    if args.base_url:
        model = ModelConfig(backend=model.backend, model=args.model, base_url=args.base_url)
    config = PipelineConfig(
        paths=tuple(paths),
        output=args.out / "dataset.jsonl",
        rejected=args.out / "rejected.jsonl",
        state_dir=args.out / "state",
        limit=args.limit,
        # an even sample: the first snippets of each package, not 40 from the first one
        limit_per_repo=-(-args.limit // len(paths)),
        model=model,
        sandbox=SandboxConfig(workers=2),
        show_progress=True,
    )
    started = time.monotonic()
    funnel = run_pipeline(config)
    seconds = time.monotonic() - started
    kept = [line.record for line in read_jsonl(config.output, Pair.from_dict) if line.record]
    report(args, funnel, kept, seconds, packages)
    sheet = write_sheet(args.out / "audit.md", kept, args.sample, args.seed)
    print(
        f"audit sheet: {sheet} ({min(args.sample, len(kept))} pairs); mark copies apart, then --read-sheet A B"
    )
    return 0


def report(
    args: argparse.Namespace,
    funnel: Funnel,
    kept: list[Pair],
    seconds: float,
    packages: tuple[fidelity_corpus.Package, ...],
) -> None:
    checked = final_checks(kept)
    scores = [p.verification.mutation_score for p in kept if p.verification]
    rates = [p.verification.solve_rate for p in kept if p.verification]
    coverage = [p.verification.branch_coverage for p in kept if p.verification]
    showing = sum(_shows_code(p) for p in kept)
    asking = sum(bool(instructions(p.question)) for p in kept)
    rejected = sum(c.rejected for c in checked)
    differing = sum(c.differing for c in checked)
    rows = [
        ("backend / model", f"{args.backend} / {args.model or 'default'}"),
        ("snippets mined", funnel.mined),
        ("kept", f"{len(kept)} ({_share(len(kept), funnel.mined)})"),
        ("median mutation score", _median(scores)),
        ("median branch coverage", _median(coverage)),
        ("pooled adequacy", f"{rejected}/{differing} = {rejected / max(1, differing):.3f}"),
        ("median solve_rate", _median(rates)),
        ("seconds per snippet", f"{seconds / max(1, funnel.mined):.1f}"),
        ("kept pairs a trivial baseline passes", sum(bool(c.baselines) for c in checked)),
        ("kept cases with an incidental exception", sum(c.incidental for c in checked)),
        ("kept questions showing code", showing),
        ("kept questions asking for more", asking),
    ]
    rows += [(label, n) for label, n in funnel.rows()]
    width = max(len(label) for label, _ in rows)
    print(f"\n== bench/fidelity.py ({_corpus_line(packages)})")
    for label, value in rows:
        print(f"{label:<{width}}  {value}")


@dataclass(frozen=True)
class FinalCheck:
    """What the known wrong programs and the probe say about one kept pair, measured anew."""

    rejected: int
    differing: int
    baselines: tuple[str, ...]
    incidental: int  # raising cases whose exception no raise of the snippet made


def final_checks(kept: list[Pair]) -> list[FinalCheck]:
    """Each kept pair's adequacy terms, passing baselines and incidental raises, from its
    final tests in the sandbox (nothing added: what a user of the dataset gets)."""
    with SandboxPool(SandboxConfig(workers=2)) as pool:
        tester = MutationTester(pool)
        return [_final_check(pool, tester, pair) for pair in kept]


def _final_check(pool: SandboxPool, tester: MutationTester, pair: Pair) -> FinalCheck:
    found = harden(pool, pair, tester, add=False)
    info = function_info(pair.solution, pair.entry_point)
    raising = [Case(c.args, c.kwargs) for c in pair.cases if c.raises]
    seen = observe(pool, pair.solution, pair.entry_point, raising) if raising else []
    incidental = sum(not in_domain(o, info, pair.solution) for o in seen if o.kind == "raises")
    return FinalCheck(found.rejected, found.differing, found.baselines, incidental)


def write_sheet(path: Path, kept: list[Pair], size: int, seed: int) -> Path:
    """The audit sheet of ``../shared/AUDIT.md``: question and tests only, marks to fill."""
    chosen = sorted(random.Random(seed).sample(kept, min(size, len(kept))), key=lambda p: p.id)
    parts = [
        "# Fidelity audit",
        "",
        "Follow the rubric you were given (AUDIT.md). For each pair read only the question",
        "and the tests. Mark each test `[x]` derivable or `[-]` a guess (with a reason after",
        "the name); fill in the four lines; then write both verdicts on the `Verdict:` line",
        "(`FAITHFUL` or `UNFAITHFUL`, and `GOOD-TESTS` or `WEAK-TESTS`). Leave nothing `[ ]`.",
        "",
    ]
    for number, pair in enumerate(chosen, start=1):
        parts += [
            f"## Pair {number}",
            "",
            f"<!-- {pair.id} -->",
            "",
            "### Question",
            "",
            *(f"> {line}" if line else ">" for line in pair.question.strip().splitlines()),
            "",
            "### Tests",
            "",
            f"```{pair.language}",
            pair.tests.rstrip(),
            "```",
            "",
            "### Marks",
            "",
            *(f"- [ ] `{name}`" for name in _test_names(pair)),
            "",
            "Contradictions: none",
            "Noise: none",
            "Behaviour no test exercises: none",
            "Simple wrong function that passes: none",
            "Verdict: ",
            "",
        ]
    path.write_text("\n".join(parts), encoding="utf-8")
    return path


def _test_names(pair: Pair) -> list[str]:
    if pair.language == "python":
        return names_of_tests(pair.tests)
    from phicode.languages.javascript.checks import test_names

    return test_names(pair.tests, pair.language == "typescript")


@dataclass(frozen=True)
class Marked:
    """One reader's marks on one pair."""

    tests: dict[str, str]  # test name -> "x" or "-"
    faithful: bool
    good_tests: bool
    contradiction: bool
    noise: bool


def read_sheets(paths: list[Path]) -> int:
    """The counts of ``../shared/AUDIT.md`` over one sample marked by one or more readers
    apart: where they differ, the stricter mark counts; how often they differed is printed."""
    sheets = [_read_sheet(path) for path in paths]
    if any(sheet is None for sheet in sheets):
        return 1
    marked: list[dict[str, Marked]] = [s for s in sheets if s is not None]
    pairs = sorted(set().union(*(s.keys() for s in marked)), key=_pair_number)
    if any(set(s) != set(pairs) for s in marked):
        print("the sheets do not hold the same pairs", file=sys.stderr)
        return 1
    rows = {"FAITHFUL": 0, "GOOD-TESTS": 0, "both": 0, "with a contradiction": 0, "with noise": 0}
    differed = tests = derivable = 0
    for pair in pairs:
        marks = [s[pair] for s in marked]
        faithful = all(m.faithful for m in marks)
        good = all(m.good_tests for m in marks)
        rows["FAITHFUL"] += faithful
        rows["GOOD-TESTS"] += good
        rows["both"] += faithful and good
        rows["with a contradiction"] += any(m.contradiction for m in marks)
        rows["with noise"] += any(m.noise for m in marks)
        differed += len({(m.faithful, m.good_tests) for m in marks}) > 1
        names = marks[0].tests
        tests += len(names)
        derivable += sum(all(m.tests.get(n) == "x" for m in marks) for n in names)
    print(f"pairs read: {len(pairs)} (readers: {len(marked)}; verdicts differed on {differed})")
    for label, count in rows.items():
        print(f"{label}: {count} ({_share(count, len(pairs))})")
    print(f"test functions derivable: {derivable}/{tests} ({_share(derivable, tests)})")
    return 0


_VERDICT = re.compile(r"^Verdict:\s*(?P<text>.*)$", re.M)
_LINE = re.compile(r"^(?P<label>Contradictions|Noise):\s*(?P<text>.*)$", re.M)


def _read_sheet(path: Path) -> dict[str, Marked] | None:
    blocks = re.split(r"^## ", path.read_text(encoding="utf-8"), flags=re.M)[1:]
    out: dict[str, Marked] = {}
    problems = []
    for block in blocks:
        title = block.splitlines()[0].strip()
        tests = {m["test"]: m["mark"] for m in MARK.finditer(block)}
        verdict = _VERDICT.search(block)
        text = verdict["text"].upper() if verdict else ""
        faithful = "UNFAITHFUL" not in text and "FAITHFUL" in text
        good = "WEAK-TESTS" not in text and "GOOD-TESTS" in text
        if " " in tests.values() or not (
            ("FAITHFUL" in text) and ("GOOD-TESTS" in text or "WEAK-TESTS" in text)
        ):
            problems.append(title)
            continue
        lines = {m["label"]: m["text"].strip().lower() for m in _LINE.finditer(block)}
        out[title] = Marked(
            tests=tests,
            faithful=faithful and all(mark == "x" for mark in tests.values()),
            good_tests=good,
            # "none", and "none (but ...)" a reader's aside, count as none
            contradiction=not _none(lines.get("Contradictions", "none")),
            noise=not _none(lines.get("Noise", "none")),
        )
    if problems:
        print(f"{path}: unmarked boxes or verdicts in: {'; '.join(problems)}", file=sys.stderr)
        return None
    return out


def _none(text: str) -> bool:
    return text == "" or re.match(r"none\b", text) is not None


def _pair_number(title: str) -> int:
    found = re.search(r"\d+", title)
    return int(found.group()) if found else 0


def _shows_code(pair: Pair) -> bool:
    try:
        return shows_code(pair.question, function_info(pair.solution, pair.entry_point))
    except (SyntaxError, ValueError):
        return False


def _median(values: list[float | None]) -> str:
    known = [v for v in values if v is not None]
    return f"{statistics.median(known):.3f} (n={len(known)})" if known else "n/a"


def _share(part: int, whole: int) -> str:
    return f"{100 * part / whole:.0f}%" if whole else "n/a"


def _corpus_line(packages: tuple[fidelity_corpus.Package, ...]) -> str:
    return ", ".join(f"{name} {version} ({licence})" for name, version, licence, _ in packages)


if __name__ == "__main__":
    raise SystemExit(main())
