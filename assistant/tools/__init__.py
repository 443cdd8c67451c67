"""Typed tools the assistant can call, and the registry that turns them into schemas."""
