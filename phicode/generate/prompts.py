"""The Jinja2 prompt templates, one per model task, each with a version.

Every template's first line names it and its version (``{#- prompt: tests@1 -#}``);
records carry the versions that made them (``Pair.generator.prompt``, e.g.
``question@1+tests@1+repair@1``), so a change to a prompt is visible in the
data it produced. Templates render with ``StrictUndefined``: a variable the
code forgot to pass is an error, never an empty hole in a prompt.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from phicode.errors import TemplateError
from phicode.resources import data_root

TASKS = ("question", "tests", "repair", "solve", "restate")
_HEADER = re.compile(r"\{#-?\s*prompt:\s*(?P<name>[a-z_]+)@(?P<version>[\w.]+)\s*-?#\}")


def prompts_dir() -> Path:
    """``$PHICODE_PROMPTS`` or phicode's own ``prompts/`` (the checkout's, or the wheel's)."""
    configured = os.environ.get("PHICODE_PROMPTS")
    return Path(configured) if configured else data_root() / "prompts"


@dataclass(frozen=True, slots=True)
class Prompt:
    """One loaded template: its task name, version and compiled body."""

    task: str
    version: str
    path: Path
    template: Any

    @property
    def tag(self) -> str:
        return f"{self.task}@{self.version}"

    def render(self, **values: Any) -> str:
        import jinja2

        try:
            return self.template.render(**values).strip() + "\n"
        except jinja2.UndefinedError as exc:
            raise TemplateError(f"{self.path}: {exc.message}") from exc
        except jinja2.TemplateError as exc:
            raise TemplateError(f"{self.path}: cannot render: {exc}") from exc


class Prompts:
    """The task templates of one directory, loaded and checked up front."""

    def __init__(self, directory: Path | str | None = None) -> None:
        self.directory = Path(directory) if directory else prompts_dir()
        self._prompts = {task: _load(self.directory / f"{task}.j2", task) for task in TASKS}

    def __getitem__(self, task: str) -> Prompt:
        return self._prompts[task]

    def render(self, task: str, **values: Any) -> str:
        return self._prompts[task].render(**values)

    def tag(self, *tasks: str) -> str:
        """The version string recorded on a pair made with these tasks."""
        return "+".join(self._prompts[t].tag for t in tasks)


def _load(path: Path, task: str) -> Prompt:
    import jinja2

    try:
        source = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise TemplateError(f"{path}: prompt template missing") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise TemplateError(f"{path}: cannot read: {exc}") from exc
    header = _HEADER.search(source.split("\n", 1)[0])
    if header is None:
        raise TemplateError(
            f"{path}: first line must name the template, e.g. {{#- prompt: {task}@1 -#}}"
        )
    if header["name"] != task:
        raise TemplateError(f"{path}: header names '{header['name']}', expected '{task}'")
    environment = jinja2.Environment(
        undefined=jinja2.StrictUndefined, keep_trailing_newline=True, autoescape=False
    )
    try:
        template = environment.from_string(source)
    except jinja2.TemplateSyntaxError as exc:
        raise TemplateError(f"{path}:{exc.lineno}: {exc.message}") from exc
    return Prompt(task=task, version=header["version"], path=path, template=template)
