"""The copy desk: listings written for the catalog's products, kept as drafts, approved.

Writing goes through `write_copy` (served model, faithfulness check, bounded rewrites) and
every result is stored, passing or not, with what the check found, so the merchant sees the
problems instead of a silently published draft. Approving a draft makes its text the
product's description in the catalog of record, which re-indexes that product for search.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from assistant.copy.check import CopyChecker
from assistant.copy.draft import CopyDraft, CopyField, CopyRequest, Length
from assistant.copy.writer import CopyGenerationError, write_copy
from assistant.llm.types import ChatModel
from assistant.store import Store
from assistant.store.errors import StoreError
from assistant.store.models import StoredCopy
from assistant.tools.registry import ToolError
from assistant.tools.results import ProductCopy
from retrieval.catalog import Product


def listing_text(draft: CopyDraft) -> str:
    """A listing as one plain-text description: title, paragraph, then one line per bullet."""
    parts = [draft.title, draft.short_description, *(f"- {b}" for b in draft.bullets)]
    return "\n".join(p for p in parts if p)


class UnknownProduct(ToolError):
    """The catalog has no such product."""


class UnknownDraft(ToolError):
    """The store has no such draft."""


@dataclass
class BatchSummary:
    """What `CopyDesk.write_all` did."""

    written: int = 0
    passed_first_time: int = 0
    passed: int = 0
    skipped: int = 0
    """Products that already had a draft for the same request (a resumed run)."""
    failed: list[str] = field(default_factory=list)
    """`product_id: reason` for each product no usable draft came back for."""


class CopyDesk:
    """Writes, keeps and approves product listings for one store.

    Args:
        model: The served chat model (a scripted one in tests).
        catalog: The catalog index (`retrieval.CatalogIndex`): products and re-indexing.
        store: The SQL store the drafts are kept in.
        max_attempts: Completions allowed per listing, the first included.
    """

    def __init__(self, model: ChatModel, catalog: Any, store: Store, max_attempts: int = 3) -> None:
        self.model = model
        self.catalog = catalog
        self.store = store
        self.max_attempts = max_attempts
        self._checker: tuple[int, CopyChecker] | None = None

    def checker(self) -> CopyChecker:
        """The faithfulness checker for the catalog as it is now (rebuilt when it changes)."""
        count = self.catalog.count()
        if self._checker is None or self._checker[0] != count:
            self._checker = (count, CopyChecker.for_catalog(self.catalog.products()))
        return self._checker[1]

    def _product(self, product_id: str) -> Product:
        found = self.store.catalog_products([product_id])
        if not found:
            raise UnknownProduct(f"no product {product_id!r} in the catalog")
        return found[0]

    def shown(self, stored: StoredCopy) -> ProductCopy:
        """A stored listing as the tools, API and UI show it."""
        product = self.catalog.get_product(stored.product_id)
        return ProductCopy(
            draft_id=stored.draft_id,
            product_id=stored.product_id,
            name=product.name if product is not None else stored.product_id,
            **stored.draft,
            passed=stored.passed,
            problems=[_problem(f) for f in stored.findings],
            attempts=stored.attempts,
            status=stored.status,
            tone=stored.request.get("tone", "friendly"),
            length=stored.request.get("length", "medium"),
            audience=stored.request.get("audience", "online shoppers"),
        )

    def write(
        self,
        product_id: str,
        *,
        tone: str = "friendly",
        length: Length = "medium",
        audience: str = "online shoppers",
        fields: Sequence[CopyField] | None = None,
    ) -> ProductCopy:
        """Write, check and store a draft listing for one product.

        Raises:
            ToolError: The product is unknown, the request is invalid, or no completion was
                a usable draft (the message says what each attempt was).
        """
        product = self._product(product_id)
        try:
            request = CopyRequest(
                product_id=product_id,
                tone=tone,
                length=length,
                audience=audience,
                **({"fields": list(fields)} if fields else {}),
            )
        except ValueError as err:
            raise ToolError(f"invalid copy request: {err}") from err
        try:
            result = write_copy(self.model, product, request, self.checker(), self.max_attempts)
        except CopyGenerationError as err:
            raise ToolError(str(err)) from err
        stored = self.store.add_copy_draft(
            product_id,
            request.model_dump(exclude={"product_id"}),
            result.draft.model_dump(),
            [f.model_dump() for f in result.findings],
            passed=result.passed,
            attempts=len(result.attempts),
        )
        return self.shown(stored)

    def approve(self, draft_id: int, edits: dict[str, Any] | None = None) -> ProductCopy:
        """Approve a draft (with the merchant's edits): its text becomes the product's
        description, and search re-indexes the product.

        Raises:
            ToolError: No such draft, its product left the catalog, or the edits are not a
                listing.
        """
        stored = self.store.copy_draft(draft_id)
        if stored is None:
            raise UnknownDraft(f"no copy draft {draft_id}")
        draft = CopyDraft.model_validate(stored.draft)
        if edits:
            try:
                draft = CopyDraft.model_validate({**draft.model_dump(), **edits})
            except ValueError as err:
                raise ToolError(f"the edited listing is invalid: {err}") from err
        self._product(stored.product_id)  # its product left the catalog: UnknownProduct
        try:
            approved = self.store.approve_copy_draft(
                draft_id, draft.model_dump(), description=listing_text(draft)
            )
        except StoreError as err:
            raise ToolError(str(err)) from err
        self.catalog.ingest(self.store.catalog_products([stored.product_id]), remove_missing=False)
        return self.shown(approved)

    def write_all(
        self,
        *,
        tone: str = "friendly",
        length: Length = "medium",
        audience: str = "online shoppers",
        fresh: bool = False,
        progress: Callable[[str, int, int], None] | None = None,
    ) -> BatchSummary:
        """A draft for every product of the catalog, resumable: a product that already has a
        draft for the same request is skipped unless `fresh`."""
        request = {"tone": tone, "length": length, "audience": audience}
        products = self.store.catalog_products()
        earlier = [] if fresh else self.store.copy_drafts()
        drafted = {d.product_id for d in earlier if _same_request(d.request, request)}
        summary = BatchSummary()
        for done, product in enumerate(products):
            if progress is not None:
                progress(product.product_id, done, len(products))
            if product.product_id in drafted:
                summary.skipped += 1
                continue
            try:
                written = self.write(
                    product.product_id, tone=tone, length=length, audience=audience
                )
            except ToolError as err:
                summary.failed.append(f"{product.product_id}: {err}")
                continue
            summary.written += 1
            summary.passed += written.passed
            summary.passed_first_time += written.passed and written.attempts == 1
        if progress is not None:
            progress("", len(products), len(products))
        return summary


def _same_request(stored: dict[str, Any], wanted: dict[str, str]) -> bool:
    return all(stored.get(k) == v for k, v in wanted.items())


def _problem(finding: dict[str, Any]) -> str:
    return f"{finding['field']}: '{finding['text']}' — {finding['reason']}"
