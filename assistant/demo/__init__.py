"""The demo store: τ²-bench's retail world plus shopassist's own FAQ pages."""
