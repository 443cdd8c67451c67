"""The Gradio chat UI: a thin adapter over the dialogue engine."""
