"""A pair on its way: a snippet with a question and tests not yet verified."""

from __future__ import annotations

from dataclasses import dataclass, replace

from phicode.generate.codeinfo import FunctionInfo
from phicode.records import Generator, Pair, Snippet, Verification, content_id


@dataclass(frozen=True, slots=True)
class Draft:
    """Question and tests for one snippet, with the repairs made so far."""

    snippet: Snippet
    info: FunctionInfo
    question: str
    tests: str
    generator: Generator
    notes: tuple[str, ...] = ()

    def with_tests(self, tests: str, *notes: str) -> Draft:
        return replace(self, tests=tests, notes=_merge(self.notes, notes))

    def with_prompt(self, prompt: str) -> Draft:
        return replace(self, generator=replace(self.generator, prompt=prompt))

    def pair(self, verification: Verification | None = None) -> Pair:
        """The Pair record. Its id depends on the snippet and the generator only,
        so re-running a snippet with the same settings gives the same id."""
        g = self.generator
        return Pair(
            id=content_id(
                "pair", self.snippet.id, g.backend, g.model, g.prompt.split("+repair")[0]
            ),
            question=self.question,
            solution=self.snippet.code,
            entry_point=self.snippet.entry_point,
            tests=self.tests,
            source=self.snippet.source,
            generator=g,
            verification=verification,
        )


def _merge(old: tuple[str, ...], new: tuple[str, ...]) -> tuple[str, ...]:
    return old + tuple(n for n in new if n not in old)
