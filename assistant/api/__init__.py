"""The storefront API: sessions, messages (JSON and server-sent events), direct tool calls,
confirmations, and an OpenAI-compatible chat completions facade."""

from assistant.api.app import create_api

__all__ = ["create_api"]
