"""Keep every library away from model hubs: weights come only from local packages."""

import os

OFFLINE_VARS = ("HF_HUB_OFFLINE", "TRANSFORMERS_OFFLINE", "HF_DATASETS_OFFLINE")


def force_offline() -> None:
    """Set the hub-offline switches before transformers or huggingface_hub are imported."""
    for name in OFFLINE_VARS:
        os.environ[name] = "1"
    # Chroma would otherwise phone home with usage telemetry.
    os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")
    os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
    os.environ.setdefault("VLLM_NO_USAGE_STATS", "1")
    os.environ.setdefault("DO_NOT_TRACK", "1")
