"""Re-encode a GGUF file so that OpenVINO GenAI's reader takes it: matrices as Q8_0.

The shipped Qwen2.5-Coder weights are Q4_K_M, a mix of Q4_K, Q5_0, Q6_K and Q8_0
matrices. OpenVINO's GGUF reader takes F16, Q8_0, Q4_0 and Q4_1 matrices only, so
every other matrix is de-quantized and quantized again as Q8_0 (8 bits per weight
in blocks of 32, close to lossless after 4-6 bit source blocks). Metadata, the
tokenizer and the chat template are copied unchanged. numpy and the ``gguf``
package do it all (about 30 s for the 0.5B model): no torch, no transformers.
"""

from __future__ import annotations

from pathlib import Path

#: Bumped when the re-encoding changes; part of the cached file's name.
VERSION = 2

#: Matrix encodings OpenVINO GenAI 2026.4 reads as they are.
READABLE = frozenset({"F16", "Q8_0", "Q4_0", "Q4_1"})


def needs_reencoding(gguf_file: Path) -> bool:
    """True when some matrix of ``gguf_file`` is in an encoding OpenVINO cannot read."""
    import gguf

    reader = gguf.GGUFReader(str(gguf_file))
    return any(
        len(tensor.shape) >= 2 and tensor.tensor_type.name not in READABLE
        for tensor in reader.tensors
    )


def reencode_q8(source: Path, target: Path) -> None:
    """Write ``source`` to ``target`` with every unreadable matrix re-encoded as Q8_0."""
    import gguf
    import numpy as np
    from gguf import GGMLQuantizationType as Encoding
    from gguf import quants

    reader = gguf.GGUFReader(str(source))
    architecture = reader.fields[gguf.Keys.General.ARCHITECTURE].contents()
    writer = gguf.GGUFWriter(str(target), architecture)
    for field in reader.fields.values():
        # the architecture and the GGUF.* header fields are written by GGUFWriter itself
        if field.name == gguf.Keys.General.ARCHITECTURE or field.name.startswith("GGUF."):
            continue
        if field.name == gguf.Keys.General.FILE_TYPE:
            # OpenVINO reads a file declared as float with its float path: say Q8_0
            writer.add_file_type(gguf.LlamaFileType.MOSTLY_Q8_0)
            continue
        kind = field.types[0]
        item_kind = field.types[-1] if kind == gguf.GGUFValueType.ARRAY else None
        writer.add_key_value(field.name, field.contents(), kind, sub_type=item_kind)
    for tensor in reader.tensors:
        encoding = tensor.tensor_type
        if len(tensor.shape) >= 2 and encoding.name not in READABLE:
            values = quants.dequantize(tensor.data, encoding).astype(np.float32)
            encoded = quants.quantize(values, Encoding.Q8_0)
            writer.add_tensor(tensor.name, encoded, raw_dtype=Encoding.Q8_0)
        elif encoding in (Encoding.F32, Encoding.F16):
            writer.add_tensor(tensor.name, tensor.data)  # numpy's dtype says the encoding
        elif encoding.name in READABLE:
            writer.add_tensor(tensor.name, tensor.data, raw_dtype=encoding)
        else:  # a vector in a quantized encoding: plain floats
            values = quants.dequantize(tensor.data, encoding).astype(np.float32)
            writer.add_tensor(tensor.name, values)
    writer.write_header_to_file()
    writer.write_kv_data_to_file()
    writer.write_tensors_to_file()
    writer.close()
