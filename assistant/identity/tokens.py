"""Signed, expiring shopper tokens (JWT, HS256 with PyJWT): the storefront signs one for its
signed-in shopper and the embedded chat passes it; a forged or expired token is refused."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import jwt

AUDIENCE = "shopassist"
ALGORITHM = "HS256"


class TokenError(ValueError):
    """The token is forged, expired, malformed or for someone else; the message says which."""


def issue_token(
    user_id: str,
    secret: str,
    *,
    ttl: timedelta = timedelta(minutes=30),
    now: datetime | None = None,
) -> str:
    """A token saying the storefront signed `user_id` in, valid for `ttl`."""
    if len(secret) < 32:
        raise ValueError("the identity secret must be at least 32 characters")
    issued = now or datetime.now(UTC)
    claims = {"sub": user_id, "aud": AUDIENCE, "iat": issued, "exp": issued + ttl}
    return jwt.encode(claims, secret, algorithm=ALGORITHM)


def read_token(token: str, secret: str) -> str:
    """The user id a valid token vouches for.

    Raises:
        TokenError: Bad signature, expired, wrong audience, or not a token at all.
    """
    try:
        claims = jwt.decode(
            token,
            secret,
            algorithms=[ALGORITHM],
            audience=AUDIENCE,
            options={"require": ["sub", "exp", "aud"]},
        )
    except jwt.ExpiredSignatureError as err:
        raise TokenError("the shopper token has expired; sign in on the store again") from err
    except jwt.InvalidSignatureError as err:
        raise TokenError("the shopper token's signature is not valid") from err
    except jwt.PyJWTError as err:
        raise TokenError(f"the shopper token is not valid: {err}") from err
    return str(claims["sub"])
