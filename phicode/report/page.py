"""The report page: one self-contained HTML file that opens offline.

Funnel, charts (SVG from :mod:`phicode.report.charts`), provenance and settings
are written into the page by the template, so they paint before any script
runs. The records themselves travel as gzip-compressed JSON in base64 inside a
``<script type="application/octet-stream">`` block (no ``<`` can end it early)
and are shown by ``assets/report.js`` a page of 50 at a time. Highlighting is
highlight.js 11.12.0 (BSD-3-Clause, from npm: ``@highlightjs/cdn-assets``),
shipped in ``assets/`` and inlined.
"""

from __future__ import annotations

import base64
import gzip
import json
import time
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import jinja2

from phicode.report.charts import bars, histogram, whole_numbers
from phicode.report.collect import FunnelRow, ReportData, median

ASSETS = resources.files("phicode.report") / "assets"
TEMPLATES = resources.files("phicode.report") / "templates"


@dataclass(frozen=True, slots=True)
class RunFacts:
    """What only the run knows: its settings, the seconds each stage took and its own
    funnel (shown when no rejected file was kept to count one from)."""

    settings: tuple[tuple[str, str], ...] = ()
    seconds: tuple[tuple[str, float], ...] = ()
    funnel: tuple[FunnelRow, ...] = ()


def render_page(data: ReportData, title: str, facts: RunFacts | None = None) -> str:
    """The whole HTML page for ``data``."""
    facts = facts or RunFacts()
    provenance = data.provenance()  # four counts over every pair: once
    # the files' funnel lists its records; the run's own, without a rejected file, cannot
    funnel = data.funnel() if data.has_rejected_file else list(facts.funnel)
    env = jinja2.Environment(autoescape=True, undefined=jinja2.StrictUndefined)
    template = env.from_string((TEMPLATES / "report.html.j2").read_text(encoding="utf-8"))
    return template.render(
        title=title,
        kept=data.kept,
        rejected_count=len(data.rejected),
        rejected_file=data.has_rejected_file,
        version=_version(),
        written=time.strftime("%Y-%m-%d %H:%M:%S %Z"),
        problems=data.problems,
        funnel=funnel,
        funnel_listed=data.has_rejected_file,
        charts=_charts(data, facts),
        provenance=[
            (name, provenance[key])
            for name, key in (
                ("language", "language"),
                ("repository", "repo"),
                ("licence", "license"),
                ("file", "path"),
            )
        ],
        settings=[*facts.settings, *_scores(data), *data.settings()],
        data=_embedded({"pairs": data.pairs, "rejected": data.rejected}),
        css=_asset("report.css"),
        highlight_css=_asset("highlight-github.min.css"),
        highlight_js=_script("highlight.min.js"),
        report_js=_script("report.js"),
    )


def _charts(data: ReportData, facts: RunFacts) -> list[str]:
    charts = [
        histogram("mutation score", data.scores("mutation_score"), lo=0.0, hi=1.0),
        whole_numbers("tests per pair", [int(p["tests_total"]) for p in data.pairs]),
        histogram("question length (characters)", [float(len(p["question"])) for p in data.pairs]),
    ]
    solve = data.scores("solve_rate")
    if solve:
        charts.insert(1, histogram("solve rate (blind answers)", solve, lo=0.0, hi=1.0))
    if facts.seconds:
        charts.append(bars("seconds per stage", list(facts.seconds), " s"))
    else:
        charts.append(histogram("seconds to verify a pair", data.scores("duration_s")))
    return charts


def _scores(data: ReportData) -> list[tuple[str, str]]:
    out = []
    for name in ("mutation_score", "solve_rate"):
        middle = median(data.scores(name))
        if middle is not None:
            out.append((f"median {name}", f"{middle:.3f}"))
    return out


def _embedded(value: dict[str, Any]) -> str:
    raw = json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    return base64.b64encode(gzip.compress(raw, compresslevel=6, mtime=0)).decode("ascii")


def _asset(name: str) -> str:
    return (ASSETS / name).read_text(encoding="utf-8")


def _script(name: str) -> str:
    """A script to inline: no ``</script`` may end its element early."""
    return _asset(name).replace("</script", "<\\/script")


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("phicode")
    except PackageNotFoundError:
        return "unknown"


def write_page(html: str, output: Path) -> Path:
    output.parent.mkdir(parents=True, exist_ok=True)
    temporary = output.with_name(output.name + ".tmp")
    temporary.write_text(html, encoding="utf-8")
    temporary.replace(output)
    return output


__all__ = ["RunFacts", "render_page", "write_page"]
