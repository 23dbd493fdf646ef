import sys
import time

import openvino_genai as og

sys.path.insert(0, __import__("os").path.dirname(__file__))
from prompts8 import PROMPTS

t = time.time()
pipe = og.LLMPipeline(sys.argv[1], "CPU")
print("load", round(time.time() - t, 1), flush=True)
tok = pipe.get_tokenizer()
ps = [
    tok.apply_chat_template([{"role": "user", "content": p}], add_generation_prompt=True)
    for p in PROMPTS
]
cfg = og.GenerationConfig()
cfg.max_new_tokens = int(sys.argv[2])
cfg.do_sample = False
pipe.generate(["warm up: " + ps[0][:200]], cfg)
for n in (1, 1, 8):
    t = time.time()
    r = pipe.generate(ps[8 - n : 8] if n == 1 else ps, cfg)
    dt = time.time() - t
    ntok = sum(len(tok.encode(x).input_ids.data[0]) for x in r.texts)
    print(f"OV n={n}: {dt:.1f}s, {ntok} tokens out, {ntok / dt:.1f} tok/s", flush=True)
