"""Benchmarks that print ratios, not pass/fail."""
