import json
import sys
import time
from pathlib import Path

import onnxruntime_genai as og

model = og.Model(sys.argv[1])
tok = og.Tokenizer(model)
code = Path("phicode/generate/backends/hf.py").read_text()[:2500]
message = {"role": "user", "content": "Write pytest tests for this code:\n" + code}
prompt = tok.apply_chat_template(json.dumps([message]), add_generation_prompt=True)
print("prompt tokens", len(tok.encode(prompt)))
for bs in [int(x) for x in sys.argv[2].split(",")]:
    p = og.GeneratorParams(model)
    p.set_search_options(max_length=4096, do_sample=False, batch_size=bs)
    g = og.Generator(model, p)
    t = time.time()
    g.append_tokens(tok.encode_batch([prompt] * bs))
    tp = time.time() - t
    t = time.time()
    k = 0
    while k < 64:
        g.generate_next_token()
        k += 1
    dt = time.time() - t
    print(
        f"B={bs}: prefill {tp:.2f}s ({bs * len(tok.encode(prompt)) / tp:.0f} tok/s)  decode {k * bs / dt:.1f} tok/s, step {dt / k * 1000:.0f} ms",
        flush=True,
    )
