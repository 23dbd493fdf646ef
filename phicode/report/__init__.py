"""``phicode report``: a dataset and its rejected records as one HTML page to look at.

:func:`build_report` reads the files (:mod:`phicode.report.collect`), renders the
page (:mod:`phicode.report.page`) and writes it; ``phicode run`` calls it after
a run with what only the run knows (settings, seconds per stage).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from phicode.report.collect import funnel_rows, read_report_data
from phicode.report.page import RunFacts, render_page, write_page


@dataclass(frozen=True, slots=True)
class ReportSummary:
    """What was written: the page, how many pairs and rejected records, and the lines
    that could not be read (``FILE:LINE: problem``)."""

    output: Path
    pairs: int
    rejected: int
    problems: tuple[str, ...]
    bytes: int


def build_report(
    dataset: Path, output: Path, rejected: Path | None = None, facts: RunFacts | None = None
) -> ReportSummary:
    """Write the report page for ``dataset`` (and its ``rejected`` file) to ``output``."""
    data = read_report_data(dataset, rejected)
    html = render_page(data, dataset.name, facts)
    write_page(html, output)
    return ReportSummary(
        output, data.kept, len(data.rejected), tuple(data.problems), output.stat().st_size
    )


__all__ = ["ReportSummary", "RunFacts", "build_report", "funnel_rows"]
