"""Every option a command accepts reaches the setting it names.

Each command's options are read from its real parser, so a new option that is in
no table below fails ``test_every_option_is_in_a_table``. For each option the
command line is changed and the settings the command builds (the same functions
its handler calls: ``config_from``, ``model_config``, ``sandbox_config``) must
differ from the defaults in exactly the named setting. What the settings then do
is shown end to end elsewhere: ``--prompts`` in ``test_prompts_option.py``,
``--limit-per-repo`` and the filters in ``test_pipeline.py``, ``--workers`` and
``--timeout`` in ``test_verify_cli.py`` and ``test_hostile.py``, ``--reverify`` and
``--cache-dir`` in ``test_validate.py``, ``--executor`` and ``--ray-address`` in
``test_ray.py``.
"""

from __future__ import annotations

import argparse
import dataclasses
from typing import Any

import pytest

from phicode.cli import build_parser
from phicode.commands import export as export_command
from phicode.commands import mine as mine_command
from phicode.commands import report as report_command
from phicode.commands import run as run_command
from phicode.commands import sandbox as sandbox_command
from phicode.commands import serve as serve_command
from phicode.commands import validate as validate_command
from phicode.commands.options import model_config, sandbox_config

# option -> (its new value on the command line, the setting that must change)
SANDBOX = {
    "--timeout": (["3.5"], "sandbox.timeout_s"),
    "--memory": (["300"], "sandbox.memory_mb"),
    "--workers": (["7"], "sandbox.workers"),
    "--image": (["other:tag"], "sandbox.image"),
}
MODEL = {
    "--backend": (["openai"], "model.backend"),
    "--model": (["some/model"], "model.model"),
    "--base-url": (["http://127.0.0.1:9/v1"], "model.base_url"),
    "--temperature": (["0.7"], "model.params.temperature"),
    "--top-p": (["0.5"], "model.params.top_p"),
    "--max-new-tokens": (["77"], "model.params.max_new_tokens"),
    "--seed": (["5"], "model.params.seed"),
    "--batch-size": (["3"], "model.batch_size"),
    "--concurrency": (["9"], "model.concurrency"),
    "--request-timeout": (["12"], "model.request_timeout_s"),
    "--dtype": (["float16"], "model.dtype"),
    "--device": (["cpu"], "model.device"),
    "--repair-rounds": (["4"], "model.repair.rounds"),
    "--no-drop-failing": ([], "model.repair.drop_failing"),
    "--min-tests": (["5"], "model.repair.min_kept"),
    "--prompts": (["my-prompts"], "model.prompts_dir"),
}
# Only where the model writes new pairs; verify's model only repairs tests.
GENERATION = {
    "--oracle-tests": (["--no-oracle-tests"], "model.oracle_tests"),
    "--restate": (["--no-restate"], "model.restate"),
}
FILTERS = {
    "--min-lines": (["9"], "mine.min_lines"),
    "--max-lines": (["90"], "mine.max_lines"),
    "--min-tokens": (["33"], "mine.min_tokens"),
    "--max-tokens": (["999"], "mine.max_tokens"),
    "--max-file-size": (["1234"], "mine.max_file_bytes"),
    "--forbid-modules": (["socket"], "mine.forbidden_modules"),
    "--license-allow": (["MIT"], "mine.license_allow"),
    "--near-dup-threshold": (["0.9"], "mine.near_dup_threshold"),
    "--no-decontaminate": ([], "mine.decontaminate"),
    "--include-tests": ([], "mine.include_tests"),
    "--include-vendored": ([], "mine.include_vendored"),
    "--language": (["js"], "mine.languages"),
}
IO = {
    "--output": (["elsewhere.jsonl"], "output"),
    "--rejected": (["rejected.jsonl"], "rejected"),
    "--quiet": ([], "show_progress"),
}
TABLES: dict[str, dict[str, tuple[list[str], str]]] = {
    "mine": {**IO, **FILTERS, "--workers": (["5"], "mine.workers")},
    "synth": {**IO, **MODEL, **GENERATION, **SANDBOX},
    "verify": {
        **IO,
        **MODEL,
        **SANDBOX,
        "--backend": (["openai"], "model.backend"),
        "--add-cases": ([], "add_cases"),
    },
    "run": {
        **IO,
        **MODEL,
        **GENERATION,
        **SANDBOX,
        **FILTERS,
        "--state": (["state-dir"], "state_dir"),
        "--report": (["page.html"], "report"),
        "--no-report": ([], "write_report"),
        "--limit": (["4"], "limit"),
        "--limit-per-repo": (["2"], "limit_per_repo"),
        "--mine-workers": (["6"], "mine.workers"),
        "--mutation-threshold": (["0.9"], "mutation_threshold"),
        "--max-mutants": (["11"], "max_mutants"),
        "--strengthen": (["--no-strengthen"], "strengthen"),
        "--solve-samples": (["2"], "solve_samples"),
        "--solver-model": (["other/model"], "solver_model"),
        "--no-settle": ([], "settle"),
        "--min-solve-rate": (["0.1"], "min_solve_rate"),
        "--max-solve-rate": (["0.9"], "max_solve_rate"),
        "--executor": (["ray"], "executor"),
        "--ray-address": (["auto"], "ray_address"),
    },
    "validate": {
        **SANDBOX,
        "--reverify": ([], "reverify"),
        "--schema-only": ([], "code"),
        "--decontaminate": ([], "decontaminate"),
        "--cache-dir": (["cache-here"], "cache_dir"),
        "--no-cache": ([], "cache"),
        "--quiet": ([], "summary"),
    },
    "report": {
        "--output": (["page.html"], "output"),
        "--quiet": ([], "summary"),
    },
    "export": {
        **SANDBOX,
        "--format": (["hf"], "format"),
        "--output": (["elsewhere"], "output"),
        "--state": (["run-state"], "state"),
        "--max-rejected": (["2"], "max_rejected"),
        "--push-to-hub": (["me/data"], "push_to_hub"),
        "--quiet": ([], "show_progress"),
    },
    "serve": {
        "--timeout": (["3.5"], "sandbox.timeout_s"),
        "--memory": (["300"], "sandbox.memory_mb"),
        "--image": (["other:tag"], "sandbox.image"),
        "--workers": (["7"], ["sandbox.workers", "limits.running"]),
        "--host": (["0.0.0.0"], "host"),
        "--port": (["9000"], "port"),
        "--token-file": (["token.txt"], "token_file"),
        "--max-answers": (["8"], "limits.max_answers"),
        "--queue": (["10"], "limits.queued"),
        "--deadline": (["30"], "limits.deadline_s"),
        "--max-body-mb": (["1"], "limits.max_body_bytes"),
    },
    "sandbox build": {
        "--tag": (["other:tag"], "tag"),
        "--base-image": (["debian:bookworm"], "base_image"),
        "--force": ([], "force"),
        "--quiet": ([], "quiet"),
    },
    "sandbox doctor": SANDBOX,
}
# Options that mean something only beside another: both sides of the comparison get it.
CONTEXT = {("run", "--ray-address"): ["--executor", "ray"]}
BASE = {
    "mine": ["mine", "corpus", "-o", "out.jsonl"],
    "synth": ["synth", "snippets.jsonl", "-o", "out.jsonl"],
    "verify": ["verify", "pairs.jsonl", "-o", "out.jsonl", "--backend", "hf"],  # not None
    "run": ["run", "corpus", "-o", "out.jsonl"],
    "validate": ["validate", "data.jsonl"],
    "export": ["export", "data.jsonl", "-o", "out.parquet"],
    "serve": ["serve"],
    "report": ["report", "data.jsonl", "-o", "report.html"],
    "sandbox build": ["sandbox", "build"],
    "sandbox doctor": ["sandbox", "doctor"],
}


def settings(command: str, args: argparse.Namespace) -> dict[str, Any]:
    """What the command's handler builds from ``args``, flattened to dotted names."""
    if command == "run":
        return flat(dataclasses.asdict(run_command.config_from(args)))
    built: dict[str, Any] = {
        "output": getattr(args, "output", None),
        "rejected": getattr(args, "rejected", None),
        "show_progress": not getattr(args, "quiet", False),
    }
    if command == "mine":
        built["mine"] = dataclasses.asdict(mine_command.config_from(args))
    elif command in ("synth", "verify"):
        built["model"] = dataclasses.asdict(model_config(args))
        built["sandbox"] = dataclasses.asdict(sandbox_config(args))
        if command == "verify":
            built["add_cases"] = args.add_cases
    elif command in OPTIONS_FROM:  # the options object its handler reads, and nothing else
        built = dataclasses.asdict(OPTIONS_FROM[command](args))
    elif command == "sandbox doctor":
        built = {"sandbox": dataclasses.asdict(sandbox_config(args))}
    return flat(built)


OPTIONS_FROM = {
    "validate": validate_command.options_from,
    "report": report_command.options_from,
    "export": export_command.options_from,
    "serve": serve_command.options_from,
    "sandbox build": sandbox_command.build_options_from,
}


def flat(value: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, item in value.items():
        if isinstance(item, dict):
            out.update(flat(item, f"{prefix}{key}."))
        else:
            out[f"{prefix}{key}"] = item
    return out


def parser_of(command: str) -> argparse.ArgumentParser:
    """The parser of ``command``; ``"sandbox build"`` names a verb of ``sandbox``."""
    parser = build_parser()
    for word in command.split():
        sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
        parser = sub.choices[word]
    return parser


def options_of(command: str) -> set[str]:
    """Each option's first long spelling (``--quiet`` for ``-q, --quiet``, ``--restate``
    for ``--restate/--no-restate``), help aside."""
    return {
        next(o for o in action.option_strings if o.startswith("--"))
        for action in parser_of(command)._actions
        if action.option_strings and not isinstance(action, argparse._HelpAction)
    }


@pytest.fixture(autouse=True)
def no_base_url(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("OPENAI_BASE_URL", raising=False)


@pytest.mark.parametrize("command", sorted(TABLES))
def test_every_option_is_in_a_table(command: str) -> None:
    missing = options_of(command) - set(TABLES[command])
    assert not missing, f"options with no row here: {missing}; add each with what it reaches"
    assert set(TABLES[command]) <= options_of(command)


CASES = [
    (command, option, value, target)
    for command, table in sorted(TABLES.items())
    for option, (value, target) in sorted(table.items())
]


@pytest.mark.parametrize(("command", "option", "value", "target"), CASES)
def test_an_option_changes_the_setting_it_names(
    command: str, option: str, value: list[str], target: str | list[str]
) -> None:
    base = [*BASE[command], *CONTEXT.get((command, option), [])]
    before = settings(command, build_parser().parse_args(base))
    if option in ("--output",):
        argv = [*base[: base.index("-o")], "-o", *value, *base[base.index("-o") + 2 :]]
    elif value and value[0].startswith("--"):
        argv = [*base, *value]  # --no-oracle-tests
    else:
        argv = [*base, option, *value]
    after = settings(command, build_parser().parse_args(argv))
    changed = {k for k in before.keys() | after.keys() if before.get(k) != after.get(k)}
    targets = set(target) if isinstance(target, list) else {target}  # one option, two settings
    for name in targets:
        assert name in changed, f"{command} {option}: {name} stayed {before.get(name)!r}"
    assert changed == targets, f"{command} {option} also changed {changed - targets}"
