"""Yield: how many of the first N snippets of a corpus become pairs worth keeping.

Runs the whole pipeline (``run_pipeline``: mine -> synth -> mutation score ->
write) with a given backend and model on a fresh state folder (``--keep DIR`` keeps it:
a second run there reuses the generated units, to measure a filter change alone), then
prints:

- the share of snippets that became verified pairs, and the share kept (verified,
  mutation score >= the threshold, and a question passing the question checks);
- the median mutation score of the verified pairs, and how many weak test files were
  strengthened with oracle tests (with ``--strengthen``);
- the share of snippets whose question passed the checks (all rejections for a
  question reason count against it), and how many kept questions show code (must be 0);
- seconds per snippet (wall clock of the whole run);
- the funnel of reasons (synth rejections and filter drops).

The default corpus is a fixed, sorted selection of standard-library modules with
simple pure functions (``STDLIB_MODULES``), so runs are comparable:

    .venv/bin/python bench/yield.py --limit 24                      # default 0.5B, hf
    .venv/bin/python bench/yield.py --limit 24 --backend template   # model-free baseline
    .venv/bin/python bench/yield.py --limit 24 --no-oracle-tests    # the model's tests alone
"""

from __future__ import annotations

import argparse
import json
import statistics
import sysconfig
import tempfile
import time
from collections import Counter
from pathlib import Path

from phicode.generate.clean import QuestionReason, names_everything, shows_code
from phicode.generate.codeinfo import function_info
from phicode.generate.config import BackendKind, ModelConfig, default_backend
from phicode.mine import MineConfig
from phicode.pipeline import PipelineConfig, run_pipeline
from phicode.sandbox.pool import SandboxConfig

# Sorted; modules whose top-level functions are mostly pure and self-contained.
STDLIB_MODULES = (
    "bisect.py",
    "calendar.py",
    "colorsys.py",
    "fnmatch.py",
    "heapq.py",
    "html/__init__.py",
    "posixpath.py",
    "textwrap.py",
)
QUESTION_REASONS = {
    "question_too_short",
    "question_shows_code",
    *(r.value for r in QuestionReason),
}


def stdlib_paths() -> tuple[str, ...]:
    root = Path(sysconfig.get_paths()["stdlib"])
    return tuple(str(root / name) for name in STDLIB_MODULES if (root / name).exists())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("paths", nargs="*", help="corpus paths (default: the stdlib selection)")
    parser.add_argument("--limit", type=int, default=24)
    parser.add_argument(
        "--backend", default=default_backend().value, choices=[k.value for k in BackendKind]
    )
    parser.add_argument("--model", default=None)
    parser.add_argument("--base-url", default=None)
    parser.add_argument("--batch-size", type=int, default=8)
    parser.add_argument("--no-oracle-tests", action="store_true")
    parser.add_argument("--threshold", type=float, default=0.6)
    parser.add_argument("--strengthen", action="store_true", help="strengthen weak tests first")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--keep", type=Path, default=None, help="folder to keep the outputs in")
    args = parser.parse_args(argv)

    paths = tuple(args.paths) or stdlib_paths()
    model_kwargs: dict = {"backend": BackendKind(args.backend), "batch_size": args.batch_size}
    if args.model:
        model_kwargs["model"] = args.model
    if args.base_url:
        model_kwargs["base_url"] = args.base_url
    if args.backend != "template":
        model_kwargs["oracle_tests"] = not args.no_oracle_tests
    folder = args.keep or Path(tempfile.mkdtemp(prefix="phicode-yield-"))
    folder.mkdir(parents=True, exist_ok=True)
    config = PipelineConfig(
        paths=paths,
        output=folder / "dataset.jsonl",
        rejected=folder / "rejected.jsonl",
        state_dir=folder / "state",
        limit=args.limit,
        mine=MineConfig(workers=2, license_allow=frozenset({"any"})),
        model=ModelConfig(**model_kwargs),
        sandbox=SandboxConfig(workers=args.workers),
        mutation_threshold=args.threshold,
        strengthen=args.strengthen,
    )
    started = time.perf_counter()
    funnel = run_pipeline(config)
    elapsed = time.perf_counter() - started
    report = summarize(folder, funnel.mined, elapsed, funnel.strengthened)
    print(f"corpus: {', '.join(paths)}")
    print(f"backend {args.backend}, model {config.model.model}, outputs in {folder}")
    for line in report["lines"]:
        print(line)
    print("seconds per stage: " + ", ".join(f"{k} {v:.0f}" for k, v in funnel.seconds.items()))
    (folder / "yield.json").write_text(json.dumps(report, indent=1))
    return 0


def _read(path: Path) -> list[dict]:
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]


def summarize(folder: Path, mined: int, elapsed: float, strengthened: int = 0) -> dict:
    """The yield figures from a run's dataset and rejected files."""
    kept = _read(folder / "dataset.jsonl")
    rejected = [
        r for r in _read(folder / "rejected.jsonl") if r.get("rejected", {}).get("stage") != "mine"
    ]
    reasons = Counter(f"{r['rejected']['stage']}:{r['rejected']['reason']}" for r in rejected)
    verified_scores = [
        p["verification"]["mutation_score"]
        for p in kept + [r for r in rejected if r.get("verification", {}).get("status") == "passed"]
        if p.get("verification", {}).get("mutation_score") is not None
    ]
    verified = len(kept) + sum(
        1 for r in rejected if r.get("verification", {}).get("status") == "passed"
    )
    code_shown = 0
    named = 0
    for pair in kept:
        info = function_info(pair["solution"], pair["entry_point"])
        code_shown += shows_code(pair["question"], info)
        named += names_everything(pair["question"], info)
    question_failed = sum(
        n for reason, n in reasons.items() if reason.split(":")[-1] in QUESTION_REASONS
    )
    rescued = sum("strengthened:" in p["verification"].get("detail", "") for p in kept)
    n = max(mined, 1)
    median = statistics.median(verified_scores) if verified_scores else None
    lines = [
        f"snippets: {mined}",
        f"verified pairs: {verified} ({100 * verified / n:.0f}%)",
        f"kept (verified, mutation >= threshold, question passes checks): {len(kept)} "
        f"({100 * len(kept) / n:.0f}%)",
        f"median mutation score (verified): {median if median is None else round(median, 3)}",
        f"weak tests strengthened: {strengthened}; kept among them: {rescued}",
        f"questions passing the checks: {mined - question_failed} of {mined} "
        f"({100 * (mined - question_failed) / n:.0f}%)",
        f"kept questions showing code: {code_shown}; naming entry point and all parameters: "
        f"{named} of {len(kept)}",
        f"seconds per snippet: {elapsed / n:.1f} (total {elapsed:.0f} s)",
        "funnel: " + ", ".join(f"{r} {c}" for r, c in reasons.most_common()),
    ]
    return {
        "mined": mined,
        "verified": verified,
        "kept": len(kept),
        "strengthened": strengthened,
        "kept_strengthened": rescued,
        "median_mutation": median,
        "questions_passing": mined - question_failed,
        "kept_showing_code": code_shown,
        "seconds_per_snippet": elapsed / n,
        "reasons": dict(reasons),
        "lines": lines,
    }


if __name__ == "__main__":
    raise SystemExit(main())
