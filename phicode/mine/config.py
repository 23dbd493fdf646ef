"""What the miner keeps: every threshold and list in one frozen value.

The CLI turns its options into a :class:`MineConfig`; library users build one
directly. Defaults are chosen for training data that runs in the sandbox
image (Python 3.11 + pytest + hypothesis + numpy) and that may be
redistributed (permissive licences only).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from phicode.defaults import default_workers
from phicode.errors import ConfigError

# SPDX ids we treat as permissive: code under these may go into a dataset.
PERMISSIVE_LICENSES = frozenset(
    {
        "0BSD",
        "Apache-2.0",
        "BSD-2-Clause",
        "BSD-3-Clause",
        "BSL-1.0",
        "CC0-1.0",
        "ISC",
        "MIT",
        "MIT-0",
        "PSF-2.0",
        "Unlicense",
        "Zlib",
    }
)
# ``--license-allow`` words: "unknown" admits repositories with no licence found,
# "any" switches the licence check off.
UNKNOWN_LICENSE = "unknown"
ANY_LICENSE = "any"

# Modules whose use makes a function depend on the world outside its arguments:
# processes, the file system, the network, threads, GUIs and the interpreter.
FORBIDDEN_MODULES = frozenset(
    {
        # processes and the interpreter
        "os",
        "subprocess",
        "multiprocessing",
        "signal",
        "pty",
        "resource",
        "pwd",
        "grp",
        "ctypes",
        "importlib",
        "pdb",
        "atexit",
        "gc",
        "sysconfig",
        "site",
        "runpy",
        # file system
        "pathlib",
        "shutil",
        "glob",
        "tempfile",
        "fileinput",
        "filecmp",
        "mmap",
        "sqlite3",
        "dbm",
        "shelve",
        "zipfile",
        "tarfile",
        "zipimport",
        # network
        "socket",
        "ssl",
        "http.client",
        "http.server",
        "http.cookiejar",
        "urllib.request",
        "urllib.robotparser",
        "ftplib",
        "smtplib",
        "poplib",
        "imaplib",
        "telnetlib",
        "xmlrpc",
        "asyncio",
        "selectors",
        "select",
        "socketserver",
        "webbrowser",
        # threads
        "threading",
        "_thread",
        "concurrent",
        "queue",
        # GUI and terminals
        "tkinter",
        "turtle",
        "turtledemo",
        "idlelib",
        "curses",
    }
)

# Calls that read the outside world or run code made at run time.
FORBIDDEN_CALLS = frozenset(
    {
        "input",
        "open",
        "exec",
        "eval",
        "compile",
        "breakpoint",
        "__import__",
        "exit",
        "quit",
        "help",
        "globals",
        "sys.exit",
        "sys.stdin.read",
        "sys.stdin.readline",
    }
)


@dataclass(frozen=True, slots=True, kw_only=True)
class MineConfig:
    """Every knob of ``phicode mine``; see the CLI help for each."""

    workers: int = field(default_factory=default_workers)  # files parsed in parallel
    min_lines: int = 3
    max_lines: int = 200
    min_tokens: int = 16
    max_tokens: int = 2500
    max_file_bytes: int = 1_000_000
    forbidden_modules: frozenset[str] = FORBIDDEN_MODULES
    forbidden_calls: frozenset[str] = FORBIDDEN_CALLS
    license_allow: frozenset[str] = PERMISSIVE_LICENSES
    near_dup_threshold: float = 0.7
    num_perm: int = 128
    shingle_tokens: int = 5
    decontaminate: bool = True
    decontam_ngram: int = 10
    decontam_threshold: float = 0.5
    include_tests: bool = False
    include_vendored: bool = False
    include_methods: bool = True
    # which languages' files are mined (phicode.languages names); a file's extension picks
    languages: tuple[str, ...] = ("python", "javascript", "typescript")

    def __post_init__(self) -> None:
        checks = [
            (self.workers >= 1, "--workers", "must be at least 1"),
            (
                0 < self.min_lines <= self.max_lines,
                "--min-lines/--max-lines",
                "need 0 < min <= max",
            ),
            (
                0 < self.min_tokens <= self.max_tokens,
                "--min-tokens/--max-tokens",
                "need 0 < min <= max",
            ),
            (self.max_file_bytes > 0, "--max-file-size", "must be positive"),
            (0.0 < self.near_dup_threshold <= 1.0, "--near-dup-threshold", "must be in (0, 1]"),
            (0.0 < self.decontam_threshold <= 1.0, "decontam_threshold", "must be in (0, 1]"),
            (self.num_perm >= 16, "num_perm", "must be at least 16"),
        ]
        for ok, name, message in checks:
            if not ok:
                raise ConfigError(f"{name}: {message}")

    def license_allowed(self, license_id: str | None) -> bool:
        """Whether snippets from a repository under ``license_id`` may be kept."""
        if ANY_LICENSE in self.license_allow:
            return True
        return (license_id or UNKNOWN_LICENSE) in self.license_allow
