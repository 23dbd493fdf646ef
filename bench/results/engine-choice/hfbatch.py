import sys
import time

sys.path.insert(0, __import__("os").path.dirname(__file__))
from prompts8 import PROMPTS

from phicode.generate.backends.hf import HFBackend
from phicode.generate.backends.modelres import resolve_model
from phicode.generate.config import DEFAULT_MODEL, GenerationParams

b = HFBackend(resolve_model(DEFAULT_MODEL), model_name=DEFAULT_MODEL, batch_size=8)
params = GenerationParams(max_new_tokens=int(sys.argv[1]), temperature=0)
b.generate(["hi"], GenerationParams(max_new_tokens=4, temperature=0))
for n in (1, 8):
    b.generated_tokens = 0
    t = time.time()
    b.generate(PROMPTS[8 - n : 8], params)
    dt = time.time() - t
    print(f"HF n={n}: {dt:.1f}s, {b.generated_tokens} tokens", flush=True)
