"""Fidelity: are the kept pairs faithful training data, on real third-party code?

Runs the default pipeline (``run_pipeline``, the settings ``phicode run`` uses
with no flags) over a corpus of permissively licensed PyPI packages that are
neither the standard library nor written for phicode (``fidelity_corpus.py``
fetches their sdists), then prints:

- snippets mined, pairs kept (share), median mutation score, median ``solve_rate``,
  seconds per snippet, and the funnel of reasons;
- kept questions that show code or ask for anything but the function (must be 0);
- a fidelity audit sheet: a random sample of kept pairs written as Markdown
  (``audit.md``: the question and the tests only, never the solution) with one
  box per test function for a reader to mark ``[x]`` stated or ``[-]`` not stated.

``--read-sheet audit.md`` reads the marks back and prints the share of audited
pairs whose question states every behaviour their tests check, and the share
of test functions stated.

    .venv/bin/python bench/fidelity.py --out out/fidelity-05b                # default 0.5B
    .venv/bin/python bench/fidelity.py --out out/fidelity-tpl --backend template
    .venv/bin/python bench/fidelity.py --read-sheet out/fidelity-05b/audit.md
"""

from __future__ import annotations

import argparse
import random
import re
import statistics
import sys
import time
from pathlib import Path

from phicode.filters.fidelity import names_of_tests
from phicode.generate.clean import shows_code
from phicode.generate.codeinfo import function_info
from phicode.generate.config import BackendKind, ModelConfig
from phicode.generate.restate import instructions
from phicode.jsonl import read_jsonl
from phicode.pipeline import Funnel, PipelineConfig, run_pipeline
from phicode.records import Pair
from phicode.sandbox.pool import SandboxConfig

sys.path.insert(0, str(Path(__file__).resolve().parent))
import fidelity_corpus

MARK = re.compile(r"^- \[(?P<mark>[ x\-])\] `(?P<test>[\w:]+)`", re.M)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path("out/fidelity"))
    parser.add_argument("--backend", default="hf", choices=[k.value for k in BackendKind])
    parser.add_argument("--model", default=None)
    parser.add_argument("--base-url", default=None)
    parser.add_argument("--limit", type=int, default=48, help="snippets taken from the corpus")
    parser.add_argument("--sample", type=int, default=20, help="kept pairs in the audit sheet")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--cache", type=Path, default=Path(".cache/fidelity-corpus"))
    parser.add_argument("--corpus", default="v1", choices=sorted(fidelity_corpus.CORPORA))
    parser.add_argument("--read-sheet", type=Path, default=None)
    args = parser.parse_args(argv)
    if args.read_sheet:
        return read_sheet(args.read_sheet)
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
    print(f"audit sheet: {sheet} ({min(args.sample, len(kept))} pairs); mark it, then --read-sheet")
    return 0


def report(
    args: argparse.Namespace,
    funnel: Funnel,
    kept: list[Pair],
    seconds: float,
    packages: tuple[fidelity_corpus.Package, ...],
) -> None:
    scores = [p.verification.mutation_score for p in kept if p.verification]
    rates = [p.verification.solve_rate for p in kept if p.verification]
    showing = sum(_shows_code(p) for p in kept)
    asking = sum(bool(instructions(p.question)) for p in kept)
    rows = [
        ("backend / model", f"{args.backend} / {args.model or 'default'}"),
        ("snippets mined", funnel.mined),
        ("kept", f"{len(kept)} ({_share(len(kept), funnel.mined)})"),
        ("median mutation score", _median(scores)),
        ("median solve_rate", _median(rates)),
        ("seconds per snippet", f"{seconds / max(1, funnel.mined):.1f}"),
        ("kept questions showing code", showing),
        ("kept questions asking for more", asking),
    ]
    rows += [(label, n) for label, n in funnel.rows()]
    width = max(len(label) for label, _ in rows)
    print(f"\n== bench/fidelity.py ({_corpus_line(packages)})")
    for label, value in rows:
        print(f"{label:<{width}}  {value}")


def write_sheet(path: Path, kept: list[Pair], size: int, seed: int) -> Path:
    """The audit sheet: question and tests only, a box per test function."""
    chosen = sorted(random.Random(seed).sample(kept, min(size, len(kept))), key=lambda p: p.id)
    parts = [
        "# Fidelity audit",
        "",
        "For each pair read only the question and the tests. For each test function, mark",
        "`[x]` if the question states the behaviour the test checks (a reader could get it",
        "right from the question alone), `[-]` if it does not. Leave nothing `[ ]`.",
        "",
    ]
    for number, pair in enumerate(chosen, start=1):
        parts += [
            f"## {number}. `{pair.entry_point}` ({pair.id})",
            "",
            "### Question",
            "",
            *(f"> {line}" if line else ">" for line in pair.question.strip().splitlines()),
            "",
            "### Tests",
            "",
            "```python",
            pair.tests.rstrip(),
            "```",
            "",
            "### Marks",
            "",
            *(f"- [ ] `{name}`" for name in names_of_tests(pair.tests)),
            "",
        ]
    path.write_text("\n".join(parts), encoding="utf-8")
    return path


def read_sheet(path: Path) -> int:
    """Share of audited pairs whose every test is marked stated, and of tests stated."""
    pairs = re.split(r"^## ", path.read_text(encoding="utf-8"), flags=re.M)[1:]
    faithful = tests = stated = 0
    open_marks: list[str] = []
    for block in pairs:
        title = block.splitlines()[0]
        marks = [m["mark"] for m in MARK.finditer(block)]
        open_marks += [title] if " " in marks else []
        tests += len(marks)
        stated += marks.count("x")
        faithful += bool(marks) and all(mark == "x" for mark in marks)
    if open_marks:
        print(f"{path}: unmarked tests in: {'; '.join(open_marks)}", file=sys.stderr)
        return 1
    print(f"audited pairs: {len(pairs)}")
    print(f"pairs stating every tested behaviour: {faithful} ({_share(faithful, len(pairs))})")
    print(f"test functions stated: {stated}/{tests} ({_share(stated, tests)})")
    return 0


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
