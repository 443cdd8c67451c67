"""τ²-bench retail: replay of the gold actions through τ²'s own tools and through shopassist's."""
