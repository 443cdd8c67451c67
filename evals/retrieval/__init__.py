"""Product-search quality on the demo catalog: labelled queries and the runner."""
