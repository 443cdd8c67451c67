"""What routes share: the services, per-session turn locks, the API key check."""

from __future__ import annotations

import hashlib
import hmac
import threading
from dataclasses import dataclass, field
from typing import Annotated, Any

from fastapi import Depends, Request
from fastapi.security import APIKeyHeader, HTTPAuthorizationCredentials, HTTPBearer

from assistant.api.errors import ApiError
from assistant.api.rate_limit import RateLimit
from assistant.identity.keys import key_matches


class SessionLocks:
    """One turn or tool call at a time per session (in this process).

    Each hold has its own token, so a late second release cannot free a newer hold.
    """

    def __init__(self) -> None:
        self._holders: dict[str, object] = {}
        self._guard = threading.Lock()

    def try_acquire(self, session_id: str) -> object | None:
        """Mark the session busy and return the hold's token; None when it already is busy."""
        with self._guard:
            if session_id in self._holders:
                return None
            token = object()
            self._holders[session_id] = token
            return token

    def release(self, session_id: str, token: object) -> None:
        """End the hold `token` (a no-op when it already ended)."""
        with self._guard:
            if self._holders.get(session_id) is token:
                del self._holders[session_id]

    def acquire_or_409(self, session_id: str) -> object:
        """Mark the session busy and return the token, or answer 409."""
        token = self.try_acquire(session_id)
        if token is None:
            raise ApiError(
                409,
                "session_busy",
                f"session {session_id} is already handling a message; retry when it is done",
            )
        return token


@dataclass
class ApiState:
    """Kept on `app.state.shop`."""

    services: Any
    api_key: str | None
    merchant_key: str | None = None
    locks: SessionLocks = field(default_factory=SessionLocks)
    rate_limit: RateLimit = field(default_factory=lambda: RateLimit(None))

    @property
    def engine(self) -> Any:
        """The dialogue engine."""
        return self.services.engine


def state(request: Request) -> ApiState:
    """The API's shared state."""
    return request.app.state.shop


_bearer = HTTPBearer(auto_error=False, description="The API key as a bearer token.")
_header = APIKeyHeader(name="X-API-Key", auto_error=False, description="The API key.")


Bearer = Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)]
Header = Annotated[str | None, Depends(_header)]


def _key_matches(bearer: HTTPAuthorizationCredentials | None, header: str | None, key: str) -> bool:
    """Whether the request sent `key` (X-API-Key or Bearer), compared in constant time."""
    return key_matches(header or (bearer.credentials if bearer is not None else None), key)


def require_api_key(request: Request, bearer: Bearer, header: Header) -> None:
    """Check the API key when one is configured (Bearer token or X-API-Key header)."""
    expected = state(request).api_key
    if not expected:
        return
    if header is None and bearer is None:
        raise ApiError(401, "missing_api_key", "send the API key as 'Authorization: Bearer <key>'")
    if not _key_matches(bearer, header, expected):
        raise ApiError(401, "invalid_api_key", "the API key is not valid")


def require_merchant_key(request: Request, bearer: Bearer, header: Header) -> None:
    """Check the merchant's key (Bearer token or X-API-Key); routes are off without one."""
    expected = state(request).merchant_key
    if not expected:
        raise ApiError(
            403, "merchant_routes_off", "merchant routes need SHOPASSIST_MERCHANT_KEY to be set"
        )
    if not _key_matches(bearer, header, expected):
        raise ApiError(401, "invalid_merchant_key", "send the merchant's key as a Bearer token")


def vouched_user(shop: ApiState, body: Any) -> str | None:
    """The shopper a new session opens signed in for (`SessionIn`), checked.

    A `user_id` needs the API key to be configured (so only the storefront's server, which
    sent it, can vouch); a `token` must be signed with the identity secret and unexpired.
    """
    from assistant.identity.tokens import TokenError, read_token

    if body.user_id is not None and body.token is not None:
        raise ApiError(422, "invalid_request", "give user_id or token, not both")
    settings = shop.services.settings
    if body.token is not None:
        if not settings.identity_secret:
            raise ApiError(403, "tokens_off", "shopper tokens need SHOPASSIST_IDENTITY_SECRET")
        try:
            user_id = read_token(body.token, settings.identity_secret)
        except TokenError as err:
            raise ApiError(401, "invalid_token", str(err)) from err
    elif body.user_id is not None:
        if not shop.api_key:
            raise ApiError(
                403,
                "vouching_off",
                "opening a session for a user id needs SHOPASSIST_API_KEY (the storefront's "
                "server sends it)",
            )
        user_id = body.user_id
    else:
        return None
    if shop.engine.store.user(user_id) is None:
        raise ApiError(404, "user_not_found", f"no shopper {user_id!r} in the store")
    return user_id


def caller(request: Request) -> str:
    """A digest of who is calling: the credential sent (API key or bearer token), else the
    client's address. Sessions are bound to the caller that opened them."""
    sent = request.headers.get("x-api-key") or request.headers.get("authorization")
    who = f"key:{sent}" if sent else f"addr:{request.client.host if request.client else '-'}"
    return hashlib.sha256(who.encode("utf-8")).hexdigest()


def limit_rate(request: Request) -> None:
    """Count the request against its caller's rate limit; 429 with Retry-After past it."""
    wait = state(request).rate_limit.retry_after(caller(request))
    if wait is not None:
        raise ApiError(
            429,
            "rate_limited",
            f"too many requests from this client; try again in {wait} s",
            headers={"Retry-After": str(wait)},
        )


def owned_by_caller(request: Request, session_id: str) -> bool:
    """Whether the caller may use the session: it opened it, or it is bound to nobody."""
    owner = state(request).engine.store.session_owner(session_id)
    return owner is None or hmac.compare_digest(owner, caller(request))


def existing_session(request: Request, session_id: str) -> str:
    """The session id, or 404 when no such session exists or another caller opened it (the
    same answer, so a session of someone else's cannot be told from none)."""
    store = state(request).engine.store
    if store.load_session(session_id) is None or not owned_by_caller(request, session_id):
        raise ApiError(404, "session_not_found", f"no session {session_id}; create one first")
    return session_id
