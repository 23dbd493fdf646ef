"""``phicode report``: the page's figures come from the files, and it works in a real
browser (headless Chromium driven by Playwright: no console error, the funnel equals
the files' counts, search finds exactly one pair, a drop reason lists its records,
hostile text renders as text). Screenshots at 1280x800 go to ``out/test-artifacts/``
(or ``$PHICODE_TEST_ARTIFACTS``)."""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from phicode.cli import main
from phicode.records import Generator, Pair, Rejection, Source, Status, Verification
from phicode.report import build_report
from phicode.report.collect import read_report_data
from tests.ci import skip_unless_ci

ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = Path(os.environ.get("PHICODE_TEST_ARTIFACTS", ROOT / "out" / "test-artifacts"))
HOSTILE_QUESTION = (
    "Write `shout(text)` that returns text upper-cased. <b>bold</b> "
    '<img src=x onerror="window.pwned=1"> </script><script>window.pwned=2</script>'
)
HOSTILE_CODE = 'def shout(text):\n    """</script><script>window.pwned=3</script>"""\n    return text.upper()\n'


def make_pair(name: str, repo: str = "alpha", score: float = 1.0, **fields: Any) -> Pair:
    return Pair(
        id=f"id-{name}",
        question=fields.get("question", f"Write `{name}(x)` that returns x doubled."),
        solution=fields.get("solution", f"def {name}(x):\n    return 2 * x\n"),
        entry_point=name,
        tests=f"from solution import {name}\n\n\ndef test_{name}():\n    assert {name}(2) == 4\n",
        source=Source(repo=repo, path=f"{repo}/{name}.py", license="MIT", start_line=1, end_line=2),
        generator=Generator(backend="template", model="", prompt="template@3+restate@4"),
        verification=Verification(
            status=Status.PASSED, tests_passed=1, tests_total=1, mutation_score=score
        ),
    )


def rejected_line(name: str, stage: str, reason: str) -> dict[str, Any]:
    record = {"entry_point": name, "code": f"def {name}(x):\n    return x\n"}
    record["source"] = {"repo": "beta", "path": f"beta/{name}.py"}
    return Rejection(stage=stage, reason=reason, detail=f"{reason} in {name}").line(record)


def write_jsonl(path: Path, lines: list[dict[str, Any]], extra: str = "") -> Path:
    path.write_text("".join(json.dumps(line) + "\n" for line in lines) + extra, encoding="utf-8")
    return path


REJECTED = [
    *(rejected_line(f"mined_{n}", "mine", "near_duplicate") for n in range(3)),
    rejected_line("mined_long", "mine", "too_long"),
    *(rejected_line(f"weak_{n}", "filter", "weak_tests") for n in range(4)),
    rejected_line("failing", "synth", "tests_failed"),
]


@pytest.fixture
def files(tmp_path: Path) -> tuple[Path, Path]:
    pairs = [make_pair(f"double_{n}", score=0.5 + n / 20) for n in range(7)]
    pairs.append(make_pair("shout", repo="gamma", question=HOSTILE_QUESTION, solution=HOSTILE_CODE))
    dataset = write_jsonl(tmp_path / "dataset.jsonl", [p.to_dict() for p in pairs])
    return dataset, write_jsonl(tmp_path / "rejected.jsonl", REJECTED)


def test_the_funnel_is_counted_from_the_files(files: tuple[Path, Path]) -> None:
    data = read_report_data(*files)
    rows = {row.stage: row for row in data.funnel()}
    assert [row.stage for row in data.funnel()] == ["mine", "synth", "filter"]
    assert (rows["mine"].entered, rows["mine"].dropped) == (17, 4)
    assert rows["mine"].reasons == (("near_duplicate", 3), ("too_long", 1))
    assert (rows["synth"].entered, rows["synth"].dropped) == (13, 1)
    assert (rows["filter"].entered, rows["filter"].dropped) == (12, 4)
    assert data.kept == 8 and data.problems == []
    assert dict(data.provenance()["repo"]) == {"alpha": 7, "gamma": 1}


def test_broken_lines_are_reported_like_validate_and_the_rest_is_shown(
    files: tuple[Path, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    dataset, rejected = files
    broken = tmp_path / "broken.jsonl"
    broken.write_text(dataset.read_text() + "{not json\n" + '{"id": 3}\n', encoding="utf-8")
    out = tmp_path / "report.html"
    assert main(["report", str(broken), str(rejected), "-o", str(out)]) == 1
    stdout = capsys.readouterr().out.splitlines()
    assert stdout == [
        f"{broken}:9: invalid JSON: Expecting property name enclosed in double quotes (column 2)",
        f"{broken}:10: field 'id': expected str, got int",
    ]
    page = out.read_text(encoding="utf-8")
    assert "8 pairs kept" in page and f"{broken}:9: invalid JSON" in page


def test_run_writes_a_report_beside_its_output(tmp_path: Path) -> None:
    """Only the report step of a run: the pipeline's own test runs it for real."""
    dataset = write_jsonl(tmp_path / "d.jsonl", [make_pair("one").to_dict()])
    summary = build_report(dataset, tmp_path / "report.html")
    assert summary.pairs == 1 and summary.rejected == 0 and summary.bytes > 10_000
    assert "No rejected file was given" in summary.output.read_text(encoding="utf-8")


# --- in a real browser -------------------------------------------------------------------


def chromium_path() -> str:
    found = os.environ.get("PHICODE_CHROMIUM") or shutil.which("chromium")
    found = found or shutil.which("chromium-browser")
    if not found:
        skip_unless_ci("no chromium (make setup installs Debian's package)")
    return str(found)


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    executable = chromium_path()
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        skip_unless_ci("playwright is not installed (pip install -e '.[dev]')")
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=executable, args=["--no-sandbox"])
        yield launched
        launched.close()


class Page:
    """A loaded report page and every console error and page error it raised."""

    def __init__(self, browser: Any, path: Path) -> None:
        self.page = browser.new_page(viewport={"width": 1280, "height": 800})
        self.errors: list[str] = []
        self.page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.goto(path.as_uri())
        self.page.wait_for_selector("body[data-ready=true]", timeout=30_000)

    def rows(self) -> list[list[str]]:
        return self.page.eval_on_selector_all(
            "#rows tr", "rows => rows.map(r => [...r.cells].map(c => c.textContent))"
        )

    def shot(self, name: str) -> None:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        self.page.screenshot(path=str(ARTIFACTS / f"report-{name}.png"))


@pytest.mark.browser
def test_the_page_shows_the_files_counts_and_finds_records(
    browser: Any, files: tuple[Path, Path], tmp_path: Path
) -> None:
    out = tmp_path / "report.html"
    assert main(["report", str(files[0]), str(files[1]), "-o", str(out), "-q"]) == 0
    view = Page(browser, out)
    page = view.page
    view.shot("top")
    funnel = {
        stage: (
            int(page.inner_text(f"#funnel tr[data-stage={stage}] .entered")),
            int(page.inner_text(f"#funnel tr[data-stage={stage}] .dropped")),
        )
        for stage in ("mine", "synth", "filter")
    }
    assert funnel == {"mine": (17, 4), "synth": (13, 1), "filter": (12, 4)}
    assert int(page.inner_text("#funnel-kept")) == 8
    assert len(view.rows()) == 8

    page.fill("#search", "double_3")
    assert [row[0] for row in view.rows()] == ["double_3"]
    page.click("#rows tr.row")
    assert page.inner_text("#detail h3") == "double_3"
    view.shot("pair")

    page.fill("#search", "")
    page.click("a.reason[data-reason=weak_tests]")
    rows = view.rows()
    assert len(rows) == 4 and {(r[0], r[1]) for r in rows} == {("filter", "weak_tests")}
    assert sorted(r[2] for r in rows) == [f"weak_{n}" for n in range(4)]
    view.shot("rejected")
    assert view.errors == []


@pytest.mark.browser
def test_hostile_text_renders_as_text(
    browser: Any, files: tuple[Path, Path], tmp_path: Path
) -> None:
    out = tmp_path / "report.html"
    build_report(files[0], out, files[1])
    view = Page(browser, out)
    page = view.page
    page.fill("#search", "shout")
    page.click("#rows tr.row")
    assert page.inner_text("#detail pre.question") == HOSTILE_QUESTION
    assert "</script><script>window.pwned=3</script>" in page.inner_text(
        "#detail pre.code >> nth=0"
    )
    assert page.evaluate("window.pwned === undefined")
    assert page.eval_on_selector_all("#detail b, #detail img, #detail script", "n => n.length") == 0
    assert page.eval_on_selector_all("script", "n => n.length") == 3  # data, highlight, report
    view.shot("hostile")
    assert view.errors == []


@pytest.mark.browser
def test_an_empty_dataset_is_a_page_without_errors(browser: Any, tmp_path: Path) -> None:
    empty = tmp_path / "empty.jsonl"
    empty.write_text("", encoding="utf-8")
    out = tmp_path / "report.html"
    assert main(["report", str(empty), "-o", str(out), "-q"]) == 0
    view = Page(browser, out)
    assert view.page.inner_text("#count") == "0 pairs" and view.rows() == []
    view.shot("empty")
    assert view.errors == []
