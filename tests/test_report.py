"""``phicode report``: the page's figures come from the files, and it works in a real
browser (headless Chromium driven by Playwright: no console error, the funnel equals
the files' counts, search finds exactly one pair, a drop reason lists its records,
hostile text renders as text). Screenshots at 1280x800 go to ``out/test-artifacts/``
(or ``$PHICODE_TEST_ARTIFACTS``)."""

from __future__ import annotations

import json
import os
import re
import shutil
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from phicode.cli import main
from phicode.records import Generator, Pair, Rejection, Source, Status, Verification
from phicode.report import build_report
from phicode.report.charts import whole_numbers
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
        source=Source(
            repo=repo,
            path=f"{repo}/{name}.py",
            license=fields.get("license", "MIT"),
            start_line=1,
            end_line=2,
        ),
        generator=Generator(backend="template", model="", prompt="template@3+restate@4"),
        verification=Verification(
            status=Status.PASSED, tests_passed=1, tests_total=1, mutation_score=score
        ),
    )


def rejected_line(name: str, stage: str, reason: str, **fields: Any) -> dict[str, Any]:
    record = {"entry_point": name, "code": f"def {name}(x):\n    return x\n"}
    record["source"] = {"repo": "beta", "path": f"beta/{name}.py"}
    record.update(fields)
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


@pytest.mark.parametrize(
    ("values", "labels", "counts"),
    [
        ([1, 1, 2, 5], ["1", "2", "3", "4", "5"], [2, 1, 0, 0, 1]),
        ([3, 3], ["3"], [2]),
        (list(range(0, 30)), [str(n) for n in range(0, 30, 3)], [3] * 10),  # bars of 3
    ],
)
def test_whole_numbers_get_whole_bars(values: list[int], labels: list[str], counts: list[int]):
    """Tests per pair are whole numbers: no bar may start at 1.10."""
    svg = whole_numbers("tests per pair", values)
    bars = re.findall(r"<title>([^:<]+): (\d+)</title>", svg)  # each bar: its label, its count
    assert bars == [(label, str(n)) for label, n in zip(labels, counts, strict=True)]


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

    def funnel(self) -> dict[str, tuple[int, int]]:
        """(entered, dropped) by stage, as the funnel table shows them."""
        rows = self.page.eval_on_selector_all(
            "#funnel tr[data-stage]",
            "rows => rows.map(r => [r.dataset.stage, r.querySelector('.entered').textContent,"
            " r.querySelector('.dropped').textContent])",
        )
        return {stage: (int(entered), int(dropped)) for stage, entered, dropped in rows}

    def texts(self, selector: str) -> list[str]:
        return self.page.eval_on_selector_all(selector, "n => n.map(e => e.textContent)")

    def detail(self) -> dict[str, str]:
        """The detail pane's facts, name to value."""
        names, values = self.texts("#detail dt"), self.texts("#detail dd")
        return dict(zip(names, values, strict=True))

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
    assert view.funnel() == {"mine": (17, 4), "synth": (13, 1), "filter": (12, 4)}
    assert int(page.inner_text("#funnel-kept")) == 8
    assert page.query_selector("#funnel-note") is None  # every reason lists its records
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


@pytest.mark.browser
def test_a_run_without_a_rejected_file_shows_its_own_funnel(
    browser: Any, files: tuple[Path, Path]
) -> None:
    """``phicode run`` without ``--rejected``: the funnel the run counted, each reason with
    its share, none clickable (no records to list), and the page says why."""
    from phicode.pipeline.driver import Funnel, PipelineConfig, _write_report

    funnel = Funnel(
        mined=13,
        mine_dropped=Counter(near_duplicate=3, too_long=1),
        synth_rejected=Counter(tests_failed=1),
        verified=12,
        filtered=Counter(weak_tests=3, too_easy=1),
        kept=8,
    )
    _write_report(PipelineConfig(paths=(), output=files[0]), funnel)
    view = Page(browser, files[0].parent / "report.html")
    page = view.page
    assert view.funnel() == {"mine": (17, 4), "synth": (13, 1), "filter": (12, 4)}
    assert int(page.inner_text("#funnel-kept")) == 8
    assert page.inner_text(".meta").startswith("8 pairs kept, 9 records dropped ·")
    assert view.texts("#funnel .reason") == [
        "near_duplicate 3 (75%)",
        "too_long 1 (25%)",
        "tests_failed 1 (100%)",
        "weak_tests 3 (75%)",
        "too_easy 1 (25%)",
    ]
    assert view.texts("#funnel a") == []
    assert page.inner_text("#funnel-note") == (
        "Counted by the run. Its rejected records were not kept: "
        "pass --rejected to list each reason's records here."
    )
    page.click("#funnel .reason[data-reason=weak_tests]")
    assert page.inner_text(".tab.active") == "pairs" and len(view.rows()) == 8
    view.shot("run-funnel")
    assert view.errors == []


@pytest.mark.browser
def test_switching_tab_clears_the_detail(
    browser: Any, files: tuple[Path, Path], tmp_path: Path
) -> None:
    out = build_report(files[0], tmp_path / "report.html", files[1]).output
    view = Page(browser, out)
    page = view.page
    page.fill("#search", "double_3")
    page.click("#rows tr.row")
    assert page.inner_text("#detail h3") == "double_3"
    page.click(".tab[data-tab=rejected]")
    assert page.eval_on_selector("#detail", "pane => pane.childElementCount") == 0
    page.fill("#search", "weak_2")
    page.click("#rows tr.row")
    assert page.inner_text("#detail h3") == "weak_2"
    page.click(".tab[data-tab=pairs]")
    assert page.eval_on_selector("#detail", "pane => pane.childElementCount") == 0
    assert view.errors == []


@pytest.mark.browser
def test_a_drop_reason_lists_exactly_its_records_whatever_the_filters(
    browser: Any, files: tuple[Path, Path], tmp_path: Path
) -> None:
    out = build_report(files[0], tmp_path / "report.html", files[1]).output
    view = Page(browser, out)
    page = view.page
    page.select_option("#repo", "gamma")
    page.fill("#min-score", "0.9")
    page.fill("#search", "double")
    page.click("a.reason[data-reason=weak_tests]")
    assert sorted(row[2] for row in view.rows()) == [f"weak_{n}" for n in range(4)]
    assert page.inner_text("#count") == "4 rejected records"
    controls = ("#search", "#repo", "#reason", "#min-score")
    assert [page.input_value(c) for c in controls] == ["", "", "filter/weak_tests", ""]
    assert view.errors == []


@pytest.mark.browser
def test_empty_fields_are_left_out_or_read_as_a_dash(
    browser: Any, files: tuple[Path, Path], tmp_path: Path
) -> None:
    """The template backend has no model, these pairs no solve rate, and a rejected
    record may have no licence or place: no "template /  / …", no "solve rate " alone."""
    out = build_report(files[0], tmp_path / "report.html", files[1]).output
    view = Page(browser, out)
    page = view.page
    page.fill("#search", "double_0")
    page.click("#rows tr.row")
    facts = view.detail()
    assert facts["generator"] == "template / template@3+restate@4"
    assert facts["verification"] == "passed, 1 test, mutation 0.50"
    assert facts["source"] == "alpha alpha/double_0.py:1-2"
    page.click("a.reason[data-reason=too_long]")
    page.click("#rows tr.row")
    facts = view.detail()
    assert (facts["where"], facts["licence"], facts["source"]) == (
        "\u2014",
        "\u2014",
        "beta beta/mined_long.py",
    )
    view.shot("empty-fields")
    assert view.errors == []


@pytest.mark.browser
def test_search_covers_the_source_the_licence_and_the_model_output(
    browser: Any, tmp_path: Path
) -> None:
    pairs = [make_pair("double"), make_pair("halve", repo="delta", license="BSD-3-Clause")]
    rejected = [
        rejected_line("triple", "synth", "tests_failed"),
        rejected_line(
            "quarter",
            "synth",
            "no_testable_cases",
            raw="I cannot test a zebra",
            source={"repo": "epsilon", "path": "epsilon/q.py", "license": "Apache-2.0"},
        ),
    ]
    dataset = write_jsonl(tmp_path / "dataset.jsonl", [p.to_dict() for p in pairs])
    out = build_report(
        dataset, tmp_path / "report.html", write_jsonl(tmp_path / "r.jsonl", rejected)
    )
    view = Page(browser, out.output)
    page = view.page
    for query, found in (("delta", "halve"), ("bsd-3", "halve"), ("alpha/double.py", "double")):
        page.fill("#search", query)
        assert [row[0] for row in view.rows()] == [found], query
    page.click(".tab[data-tab=rejected]")
    for query in ("ZEBRA", "epsilon", "apache-2.0", "epsilon/q.py"):
        page.fill("#search", query)
        assert [row[2] for row in view.rows()] == ["quarter"], query
    page.click("#rows tr.row")
    assert page.inner_text("#detail pre.raw") == "I cannot test a zebra"
    assert view.errors == []
