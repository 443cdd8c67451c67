"""The merchant tab of the UI: listings written for the catalog's products, checked, edited
and approved, behind the merchant's key (`SHOPASSIST_MERCHANT_KEY`).

`MerchantTab` holds the handlers as plain methods (unit-tested without a browser) and
`build_merchant_tab` lays them out inside the app's `gr.Tabs`. Every handler checks the key
it is sent, not a flag set once, so no event of the tab does anything without the key.
"""

from __future__ import annotations

from typing import Any, get_args

import gradio as gr

from assistant.copy.draft import Length
from assistant.identity.keys import key_matches as same_key
from assistant.presentation.text import money, stock_text
from assistant.services import Services
from assistant.tools.registry import ToolError
from assistant.tools.results import ProductCopy
from retrieval.catalog import Product

OFF = (
    "Merchant tools are off: set `SHOPASSIST_MERCHANT_KEY` and restart the UI to write "
    "and approve product listings here."
)
LOCKED = "Enter the merchant's key to write and approve product listings."
WRONG_KEY = "That is not the merchant's key."
LENGTHS: tuple[Length, ...] = get_args(Length)
NO_DRAFT = "No draft yet: pick a product and write one."

Table = dict[str, list[Any]]
WriteOutputs = tuple[int, dict[str, Any], str, str, str, str, str, Table, str]
"""draft id, request, title, short description, bullets, meta, findings, attributes, status"""


def key_matches(entered: str | None, expected: str | None) -> bool:
    """Whether the key typed in the tab (spaces around it ignored) is the merchant's key."""
    return same_key(entered.strip() if entered else None, expected)


def product_choices(products: list[Product]) -> list[tuple[str, str]]:
    """The picker's entries: `name (product_id)` shown, the product id as the value."""
    ordered = sorted(products, key=lambda p: (p.name.lower(), p.product_id))
    return [(f"{p.name} ({p.product_id})", p.product_id) for p in ordered]


def attribute_table(product: Product | None) -> Table:
    """The product's variants as the catalog holds them: item, one column per option, price
    and stock (the facts a listing may state)."""
    if product is None:
        return {"headers": ["item", "price", "stock"], "data": []}
    options: list[str] = []
    for variant in product.variants:
        options.extend(name for name in variant.options if name not in options)
    rows = [
        [
            variant.item_id,
            *(variant.options.get(name, "") for name in options),
            money(variant.price),
            stock_text(variant.available),
        ]
        for variant in product.variants
    ]
    return {"headers": ["item", *options, "price", "stock"], "data": rows}


def findings_text(copy: ProductCopy) -> str:
    """What the faithfulness check found in a draft, one problem per line."""
    tries = "first time" if copy.attempts == 1 else f"after {copy.attempts} attempts"
    if copy.passed:
        return f"**Check passed** ({tries}): nothing unsupported by the catalog."
    lines = "\n".join(f"- {problem}" for problem in copy.problems)
    return f"**The check found {len(copy.problems)} unsupported statement(s)** ({tries}):\n{lines}"


def bullets_from_text(text: str) -> list[str]:
    """The edited bullets: one per non-empty line."""
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


class MerchantTab:
    """The merchant tab's handlers over the services' copy desk.

    Args:
        services: The composition root; its settings hold the merchant's key.
    """

    def __init__(self, services: Services) -> None:
        self.services = services

    @property
    def enabled(self) -> bool:
        """Whether a merchant key is set (the tab is off without one)."""
        return bool(self.services.settings.merchant_key)

    def allowed(self, key: str | None) -> bool:
        """Whether `key` opens the merchant tools."""
        return key_matches(key, self.services.settings.merchant_key)

    def _locked(self) -> str:
        return OFF if not self.enabled else WRONG_KEY

    def unlock(self, key: str) -> tuple[dict[str, Any], dict[str, Any], str]:
        """Show the tools and fill the product picker when the key matches.

        Returns:
            The tools column's update, the picker's update and the status line.
        """
        if not self.allowed(key):
            status = self._locked() if key or not self.enabled else LOCKED
            return gr.update(visible=False), gr.update(choices=[], value=None), status
        products = self.services.copy_desk.catalog.products()
        if not products:
            return gr.update(visible=True), gr.update(choices=[]), "The catalog has no products."
        return (
            gr.update(visible=True),
            gr.update(choices=product_choices(products), value=None),
            f"Merchant tools open: {len(products)} product(s) in the catalog.",
        )

    def pick(self, key: str, product_id: str | None) -> tuple[Table, str]:
        """The attribute table of the picked product.

        Returns:
            The table and the status line.
        """
        if not self.allowed(key):
            return attribute_table(None), self._locked()
        if not product_id:
            return attribute_table(None), "Pick a product."
        product = self.services.copy_desk.catalog.get_product(product_id)
        if product is None:
            return attribute_table(None), f"No product {product_id!r} in the catalog."
        return attribute_table(product), f"{product.name}: {len(product.variants)} variant(s)."

    def write(
        self, key: str, product_id: str | None, tone: str, length: str, audience: str
    ) -> WriteOutputs:
        """Write, check and keep a draft listing for the picked product.

        Returns:
            The draft's id and request, its four fields (bullets one per line), the check's
            findings, the product's attribute table and the status line. On an error the
            draft id is 0, the fields are empty and the status line says what went wrong.
        """
        if not self.allowed(key):
            return self._failed(self._locked())
        if not product_id:
            return self._failed("Pick a product first.")
        chosen: Length = length if length in LENGTHS else "medium"
        voice = (tone or "").strip() or "friendly"
        readers = (audience or "").strip() or "online shoppers"
        request = {"product_id": product_id, "tone": voice, "length": chosen, "audience": readers}
        desk = self.services.copy_desk
        try:
            copy: ProductCopy = desk.write(product_id, tone=voice, length=chosen, audience=readers)
        except ToolError as err:
            return self._failed(f"Could not write a draft: {err}", request)
        verdict = "passed the check" if copy.passed else "needs attention (see the findings)"
        return (
            copy.draft_id,
            request,
            copy.title,
            copy.short_description,
            "\n".join(copy.bullets),
            copy.meta_description,
            findings_text(copy),
            attribute_table(desk.catalog.get_product(product_id)),
            f"Draft {copy.draft_id} for {copy.name} {verdict}. Edit it, then approve or "
            "regenerate.",
        )

    def regenerate(self, key: str, request: dict[str, Any] | None) -> WriteOutputs:
        """Write again with the last request (same product, tone, length and audience)."""
        if not request:
            return self._failed(NO_DRAFT if self.allowed(key) else self._locked())
        return self.write(
            key,
            request.get("product_id"),
            str(request.get("tone", "")),
            str(request.get("length", "")),
            str(request.get("audience", "")),
        )

    def approve(
        self, key: str, draft_id: int, title: str, short: str, bullets: str, meta: str
    ) -> str:
        """Approve the shown draft with the merchant's edits: its text becomes the product's
        description in the catalog, which search re-indexes.

        Returns:
            The status line.
        """
        if not self.allowed(key):
            return self._locked()
        if not draft_id:
            return NO_DRAFT
        edits = {
            "title": title or "",
            "short_description": short or "",
            "bullets": bullets_from_text(bullets),
            "meta_description": meta or "",
        }
        try:
            approved = self.services.copy_desk.approve(int(draft_id), edits)
        except ToolError as err:
            return f"Could not approve draft {draft_id}: {err}"
        return (
            f"Approved draft {approved.draft_id}: the catalog's description of "
            f"{approved.name} now reads this listing."
        )

    @staticmethod
    def _failed(status: str, request: dict[str, Any] | None = None) -> WriteOutputs:
        return 0, request or {}, "", "", "", "", "", attribute_table(None), status


def build_merchant_tab(services: Services) -> None:
    """Lay out the merchant tab inside the app's open `gr.Tabs` and wire its events."""
    tab = MerchantTab(services)
    with gr.Tab("Merchant", id="merchant", elem_id="merchant-tab"):
        if not tab.enabled:
            gr.Markdown(OFF, elem_id="merchant-off")
            return
        with gr.Row():
            key = gr.Textbox(label="Merchant key", type="password", elem_id="merchant-key", scale=3)
            unlock = gr.Button("Open merchant tools", elem_id="merchant-unlock", scale=1)
        status = gr.Markdown(LOCKED, elem_id="merchant-status")
        draft_id = gr.State(0)
        request = gr.State({})
        with gr.Column(visible=False, elem_id="merchant-tools") as tools:
            with gr.Row():
                product = gr.Dropdown(
                    label="Product", choices=[], elem_id="merchant-product", scale=3
                )
                tone = gr.Textbox(label="Tone", value="friendly", elem_id="merchant-tone")
                length = gr.Radio(
                    list(LENGTHS), value="medium", label="Length", elem_id="merchant-length"
                )
                audience = gr.Textbox(
                    label="Audience", value="online shoppers", elem_id="merchant-audience"
                )
            write = gr.Button("Write draft", variant="primary", elem_id="merchant-write")
            attributes = gr.Dataframe(
                value=attribute_table(None),
                label="The product in the catalog",
                interactive=False,
                elem_id="merchant-attributes",
            )
            with gr.Row():
                with gr.Column(scale=3):
                    title = gr.Textbox(label="Title", elem_id="merchant-title")
                    short = gr.Textbox(label="Short description", lines=3, elem_id="merchant-short")
                    bullets = gr.Textbox(
                        label="Bullets (one per line)", lines=4, elem_id="merchant-bullets"
                    )
                    meta = gr.Textbox(label="Meta description", lines=2, elem_id="merchant-meta")
                with gr.Column(scale=2):
                    gr.Markdown("#### What the check found")
                    findings = gr.Markdown(NO_DRAFT, elem_id="merchant-findings")
            with gr.Row():
                approve = gr.Button("Approve", variant="primary", elem_id="merchant-approve")
                regenerate = gr.Button("Regenerate", elem_id="merchant-regenerate")

    written = [draft_id, request, title, short, bullets, meta, findings, attributes, status]
    private: dict[str, Any] = {"api_visibility": "private"}
    unlock.click(tab.unlock, key, [tools, product, status], **private)
    key.submit(tab.unlock, key, [tools, product, status], **private)
    product.change(tab.pick, [key, product], [attributes, status], **private)
    write.click(tab.write, [key, product, tone, length, audience], written, **private)
    regenerate.click(tab.regenerate, [key, request], written, **private)
    approve.click(tab.approve, [key, draft_id, title, short, bullets, meta], status, **private)
