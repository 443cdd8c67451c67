"""The Gradio app served for real; its `/ask` endpoint as scripts (`evals.demo_check`) use it."""

from __future__ import annotations

from typing import Any

import pytest
from gradio_client import Client

from assistant.services import Services
from evals.demo_check import grounded_variants
from tests.interfaces.support import SUMMARY, gradio_server

pytestmark = pytest.mark.server


def test_ask_endpoint_answers_with_grounded_cards(services: Services, store: Any) -> None:
    prices = {
        item_id: variant.price for p in store.products() for item_id, variant in p.variants.items()
    }
    with gradio_server(services) as url:
        client = Client(url, verbose=False)
        reply = client.predict("show me water bottles", "", api_name="/ask")
        assert reply.startswith(SUMMARY)
        found = grounded_variants(reply, prices)
        assert found, reply  # item ids with their exact store prices, as demo_check needs
        assert all(prices[item] == price for item, price in found)
        api = client.view_api(return_format="dict", print_info=False)
        assert list(api["named_endpoints"]) == ["/ask"]  # nothing else is exposed
