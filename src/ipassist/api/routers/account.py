"""Who the API takes the caller to be: useful to check a new token."""

from __future__ import annotations

from typing import Literal

from ninja import Field, Router, Schema

from ipassist.api.errors import READ_ERRORS

router = Router(tags=["Account"])


class MeOut(Schema):
    email: str
    full_name: str
    via: Literal["token", "session"] = Field(description="How the call was authenticated.")
    token: str | None = Field(description="The prefix of the token used, if any.")
    can_write: bool = Field(description="Whether write operations are open to this call.")


@router.get("/me", response={200: MeOut, **READ_ERRORS})
def me(request):
    """The person a token or session belongs to."""
    caller = request.auth
    return {
        "email": caller.user.email,
        "full_name": caller.user.full_name,
        "via": caller.via,
        "token": caller.token.prefix if caller.token is not None else None,
        "can_write": caller.can_write,
    }
