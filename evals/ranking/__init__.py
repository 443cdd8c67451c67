"""Ranking evaluations: the re-ranker and the personal ranker."""
