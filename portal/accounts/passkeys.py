"""Passkeys (WebAuthn) as the second step of signing in, with the `webauthn` library.

A passkey is bound to this site by the browser, so a look-alike page cannot relay it: the
phishing-resistant alternative to typing a code. Passkeys are added once two-factor
sign-in (TOTP, with its recovery codes) is on, and go with it: removing two-factor
sign-in or an admin's reset removes them too. They are not a passwordless sign-in.

The challenge of each ceremony lives in the (signed) session for two minutes and is used
once. The relying party is this site's host (`WEBAUTHN_RP_ID` and `WEBAUTHN_ORIGIN`
override it behind a proxy).
"""

import json
import time

from flask import current_app, request, session
from flask_babel import gettext as _
from sqlalchemy import select, update
from webauthn import (
    base64url_to_bytes,
    generate_authentication_options,
    generate_registration_options,
    options_to_json,
    verify_authentication_response,
    verify_registration_response,
)
from webauthn.helpers import bytes_to_base64url
from webauthn.helpers.exceptions import WebAuthnException
from webauthn.helpers.structs import (
    AuthenticatorSelectionCriteria,
    PublicKeyCredentialDescriptor,
    ResidentKeyRequirement,
    UserVerificationRequirement,
)

from ..audit.services import record
from ..errors import Conflict, InvalidInput, NotFound
from ..extensions import db
from ..models import utcnow
from .models import Passkey, User

CHALLENGE_SECONDS = 120
RP_NAME = "Alliance portal"


def _rp_id() -> str:
    return current_app.config.get("WEBAUTHN_RP_ID") or request.host.split(":")[0]


def _origin() -> str:
    return current_app.config.get("WEBAUTHN_ORIGIN") or request.host_url.rstrip("/")


def passkeys_of(user: User) -> list[Passkey]:
    """The person's passkeys, oldest first."""
    return list(db.session.scalars(select(Passkey).where(Passkey.user_id == user.id)
                                   .order_by(Passkey.id)))


def _remember_challenge(kind: str, challenge: bytes) -> None:
    session[f"webauthn_{kind}"] = {"challenge": bytes_to_base64url(challenge), "at": int(time.time())}


def _take_challenge(kind: str) -> bytes | None:
    pending = session.pop(f"webauthn_{kind}", None)
    if not isinstance(pending, dict) or time.time() - pending.get("at", 0) > CHALLENGE_SECONDS:
        return None
    return base64url_to_bytes(pending["challenge"])


def registration_options(user: User) -> str:
    """The options for navigator.credentials.create(), as JSON."""
    from .twofactor import is_enabled

    if not is_enabled(user):
        raise Conflict(_("Turn on two-factor sign-in with an authenticator app first."),
                       code="two_factor_not_enabled")
    options = generate_registration_options(
        rp_id=_rp_id(), rp_name=RP_NAME, user_name=user.email, user_display_name=user.name,
        user_id=f"user:{user.id}".encode(),
        authenticator_selection=AuthenticatorSelectionCriteria(
            resident_key=ResidentKeyRequirement.PREFERRED,
            user_verification=UserVerificationRequirement.PREFERRED),
        exclude_credentials=[PublicKeyCredentialDescriptor(id=base64url_to_bytes(p.credential_id))
                             for p in passkeys_of(user)])
    _remember_challenge("register", options.challenge)
    return options_to_json(options)


def register(user: User, credential: object, name: str) -> Passkey:
    """Keep the credential the browser made from our options (422 if it does not verify)."""
    name = (name or "").strip()[:80] or _("Passkey")
    challenge = _take_challenge("register")
    if challenge is None:
        raise InvalidInput({"credential": _("The request expired. Please try again.")})
    try:
        verified = verify_registration_response(
            credential=credential if isinstance(credential, (str, dict)) else json.dumps(credential),
            expected_challenge=challenge, expected_rp_id=_rp_id(), expected_origin=_origin())
    except (WebAuthnException, ValueError, KeyError, TypeError) as e:
        current_app.logger.info("passkey registration refused: %s", e)
        raise InvalidInput({"credential": _("The passkey could not be verified.")}) from None
    key = Passkey(user_id=user.id, credential_id=bytes_to_base64url(verified.credential_id),
                  public_key=verified.credential_public_key, sign_count=verified.sign_count,
                  name=name)
    db.session.add(key)
    db.session.flush()
    record(user, "passkey.add", user, f"Passkey {name!r} added")
    db.session.commit()
    return key


def authentication_options(user: User) -> str:
    """The options for navigator.credentials.get() for the person signing in, as JSON."""
    keys = passkeys_of(user)
    if not keys:
        raise NotFound()
    options = generate_authentication_options(
        rp_id=_rp_id(), user_verification=UserVerificationRequirement.PREFERRED,
        allow_credentials=[PublicKeyCredentialDescriptor(id=base64url_to_bytes(p.credential_id))
                           for p in keys])
    _remember_challenge("authenticate", options.challenge)
    return options_to_json(options)


def verify(user: User, credential: object) -> bool:
    """Whether the browser's assertion proves one of the person's passkeys (commits).

    Failures count with wrong codes (TWO_FACTOR_RATE_LIMIT) and are audited.
    """
    from .twofactor import _failure, _throttle_check

    _throttle_check(user)
    challenge = _take_challenge("authenticate")
    raw_id = credential.get("id") if isinstance(credential, dict) else None
    key = db.session.scalar(select(Passkey).where(Passkey.user_id == user.id,
                                                  Passkey.credential_id == raw_id)) \
        if isinstance(raw_id, str) else None
    if challenge is None or key is None:
        _failure(user, "passkey")
        return False
    try:
        verified = verify_authentication_response(
            credential=credential, expected_challenge=challenge, expected_rp_id=_rp_id(),
            expected_origin=_origin(), credential_public_key=key.public_key,
            credential_current_sign_count=key.sign_count)
    except (WebAuthnException, ValueError, KeyError, TypeError) as e:
        current_app.logger.info("passkey assertion refused: %s", e)
        _failure(user, "passkey")
        return False
    # A counter that does not move on (authenticators that count) means a cloned key.
    moved = db.session.execute(update(Passkey).where(
        Passkey.id == key.id, Passkey.sign_count == key.sign_count)
        .values(sign_count=verified.new_sign_count, last_used_at=utcnow()))
    if moved.rowcount != 1:
        db.session.rollback()
        _failure(user, "passkey")
        return False
    record(user, "passkey.used", user, f"Signed in with passkey {key.name!r}")
    db.session.commit()
    return True


def remove(user: User, passkey_id: int) -> None:
    """Remove one of the person's own passkeys (404 for anyone else's)."""
    key = db.session.get(Passkey, passkey_id)
    if key is None or key.user_id != user.id:
        raise NotFound()
    db.session.delete(key)
    record(user, "passkey.remove", user, f"Passkey {key.name!r} removed")
    db.session.commit()
