"""The 8 prompts of the engine choice: the start of 8 phicode source files."""

import glob
from pathlib import Path

files = sorted(glob.glob("phicode/**/*.py", recursive=True))
files = [f for f in files if len(Path(f).read_text()) > 3000][:8]
PROMPTS = ["Write pytest tests for this code:\n" + Path(f).read_text()[:2500] for f in files]
