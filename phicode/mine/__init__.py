"""``phicode mine``: repositories in, self-contained deduplicated snippets out.

Modules, one idea each: ``walk`` (which files, skip rules), ``repo`` (git
commit, licence), ``worker`` (read, decode, parse one file), ``scope`` and
``extract`` (self-contained functions), ``filters``, ``decontam``
(HumanEval overlap), ``dedup`` (exact + MinHash LSH) and ``run`` (the driver,
workers, stats). Reasons for every drop are declared once in ``reasons``.

    from phicode.mine import MineConfig, mine_paths
    stats = mine_paths(["repo/"], "snippets.jsonl", MineConfig(workers=4))
"""

from typing import TYPE_CHECKING

from phicode.lazy import lazy_attributes
from phicode.mine.config import FORBIDDEN_MODULES, PERMISSIVE_LICENSES, MineConfig
from phicode.mine.reasons import Reject, Skip

if TYPE_CHECKING:
    from phicode.mine.repo import detect_license
    from phicode.mine.run import Dropped, Kept, MineStats, mine, mine_paths

# The driver loads MinHash (datasketch, numpy): only when mining really starts.
__getattr__ = lazy_attributes(
    __name__,
    {
        "detect_license": "phicode.mine.repo",
        **dict.fromkeys(("Dropped", "Kept", "MineStats", "mine", "mine_paths"), "phicode.mine.run"),
    },
)

__all__ = [
    "FORBIDDEN_MODULES",
    "PERMISSIVE_LICENSES",
    "Dropped",
    "Kept",
    "MineConfig",
    "MineStats",
    "Reject",
    "Skip",
    "detect_license",
    "mine",
    "mine_paths",
]
