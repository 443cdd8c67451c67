"""The customer-service tools with τ²-bench retail semantics, in one registry.

`RETAIL_TOOLS` holds the 15 tools of τ²'s retail domain under the same names, arguments,
effects and error messages, written over the SQL store. Reads (`retail_reads`):
`find_user_id_by_email`, `find_user_id_by_name_zip`, `get_user_details`,
`get_order_details`, `get_product_details`, `list_all_product_types`, `calculate`,
`transfer_to_human_agents`. Writes on pending orders and profiles (`retail_writes`):
`cancel_pending_order`, `modify_pending_order_address`, `modify_pending_order_items`,
`modify_pending_order_payment`, `modify_user_address`. Writes on delivered orders
(`retail_delivered`): `return_delivered_order_items`, `exchange_delivered_order_items`.
Tools that show or change a user's profile or orders are marked `needs_auth`; the dialogue
engine enforces ownership and confirmation.
"""

# isort: off
# Registration order is the order the model sees the tools in: reads first.
from assistant.tools import retail_reads
from assistant.tools import retail_writes
from assistant.tools import retail_delivered

# isort: on
from assistant.tools.retail_base import RETAIL_TOOLS

__all__ = ["RETAIL_TOOLS", "retail_delivered", "retail_reads", "retail_writes"]
