"""A pair as a dataset row and back: the one place that knows the exported columns.

Nested parts of the record (``source``, ``generator``, ``verification``, ``cases``)
stay nested, as struct and list columns, so that a row reads back into the same
:class:`~phicode.records.Pair`. A case's keyword arguments are a list of
``{name, value}`` structs: an Arrow map of free keys does not survive every reader.
"""

from __future__ import annotations

from typing import Any

from phicode.records import Pair, RecordError

_CASE_FIELDS = ("expect", "raises")


def pair_row(pair: Pair) -> dict[str, Any]:
    """The row of one pair: every field of the record, nested parts as structs."""
    data = pair.to_dict()
    data["schema"] = data.get("schema", 1)
    data["language"] = pair.language  # a column in every row: datasets filter by it
    data["cases"] = [_case_row(case) for case in data.get("cases", [])]
    return data


def _case_row(case: dict[str, Any]) -> dict[str, Any]:
    return {
        "args": case["args"],
        "kwargs": [{"name": k, "value": v} for k, v in case["kwargs"].items()],
        "expect": case.get("expect"),
        "raises": case.get("raises"),
        "compare": case.get("compare", "exact"),
        "listed": case.get("listed", False),
    }


def pair_from_row(row: dict[str, Any]) -> Pair:
    """The pair a row holds (what ``datasets.load_dataset`` gives back); raises
    :class:`~phicode.records.RecordError` naming the field that does not fit."""
    data = dict(row)
    cases = data.get("cases") or []
    try:
        data["cases"] = [_case_from_row(case) for case in cases]
    except (KeyError, TypeError, AttributeError) as exc:
        raise RecordError("cases", f"not the exported case layout ({exc})") from None
    if not data["cases"]:
        data.pop("cases")
        data.pop("schema", None)
    return Pair.from_dict(data, strict=True)


def _case_from_row(case: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {
        "args": list(case["args"]),
        "kwargs": {item["name"]: item["value"] for item in case["kwargs"]},
        "compare": case.get("compare") or "exact",
        "listed": bool(case.get("listed")),
    }
    for name in _CASE_FIELDS:
        if case.get(name) is not None:
            out[name] = case[name]
    return out


def features() -> Any:
    """The ``datasets.Features`` of a pair row (written into the card and the files)."""
    from datasets import Features, List, Value

    text, whole, real = Value("string"), Value("int64"), Value("float64")
    return Features(
        {
            "id": text,
            "language": text,
            "question": text,
            "solution": text,
            "entry_point": text,
            "tests": text,
            "source": {
                "repo": text, "path": text, "commit": text, "start_line": whole,
                "end_line": whole, "license": text,
            },
            "generator": {"backend": text, "model": text, "prompt": text},
            "verification": {
                "status": text, "tests_passed": whole, "tests_failed": whole,
                "tests_total": whole, "attempts": whole, "mutation_score": real,
                "solve_rate": real, "branch_coverage": real, "adequacy": real,
                "duration_s": real, "detail": text,
            },
            "schema": whole,
            "cases": List(
                {
                    "args": List(text),
                    "kwargs": List({"name": text, "value": text}),
                    "expect": text,
                    "raises": text,
                    "compare": text,
                    "listed": Value("bool"),
                }
            ),
        }
    )  # fmt: skip
