"""Fine-tuning the bundled chat model on this store's tools.

- `datagen`: multi-turn training dialogues, produced by running the real dialogue engine,
  tools, store and search indexes on the demo store with a scripted reference model, then
  rendered with the served chat template (`shopassist finetune data`).
- `train`: LoRA training with peft, writing the adapter and a merged model
  (`shopassist finetune train`); `merge.merge_adapter` rebuilds the merged model.
- `evaluate`: base and fine-tuned model side by side on the dev split, served by vLLM
  (`shopassist finetune eval`).
"""

from pathlib import Path

ADAPTER_DIR = Path(__file__).resolve().parent / "adapter"
"""The committed LoRA adapter: what `make demo` serves and `finetune train` writes by default."""
DECISION_TOKENS = 16
"""Tokens at the start of a training target that hold its decision (which tool, or whether to
answer, ask or refuse): in the tool-call format the tool name starts at the 11th."""
