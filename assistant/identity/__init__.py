"""Who the shopper is: the storefront's signed token, a one-time code, or τ²'s lookup rule.

`SHOPASSIST_IDENTITY` picks the mode:
- `storefront`: the shop vouches for its signed-in shopper (an API-key call that opens a
  session for a user id, or a signed, expiring token the embedded chat passes); the chat
  itself never looks shoppers up.
- `verify`: naming an email only starts a one-time-code check through a sender; nothing about
  the account is disclosed before the code is given back.
- `lookup`: τ²-bench's rule, an email or name and zip signs in (the demo and the τ² harness).
"""

from assistant.settings import IdentityMode

__all__ = ["IDENTITY_MODES", "IdentityMode"]

IDENTITY_MODES: tuple[IdentityMode, ...] = ("lookup", "verify", "storefront")
