"""The reader's network: the default embedding model's own encoder (multilingual-e5-small, prepared offline
by `python -m embedding.prepare`) read as in SQuAD 2.0: a start and an end logit per token, the first token
(<s>) standing for "no answer here", and beside them an answerability logit read from <s>.

Fine-tuned: the top layers in full, the lower layers through low-rank adapters (LoRA) on their linear maps.
Only the top layers, the adapters and the heads are stored in the artifact (`reader.safetensors`); the rest
comes from the prepared base model. At load the adapters are merged into the base weights, so reading costs
what the plain encoder costs."""
from __future__ import annotations

from pathlib import Path

import torch
from torch import nn

from embedding.base import ModelProblem

ARTIFACT_DIR = Path(__file__).resolve().parent / "artifact"
WEIGHTS_FILE = "reader.safetensors"
CONFIG_FILE = "reader.json"
ADAPTED = ("attention.self.query", "attention.self.key", "attention.self.value", "attention.output.dense",
           "intermediate.dense", "output.dense")
LORA_A, LORA_B = ".lora_a", ".lora_b"


class SpanReader(nn.Module):
    """Encoder + linear heads: (start, end) logits for every token and an answerability logit."""

    def __init__(self, encoder: nn.Module) -> None:
        super().__init__()
        self.encoder = encoder
        self.span = nn.Linear(encoder.config.hidden_size, 2)
        self.answerable = nn.Linear(encoder.config.hidden_size, 1)

    def forward(self, input_ids: torch.Tensor, attention_mask: torch.Tensor
                ) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        hidden = self.encoder(input_ids=input_ids, attention_mask=attention_mask).last_hidden_state
        logits = self.span(hidden).float()
        start, end = logits.unbind(-1)
        closed = attention_mask == 0
        answerable = self.answerable(hidden[:, 0]).float().squeeze(-1)
        return start.masked_fill(closed, -1e4), end.masked_fill(closed, -1e4), answerable

    def train(self, mode: bool = True) -> SpanReader:
        """Dropout stays off, in training too: on a CPU it costs about as much as the rest of a step
        (measured: 1.8 s instead of 1.3 s for 16 x 208 tokens), and a few epochs over ~10k windows do not
        need it. Gradients flow all the same."""
        return super().train(False)

    def train_top(self, layers: int, lora_rank: int = 0) -> list[str]:
        """Freeze everything but the top `layers` encoder layers, the heads and (rank > 0) adapters on the
        lower layers' linear maps; the trainable names."""
        total = len(self.encoder.encoder.layer)
        for parameter in self.parameters():
            parameter.requires_grad = False
        if lora_rank:
            for index in range(total - layers):
                layer = self.encoder.encoder.layer[index]
                for path in ADAPTED:
                    parent_path, _, leaf = path.rpartition(".")
                    parent = layer.get_submodule(parent_path)
                    setattr(parent, leaf, LoRALinear(getattr(parent, leaf), lora_rank))
        trainable = {f"encoder.encoder.layer.{i}." for i in range(total - layers, total)}
        names = []
        for name, parameter in self.named_parameters():
            wanted = (name.startswith(("span.", "answerable.")) or any(name.startswith(p) for p in trainable)
                      or name.endswith((LORA_A, LORA_B)))
            parameter.requires_grad = wanted
            if wanted:
                names.append(name)
        return names


class LoRALinear(nn.Module):
    """y = base(x) + (x A^T) B^T: a frozen linear map plus a trainable low-rank change (B starts at zero).
    Saved as `<name>.lora_a` / `<name>.lora_b`; merged into `<name>.weight` at load (merge_adapters)."""

    def __init__(self, base: nn.Linear, rank: int) -> None:
        super().__init__()
        self.base = base
        self.lora_a = nn.Parameter(torch.randn(rank, base.in_features, dtype=base.weight.dtype) / base.in_features ** 0.5)
        self.lora_b = nn.Parameter(torch.zeros(base.out_features, rank, dtype=base.weight.dtype))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.base(x) + (x @ self.lora_a.t()) @ self.lora_b.t()


def load_base(base_folder: Path, dtype: torch.dtype = torch.float32) -> tuple[SpanReader, object]:
    """The untrained reader on the prepared base model, and its tokenizer."""
    import transformers
    from transformers import AutoModel, AutoTokenizer

    transformers.logging.set_verbosity_error()
    transformers.logging.disable_progress_bar()
    encoder = AutoModel.from_pretrained(str(base_folder), dtype=dtype, add_pooling_layer=False)
    tokenizer = AutoTokenizer.from_pretrained(str(base_folder))
    return SpanReader(encoder).to(dtype), tokenizer


def trained_state(model: SpanReader, names: list[str], dtype: torch.dtype = torch.bfloat16) -> dict[str, torch.Tensor]:
    """The trained tensors (a wrapped layer's frozen `<name>.base.weight` is not among them; its adapters
    are `<name>.lora_a/b`, the names apply_state merges)."""
    state = model.state_dict()
    return {name: state[name].detach().to(dtype).contiguous() for name in names}


def apply_state(model: SpanReader, state: dict[str, torch.Tensor]) -> None:
    """Load an artifact's tensors into a plain reader, merging adapters into the weights they adapt. A reader
    saved before the answerability head keeps an untrained head at zero (its logit is then always 0)."""
    current = model.state_dict()
    adapters = {name for name in state if name.endswith((LORA_A, LORA_B))}
    unknown = set(state) - set(current) - adapters
    if unknown:
        raise ModelProblem("reader_weights_mismatch", names=sorted(unknown)[:3])
    if "answerable.weight" not in state:
        current["answerable.weight"].zero_()
        current["answerable.bias"].zero_()
    for name, tensor in state.items():
        if name not in adapters:
            current[name].copy_(tensor.to(current[name].dtype))
    for name in sorted(n for n in adapters if n.endswith(LORA_A)):
        prefix = name[:-len(LORA_A)]
        weight = current[prefix + ".weight"]
        change = state[prefix + LORA_B].float() @ state[name].float()
        weight.copy_((weight.float() + change).to(weight.dtype))
