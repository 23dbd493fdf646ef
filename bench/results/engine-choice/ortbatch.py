import json
import sys
import time

import onnxruntime_genai as og

sys.path.insert(0, __import__("os").path.dirname(__file__))
from prompts8 import PROMPTS

model = og.Model(sys.argv[1])
tok = og.Tokenizer(model)
ps = [
    tok.apply_chat_template(
        json.dumps([{"role": "user", "content": p}]), add_generation_prompt=True
    )
    for p in PROMPTS
]
N = int(sys.argv[2])


def run(batch):
    p = og.GeneratorParams(model)
    p.set_search_options(max_length=4096, do_sample=False, batch_size=len(batch))
    g = og.Generator(model, p)
    g.append_tokens(tok.encode_batch(batch))
    k = 0
    while k < N - 1 and not g.is_done():
        g.generate_next_token()
        k += 1


for n in (1, 8):
    t = time.time()
    run(ps[8 - n : 8])
    dt = time.time() - t
    print(f"ORT n={n}: {dt:.1f}s ({n * N / dt:.1f} tok/s incl prefill)", flush=True)
