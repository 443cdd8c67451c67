"""Scripted dialogue evals: hand-written shopper dialogues, their format and their runner."""
