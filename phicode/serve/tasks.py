"""What a ``POST /score`` body asks for, read and checked: one line naming each problem.

A body is one task or ``{"items": [task, ...]}``, with an optional
``"deadline_s"`` (within the service's own limit). A task is the pair to judge
against, ``{"pair": PAIR}`` (its tests and its cases), or its cases alone,
``{"entry_point": "f", "cases": [CASE, ...]}`` (the case judge only: faster), with
``"answer": "..."`` or ``"answers": ["...", ...]``. Every answer becomes one
:class:`Task`, in the order given; the response's results follow that order.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from phicode.records import Pair, PairCase, RecordError


class BadRequest(ValueError):
    """The body is not a scoring request; the message names what and where.
    ``too_many``: it is one, but over the batch limit (413)."""

    def __init__(self, message: str, too_many: bool = False) -> None:
        super().__init__(message)
        self.too_many = too_many


@dataclass(frozen=True, slots=True)
class Task:
    """One answer to judge: against a whole pair, or against cases alone."""

    answer: str
    pair: Pair | None = None
    entry_point: str = ""
    cases: tuple[PairCase, ...] = ()


@dataclass(frozen=True, slots=True)
class ScoreRequest:
    """The answers to judge, in order, and the deadline the client asked (if any)."""

    tasks: list[Task]
    deadline_s: object = None


def read_request(body: bytes, max_answers: int) -> ScoreRequest:
    """The tasks of a request body; :class:`BadRequest` naming the problem."""
    try:
        data = json.loads(body)
    except (UnicodeDecodeError, ValueError, RecursionError) as exc:
        raise BadRequest(f"the body is not JSON ({type(exc).__name__})") from None
    if not isinstance(data, dict):
        raise BadRequest("the body must be a JSON object")
    items = data.get("items", [data])
    if not isinstance(items, list) or not items:
        raise BadRequest("'items' must be a non-empty list of tasks")
    tasks: list[Task] = []
    for index, item in enumerate(items):
        where = f"items[{index}]" if "items" in data else "body"
        tasks += _item_tasks(item, where)
        if len(tasks) > max_answers:
            raise BadRequest(
                f"more than {max_answers} answers in one request (split it)", too_many=True
            )
    return ScoreRequest(tasks, data.get("deadline_s"))


def _item_tasks(item: Any, where: str) -> list[Task]:
    if not isinstance(item, dict):
        raise BadRequest(f"{where}: a task must be a JSON object")
    answers = _answers(item, where)
    if "pair" in item:
        try:
            pair = Pair.from_dict(item["pair"])
        except RecordError as exc:
            raise BadRequest(f"{where}.pair: {exc}") from None
        return [Task(answer, pair=pair) for answer in answers]
    if "cases" in item:
        entry_point = item.get("entry_point")
        if not isinstance(entry_point, str) or not entry_point.isidentifier():
            raise BadRequest(f"{where}.entry_point: the function name the cases call")
        cases = item["cases"]
        if not isinstance(cases, list) or not cases:
            raise BadRequest(f"{where}.cases: a non-empty list of cases")
        try:
            parsed = tuple(PairCase.from_dict(case) for case in cases)
        except RecordError as exc:
            raise BadRequest(f"{where}.cases: {exc}") from None
        return [Task(answer, entry_point=entry_point, cases=parsed) for answer in answers]
    raise BadRequest(f"{where}: needs 'pair', or 'entry_point' and 'cases'")


def _answers(item: dict[str, Any], where: str) -> list[str]:
    if "answer" in item:
        answers = [item["answer"]]
    elif "answers" in item and isinstance(item["answers"], list) and item["answers"]:
        answers = item["answers"]
    else:
        raise BadRequest(f"{where}: needs 'answer' or a non-empty list 'answers'")
    if not all(isinstance(a, str) for a in answers):
        raise BadRequest(f"{where}: every answer must be a string")
    return answers
