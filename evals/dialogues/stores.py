"""The demo stores a dialogue can run on, each with its own store template and search indexes.

- `tau2`: the τ²-bench retail world. Its template is built from τ²'s `db.json`; its search
  indexes are those of the configured data dir (where `shopassist data demo` loads them).
- `beanleaf`: Bean & Leaf, the generated coffee and tea shop (seed 0). It is loaded with its
  own loader into a data dir of its own inside the run's work folder, so its catalog, FAQ
  pages and personal ranker never mix with the configured store's. That data dir shares the
  configured `models` folder (the request detector's fitted classifier is cached there).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from assistant.services import Services
from assistant.settings import Settings
from evals.tau2.replay import build_template

STORES = ("tau2", "beanleaf")
"""The demo stores dialogues may name (`Dialogue.store`)."""
BEANLEAF_SEED = 0
"""The seed of the Bean & Leaf the dialogues are written against (the CLI's default)."""


@dataclass(frozen=True)
class StoreWorld:
    """One demo store as its dialogues see it.

    Attributes:
        name: The store's name, as dialogues give it.
        template: A SQLite file holding the store before any dialogue; each trial copies it.
        initial: The template's dump (`Store.dump_tau2()`), the state checks' "before".
        services: The store's indexes, request detector and personal ranker.
    """

    name: str
    template: Path
    initial: dict[str, Any]
    services: Services


def store_settings(settings: Settings, data_dir: Path) -> Settings:
    """`settings` with a data dir of its own: local SQLite and Chroma there, and the
    configured `models` folder linked in (so a store's load never touches the configured
    database or Chroma server)."""
    data_dir.mkdir(parents=True, exist_ok=True)
    models = settings.data_dir / "models"
    link = data_dir / "models"
    if models.is_dir() and not link.exists():
        link.symlink_to(models.resolve(), target_is_directory=True)
    return settings.model_copy(
        update={"data_dir": data_dir, "database_url": None, "chroma_url": None}
    )


def open_world(
    name: str,
    settings: Settings,
    workdir: Path,
    configured: Services | None = None,
    progress: Callable[[str], None] | None = None,
) -> StoreWorld:
    """Build the template and the indexes of demo store `name` under `workdir`.

    Args:
        name: One of `STORES`.
        settings: The configured settings (the engine's configuration, the models folder).
        workdir: The run's work folder; the store's files go there.
        configured: The services of the configured data dir (the τ² store's indexes);
            built from `settings` when None.
        progress: Told what is being loaded (nothing is said when None).

    Raises:
        ValueError: `name` is not a known demo store.
    """
    say = progress or (lambda _: None)
    template = workdir / f"template-{name}.sqlite"
    if name == "tau2":
        from assistant.demo import tau2_data

        services = configured or Services(settings)
        return StoreWorld(name, template, build_template(template, tau2_data.retail_db()), services)
    if name == "beanleaf":
        from assistant.demo.beanleaf import load_beanleaf
        from assistant.demo.beanleaf.files import read_store
        from assistant.demo.beanleaf.loader import FOLDER_NAME

        own = store_settings(settings, workdir / "beanleaf-data")
        load_beanleaf(own, say, seed=BEANLEAF_SEED)
        _, db = read_store(own.data_dir / FOLDER_NAME)
        return StoreWorld(name, template, build_template(template, db), Services(own))
    raise ValueError(f"unknown demo store {name!r}; known: {', '.join(STORES)}")
