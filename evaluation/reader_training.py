"""Train the reader (the recipe; its command is `python -m evaluation.train_reader`, or `make train-reader`).

Fine-tunes the prepared default model (multilingual-e5-small: its top layers in full, the lower ones
through low-rank adapters) with the SQuAD 2.0 objective (answer start/end, <s> for "no answer") plus an
answerability logit on <s>, on ../shared/eval (evaluation/reader_data.py says which parts); then fits the
answerability calibration on the held-out calibration articles, and writes the artifact (top layers,
adapters and heads as safetensors, bfloat16) with its settings to answer/reader/artifact/. Runs on a 2-core CPU
(about an hour for the full recipe); `--limit N` trains on N examples only (seconds, for tests)."""
from __future__ import annotations

import json
import math
import random
import time
from pathlib import Path
from typing import Sequence

import torch

from answer.reader.model import CONFIG_FILE, WEIGHTS_FILE, load_base, trained_state
from evaluation.reader_data import features, training_examples
from settings import DEFAULT_MODEL


def batches(items: list, batch_size: int, rng: random.Random, pool: int = 50) -> list[list]:
    """Shuffled batches of similar length (sorted within pools of `pool` batches): little padding."""
    order = list(items)
    rng.shuffle(order)
    grouped = []
    span = batch_size * pool
    for start in range(0, len(order), span):
        chunk = sorted(order[start:start + span], key=lambda f: len(f.input_ids))
        grouped += [chunk[i:i + batch_size] for i in range(0, len(chunk), batch_size)]
    rng.shuffle(grouped)
    return grouped


def collate(batch: list, pad_id: int) -> dict[str, torch.Tensor]:
    width = max(len(f.input_ids) for f in batch)
    ids = torch.full((len(batch), width), pad_id, dtype=torch.long)
    mask = torch.zeros((len(batch), width), dtype=torch.long)
    for row, feature in enumerate(batch):
        ids[row, :len(feature.input_ids)] = torch.tensor(feature.input_ids)
        mask[row, :len(feature.input_ids)] = 1
    return {"input_ids": ids, "attention_mask": mask,
            "start": torch.tensor([f.start for f in batch]), "end": torch.tensor([f.end for f in batch])}


def train(base_folder: Path, eval_dir: Path, out_dir: Path, *, layers: int = 5, lora_rank: int = 8,
          answerability_weight: float = 1.0, epochs: float = 3.0, batch_size: int = 16, learning_rate: float = 1e-4, max_length: int = 256, stride: int = 96,
          limit: int | None = None, seed: int = 13, threads: int | None = None, extra: Sequence = (),
          passage_chars: int = 0, overlap_sentences: int = 1, log=print) -> dict:
    torch.manual_seed(seed)
    if threads:
        torch.set_num_threads(threads)
    rng = random.Random(seed)
    model, tokenizer = load_base(base_folder)
    names = model.train_top(layers, lora_rank)
    if not answerability_weight:  # the head is not trained, so not stored (its logit reads 0)
        names = [n for n in names if not n.startswith("answerable.")]
    examples = training_examples(eval_dir, seed, limit, extra, passage_chars, overlap_sentences)
    train_features = features(tokenizer, examples, max_length, stride)
    steps_per_epoch = math.ceil(len(train_features) / batch_size)
    total_steps = max(1, int(steps_per_epoch * epochs))
    log(f"{len(examples)} exempel, {len(train_features)} fönster, {total_steps} steg, {layers} lager tränas"
        + (f", adaptrar (rang {lora_rank}) i de övriga" if lora_rank else ""))
    groups = {"head": [], "adapters": [], "body": []}
    for name, parameter in model.named_parameters():
        if parameter.requires_grad:
            groups["head" if name.startswith(("span.", "answerable.")) else
                   "adapters" if name.endswith(("lora_a", "lora_b")) else "body"].append(parameter)
    optimiser = torch.optim.AdamW([{"params": groups["body"], "lr": learning_rate},
                                   {"params": groups["adapters"], "lr": learning_rate * 5},
                                   {"params": groups["head"], "lr": learning_rate * 10}], weight_decay=0.01)
    trainable = [p for group in groups.values() for p in group]
    use_bf16 = _native_bf16()
    model.train()
    seconds = run_steps(model, tokenizer, train_features, optimiser, trainable, total_steps, batch_size, rng,
                        answerability_weight, log, log_every=50)
    model.eval()
    config = {"base_model": "intfloat/multilingual-e5-small", "base_folder": DEFAULT_MODEL, "layers": layers,
              "mined_negatives": len(extra), "passage_chars": passage_chars, "overlap_sentences": overlap_sentences,
              "lora_rank": lora_rank, "answerability_weight": answerability_weight, "max_length": max_length, "stride": stride, "trained_parameters": names,
              "training": {"examples": len(examples), "windows": len(train_features), "steps": total_steps,
                           "epochs": epochs, "batch_size": batch_size, "learning_rate": learning_rate,
                           "seed": seed, "bf16": use_bf16, "seconds": seconds}}
    save_artifact(model, names, config, out_dir)
    return config


def run_steps(model, tokenizer, windows: list, optimiser, trainable: list, total_steps: int, batch_size: int,
              rng: random.Random, answerability_weight: float, log, log_every: int) -> float:
    """`total_steps` optimiser steps over batches of `windows` (linear warm-up over the first 10 %, then linear
    decay; bf16 autocast where the CPU has it natively); loss = mean of the start and end cross-entropies +
    `answerability_weight` x the answerability head's binary cross-entropy. The seconds it took."""
    warmup = max(1, total_steps // 10)
    schedule = torch.optim.lr_scheduler.LambdaLR(
        optimiser, lambda s: min(1.0, (s + 1) / warmup) * max(0.0, (total_steps - s) / max(1, total_steps - warmup)))
    use_bf16 = _native_bf16()
    step, started, running = 0, time.perf_counter(), 0.0
    while step < total_steps:
        for batch in batches(windows, batch_size, rng):
            if step >= total_steps:
                break
            tensors = collate(batch, tokenizer.pad_token_id)
            with torch.autocast("cpu", dtype=torch.bfloat16, enabled=use_bf16):
                start_logits, end_logits, answerable = model(tensors["input_ids"], tensors["attention_mask"])
            loss = (torch.nn.functional.cross_entropy(start_logits, tensors["start"])
                    + torch.nn.functional.cross_entropy(end_logits, tensors["end"])) / 2
            if answerability_weight:
                loss = loss + answerability_weight * torch.nn.functional.binary_cross_entropy_with_logits(
                    answerable, (tensors["start"] > 0).float())
            loss.backward()
            torch.nn.utils.clip_grad_norm_(trainable, 1.0)
            optimiser.step()
            schedule.step()
            optimiser.zero_grad(set_to_none=True)
            step += 1
            value = float(loss.detach())
            running = 0.98 * running + 0.02 * value if step > 1 else value
            if step % log_every == 0 or step == total_steps:
                elapsed = time.perf_counter() - started
                log(f"steg {step}/{total_steps}  förlust {running:.3f}  {elapsed / step:.2f} s/steg  "
                    f"kvar ~{(total_steps - step) * elapsed / step / 60:.1f} min")
    return round(time.perf_counter() - started, 1)


def save_artifact(model, names: list[str], config: dict, out_dir: Path) -> None:
    from safetensors.torch import save_file

    out_dir.mkdir(parents=True, exist_ok=True)
    save_file(trained_state(model, names), str(out_dir / WEIGHTS_FILE))
    previous = out_dir / CONFIG_FILE
    if previous.exists():  # keep a calibration fitted earlier until it is refitted
        config = {**{k: v for k, v in json.loads(previous.read_text()).items() if k == "calibration"}, **config}
    (out_dir / CONFIG_FILE).write_text(json.dumps(config, indent=2, ensure_ascii=False), encoding="utf-8")


def _native_bf16() -> bool:
    from embedding.sentence import cpu_has_native_bfloat16

    return cpu_has_native_bfloat16()
