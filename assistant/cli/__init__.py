"""The `shopassist` command line."""
