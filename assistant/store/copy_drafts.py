"""Product listings in the store: drafts written for the merchant, and the one approved."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from assistant.store.catalog_sync import set_description
from assistant.store.errors import StoreError
from assistant.store.models import StoredCopy
from assistant.store.schema import CopyDraftRow

STATUSES = ("draft", "approved", "superseded")


def _stored(row: CopyDraftRow) -> StoredCopy:
    return StoredCopy(
        draft_id=row.id,
        product_id=row.product_id,
        request=row.request,
        draft=row.draft,
        findings=row.findings,
        passed=row.passed,
        attempts=row.attempts,
        status=row.status,
        created_at=row.created_at,
    )


class CopyDrafts:
    """Copy-draft methods of `Store` (mixed in; uses its transaction)."""

    _now: Callable[[], datetime]

    def transaction(self) -> AbstractContextManager[Session]:  # provided by Store
        raise NotImplementedError

    def add_copy_draft(
        self,
        product_id: str,
        request: dict[str, Any],
        draft: dict[str, Any],
        findings: list[dict[str, Any]],
        *,
        passed: bool,
        attempts: int,
    ) -> StoredCopy:
        """Keep a newly written listing as a draft; returns it with its id."""
        with self.transaction() as s:
            row = CopyDraftRow(
                product_id=product_id,
                request=request,
                draft=draft,
                findings=findings,
                passed=passed,
                attempts=attempts,
                status="draft",
                created_at=self._now(),
            )
            s.add(row)
            s.flush()
            return _stored(row)

    def copy_draft(self, draft_id: int) -> StoredCopy | None:
        """One stored listing, or None."""
        with self.transaction() as s:
            row = s.get(CopyDraftRow, draft_id)
            return None if row is None else _stored(row)

    def copy_drafts(
        self, product_id: str | None = None, status: str | None = None
    ) -> list[StoredCopy]:
        """Stored listings, oldest first, of one product and/or one status."""
        query = select(CopyDraftRow).order_by(CopyDraftRow.id)
        if product_id is not None:
            query = query.where(CopyDraftRow.product_id == product_id)
        if status is not None:
            if status not in STATUSES:
                raise StoreError(f"unknown copy status {status!r}; one of {', '.join(STATUSES)}")
            query = query.where(CopyDraftRow.status == status)
        with self.transaction() as s:
            return [_stored(row) for row in s.scalars(query)]

    def approve_copy_draft(
        self, draft_id: int, draft: dict[str, Any] | None = None, description: str | None = None
    ) -> StoredCopy:
        """Mark a draft approved (with the merchant's edits, if any); the product's earlier
        approved listing becomes `superseded`, and `description` (if given) its copy in the
        catalog, in the same transaction.

        Raises:
            StoreError: No such draft, or its product left the catalog.
        """
        with self.transaction() as s:
            row = s.get(CopyDraftRow, draft_id)
            if row is None:
                raise StoreError(f"no copy draft {draft_id}")
            earlier = s.scalars(
                select(CopyDraftRow).where(
                    CopyDraftRow.product_id == row.product_id,
                    CopyDraftRow.status == "approved",
                    CopyDraftRow.id != draft_id,
                )
            )
            now = self._now()
            for old in earlier:
                old.status, old.decided_at = "superseded", now
            if draft is not None:
                row.draft = draft
            if description is not None:
                set_description(s, row.product_id, description)
            row.status, row.decided_at = "approved", now
            s.flush()
            return _stored(row)
