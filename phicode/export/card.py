"""The dataset card's body: what is in the data and how it was made (the YAML front
matter is :mod:`phicode.export.hub`'s)."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from phicode.records import Pair

TAGS = ["code", "python", "synthetic", "verified"]


def card_license(pairs: list[Pair]) -> str:
    """The Hub's licence id: the one licence of every pair, else ``other``."""
    names = {p.source.license for p in pairs if p.source and p.source.license}
    return names.pop().lower() if len(names) == 1 else "other"


def _median(pairs: list[Pair], score: str) -> str:
    known = sorted(
        value
        for p in pairs
        if p.verification and (value := getattr(p.verification, score)) is not None
    )
    return str(known[len(known) // 2]) if known else "n/a"


def card_body(pairs: list[Pair], source: Path, what: str, usage: list[str]) -> str:
    """The Markdown under the front matter: ``what`` the rows are, how to use them
    (``usage``), then counts, filters, models, licences and sources."""
    licences = Counter((p.source.license if p.source else None) or "unknown" for p in pairs)
    repos = Counter(p.source.repo if p.source else "unknown" for p in pairs)
    models = Counter(
        f"{p.generator.backend}:{p.generator.model} ({p.generator.prompt})"
        for p in pairs
        if p.generator
    )
    tests = sum(p.verification.tests_total for p in pairs if p.verification)
    languages = Counter(p.language for p in pairs)
    lines = [
        "# phicode dataset",
        "",
        f"{what} Made by phicode from `{source.name}`: every pair passed its tests and its "
        "cases in phicode's sandbox.",
        "",
        *usage,
        "## Counts",
        "",
        f"- pairs: {len(pairs)}",
        f"- tests: {tests}",
        f"- cases: {sum(len(p.cases) for p in pairs)}",
        f"- median mutation score: {_median(pairs, 'mutation_score')}",
        f"- median blind solve rate (question alone): {_median(pairs, 'solve_rate')}",
        "",
        "## Languages",
        "",
        *[f"- {name}: {count}" for name, count in languages.most_common()],
        "",
        "## Filters",
        "",
        "Mined functions were filtered (size, arguments and return value, forbidden modules, "
        "nondeterminism, generated code), deduplicated (exact and MinHash near duplicates) and "
        "decontaminated against HumanEval. Each pair's tests passed on its solution in the "
        "sandbox and killed enough mutants of it (mutation score). Each question was restated "
        "from the solution's observed behaviour (exceptions, worked examples) and solved "
        "blind from the question alone; tests that no blind answer passed were stated in "
        "the question or dropped.",
        "",
        "## Models and prompts",
        "",
        *[f"- {name}: {count}" for name, count in models.most_common()],
        "",
        "## Licences",
        "",
        *[f"- {name}: {count}" for name, count in licences.most_common()],
        "",
        "## Sources",
        "",
        *[f"- {name}: {count}" for name, count in repos.most_common(20)],
        "",
    ]
    return "\n".join(lines)
