"""The MCP stdio server over a test data dir (what `shopassist mcp` runs, with the test
shop's fast embedder). Usage: python -m tests.interfaces.mcp_stdio_server DATA_DIR"""

from __future__ import annotations

import sys
from pathlib import Path

from assistant.mcp import run_stdio
from tests.interfaces.support import shop_services

if __name__ == "__main__":
    run_stdio(shop_services(Path(sys.argv[1])))
