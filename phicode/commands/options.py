"""Options shared by several commands, and their conversion to library config."""

from __future__ import annotations

import argparse

from phicode.defaults import default_of
from phicode.sandbox.config import SandboxConfig


def add_sandbox_options(
    parser: argparse.ArgumentParser, title: str = "sandbox", defaults: SandboxConfig | None = None
) -> None:
    """``--timeout``, ``--memory``, ``--workers``, ``--image``; their defaults are those of
    ``defaults`` (``sandbox doctor``'s small probes), else ``SandboxConfig``'s own."""
    defaults = defaults or SandboxConfig()
    group = parser.add_argument_group(title)
    group.add_argument(
        "--timeout",
        type=float,
        default=defaults.timeout_s,
        metavar="S",
        help="seconds per test run (default %(default)s)",
    )
    group.add_argument(
        "--memory",
        type=int,
        default=defaults.memory_mb,
        metavar="MB",
        help="memory per test run in MiB (default %(default)s)",
    )
    group.add_argument(
        "--workers",
        type=int,
        default=defaults.workers,
        metavar="N",
        help="warm sandbox containers running at once (default %(default)s"
        + (": one per CPU)" if defaults.workers == SandboxConfig().workers else ")"),
    )
    group.add_argument(
        "--image", default=defaults.image, help="sandbox image (default %(default)s)"
    )


def sandbox_config(args: argparse.Namespace) -> SandboxConfig:
    return SandboxConfig(
        image=args.image, workers=args.workers, timeout_s=args.timeout, memory_mb=args.memory
    )


def add_rejected_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--rejected", metavar="FILE", help="write every dropped record here, with its reason"
    )


def add_quiet_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("-q", "--quiet", action="store_true", help="no progress bar or summary")


def add_model_options(parser: argparse.ArgumentParser, repair_only: bool = False) -> None:
    """``--backend``, ``--model``, ``--base-url``, sampling, batching and the repair loop.

    ``repair_only`` (for ``verify``): the model only repairs failing tests, so there is no
    model unless ``--backend hf|openvino|openai`` is given (``model_config`` then returns None),
    and the options that shape new pairs (``--oracle-tests``, ``--restate``) are not offered.
    """
    from phicode.generate.config import (
        DEFAULT_BASE_URL,
        DEFAULT_MODEL,
        GenerationParams,
        ModelConfig,
        RepairConfig,
    )

    group = parser.add_argument_group("model")
    if repair_only:
        group.add_argument(
            "--backend",
            choices=("hf", "openvino", "openai"),
            default=None,
            help="the model that repairs failing tests: hf (transformers in-process), openvino "
            "(OpenVINO GenAI in-process) or openai (an OpenAI-compatible server) "
            "(default: no model, the tests only run)",
        )
    else:
        group.add_argument(
            "--backend",
            choices=("hf", "openvino", "openai", "template"),
            default=default_of(ModelConfig, "backend").value,
            help="openvino: OpenVINO GenAI in-process on the GGUF weights (the CPU default); "
            "hf: transformers in-process (the default with a GPU); openai: an "
            "OpenAI-compatible server; template: no model, tests from running the snippet "
            "(default here %(default)s)",
        )
    group.add_argument(
        "--model",
        metavar="NAME_OR_PATH",
        help=f"hub id, model directory or .gguf file (default {DEFAULT_MODEL}; "
        "openai: the server's first model)",
    )
    group.add_argument(
        "--base-url",
        metavar="URL",
        default=None,
        help=f"openai: the server's API root (default $OPENAI_BASE_URL or {DEFAULT_BASE_URL})",
    )
    group.add_argument(
        "--temperature",
        type=float,
        default=default_of(GenerationParams, "temperature"),
        help="sampling temperature; 0 is greedy (default %(default)s)",
    )
    group.add_argument(
        "--top-p",
        type=float,
        default=default_of(GenerationParams, "top_p"),
        help="nucleus sampling (default %(default)s)",
    )
    group.add_argument(
        "--max-new-tokens",
        type=int,
        default=default_of(GenerationParams, "max_new_tokens"),
        metavar="N",
        help="tokens per answer (default %(default)s)",
    )
    group.add_argument(
        "--seed",
        type=int,
        default=default_of(GenerationParams, "seed"),
        help="sampling seed (default %(default)s)",
    )
    group.add_argument(
        "--batch-size",
        type=int,
        default=default_of(ModelConfig, "batch_size"),
        metavar="N",
        help="hf: prompts per batch (default 8); openvino: snippets whose prompts are in flight "
        "together (default 16)",
    )
    group.add_argument(
        "--concurrency",
        type=int,
        default=default_of(ModelConfig, "concurrency"),
        metavar="N",
        help="openai: requests in flight (default %(default)s)",
    )
    group.add_argument(
        "--request-timeout",
        type=float,
        default=default_of(ModelConfig, "request_timeout_s"),
        metavar="S",
        help="openai: seconds per request (default %(default)s)",
    )
    group.add_argument(
        "--dtype",
        choices=("auto", "bfloat16", "float16", "float32"),
        default=default_of(ModelConfig, "dtype"),
        help="hf: weights' dtype (default auto: bf16 where the hardware has it)",
    )
    group.add_argument(
        "--device", default=None, help="hf: cuda, cpu, mps (default: GPU when present)"
    )
    group.add_argument(
        "--repair-rounds",
        type=int,
        default=default_of(RepairConfig, "rounds"),
        metavar="N",
        help="times failing tests go back to the model, without oracle tests (default %(default)s)",
    )
    group.add_argument(
        "--no-drop-failing",
        dest="drop_failing",
        action="store_false",
        help="never drop failing test functions, even when enough others pass",
    )
    group.add_argument(
        "--min-tests",
        type=int,
        default=default_of(RepairConfig, "min_kept"),
        metavar="N",
        help="passing tests needed to keep a pair after dropping failing ones "
        "(default %(default)s)",
    )
    group.add_argument(
        "--prompts", metavar="DIR", default=None, help="prompt templates (default: prompts/)"
    )
    if repair_only:
        return
    group.add_argument(
        "--oracle-tests",
        action=argparse.BooleanOptionalAction,
        default=default_of(ModelConfig, "oracle_tests"),
        help="the snippet supplies the expected values of the model's test calls (default on)",
    )
    group.add_argument(
        "--restate",
        action=argparse.BooleanOptionalAction,
        default=default_of(ModelConfig, "restate"),
        help="rewrite each question to state what its final tests check (default on)",
    )


def model_config(args: argparse.Namespace):  # -> phicode.generate.config.ModelConfig | None
    """The ModelConfig the model options describe; None when no backend was chosen."""
    import os

    from phicode.generate.config import (
        DEFAULT_BASE_URL,
        BackendKind,
        GenerationParams,
        ModelConfig,
        RepairConfig,
    )

    if args.backend is None:
        return None
    return ModelConfig(
        backend=BackendKind(args.backend),
        model=args.model,
        base_url=args.base_url or os.environ.get("OPENAI_BASE_URL") or DEFAULT_BASE_URL,
        params=GenerationParams(
            max_new_tokens=args.max_new_tokens,
            temperature=args.temperature,
            top_p=args.top_p,
            seed=args.seed,
        ),
        batch_size=args.batch_size,
        concurrency=args.concurrency,
        request_timeout_s=args.request_timeout,
        dtype=args.dtype,
        device=args.device,
        repair=RepairConfig(
            rounds=args.repair_rounds, drop_failing=args.drop_failing, min_kept=args.min_tests
        ),
        oracle_tests=getattr(args, "oracle_tests", default_of(ModelConfig, "oracle_tests")),
        restate=getattr(args, "restate", default_of(ModelConfig, "restate")),
        prompts_dir=args.prompts,
    )
