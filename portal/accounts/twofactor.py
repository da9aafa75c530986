"""Two-factor sign-in: TOTP (RFC 6238, 30 s, 6 digits) and one-time recovery codes.

A code is accepted once: the 30-second step it belongs to is recorded with a conditional
write, so neither a replay nor two requests racing with the same code get in twice.
Recovery codes are kept as SHA-256 hashes (80 random bits each) and used up by a
conditional write too. Wrong codes are counted per account (TWO_FACTOR_RATE_LIMIT) and
audited.
"""

import hashlib
import secrets
import time

import pyotp
import segno
from flask_babel import gettext as _
from sqlalchemy import delete, or_, select, update

from ..audit.services import record
from ..errors import Conflict, InvalidInput
from ..extensions import db
from ..models import utcnow
from ..transaction import atomic
from .models import Passkey, RecoveryCode, TwoFactor, User

ISSUER = "Alliance portal"
RECOVERY_CODES = 10
STEP = 30
_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"  # no 0/o, 1/l/i: read off paper


def _hash(code: str) -> str:
    return hashlib.sha256(_normalise(code).encode()).hexdigest()


def _normalise(code: str) -> str:
    return "".join(ch for ch in (code or "").lower() if ch.isalnum())


def _new_recovery_code() -> str:
    raw = "".join(secrets.choice(_ALPHABET) for _ in range(16))
    return "-".join(raw[i:i + 4] for i in range(0, 16, 4))


def _record_of(user: User) -> TwoFactor | None:
    return db.session.scalar(select(TwoFactor).where(TwoFactor.user_id == user.id))


def is_enabled(user: User) -> bool:
    """Whether the person signs in with a second factor."""
    row = _record_of(user)
    return bool(row and row.confirmed_at)


def pending_secret(user: User) -> str | None:
    """The secret of an enrolment begun but not yet confirmed."""
    row = _record_of(user)
    return row.secret if row is not None and row.confirmed_at is None else None


def remaining_recovery_codes(user: User) -> int:
    """How many unused recovery codes the person has."""
    return len(list(db.session.scalars(select(RecoveryCode.id).where(
        RecoveryCode.user_id == user.id, RecoveryCode.used_at.is_(None)))))


def otpauth_url(user: User, secret: str) -> str:
    """The otpauth:// address an authenticator app reads from the QR code."""
    return pyotp.TOTP(secret).provisioning_uri(name=user.email, issuer_name=ISSUER)


def qr_svg(url: str) -> str:
    """The QR code of `url` as inline SVG, drawn here (no outside service sees the secret)."""
    return segno.make(url, error="m").svg_inline(scale=4, dark="#000", light="#fff")


@atomic
def begin(user: User) -> tuple[str, str, list[str]]:
    """Start enrolment: a new secret and recovery codes, shown once; not on until confirmed."""
    row = _record_of(user)
    if row is not None and row.confirmed_at is not None:
        raise Conflict(_("Two-factor sign-in is already on; remove it first to start again."),
                       code="two_factor_enabled")
    if row is not None:
        db.session.delete(row)
        db.session.flush()
    secret = pyotp.random_base32()
    db.session.add(TwoFactor(user_id=user.id, secret=secret))
    db.session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    codes = [_new_recovery_code() for _ in range(RECOVERY_CODES)]
    for code in codes:
        db.session.add(RecoveryCode(user_id=user.id, code_hash=_hash(code)))
    record(user, "two_factor.begin", user, "Two-factor enrolment started")
    db.session.commit()
    return secret, otpauth_url(user, secret), codes


def _totp_step(row: TwoFactor, code: str) -> int | None:
    """The step (of now ± one) whose code this is, if it is one."""
    code = _normalise(code)
    if len(code) != 6 or not code.isdigit():
        return None
    totp, now = pyotp.TOTP(row.secret), int(time.time()) // STEP
    for step in (now - 1, now, now + 1):
        if secrets.compare_digest(totp.at(step * STEP), code):
            return step
    return None


def _take_step(row: TwoFactor, step: int) -> bool:
    """Record `step` as used unless it (or a later one) already was: no replay."""
    taken = db.session.execute(update(TwoFactor).where(
        TwoFactor.id == row.id, or_(TwoFactor.last_step.is_(None), TwoFactor.last_step < step))
        .values(last_step=step))
    return taken.rowcount == 1


def _throttle_check(user: User) -> None:
    from ..auth.throttle import TooManyAttempts, blocked

    if blocked("otp", str(user.id), "TWO_FACTOR_RATE_LIMIT"):
        record(user, "two_factor.throttled", user, "Second-factor codes refused: too many wrong ones")
        db.session.commit()
        raise TooManyAttempts()


def _failure(user: User, where: str) -> None:
    from ..auth.throttle import failed

    failed("otp", str(user.id), "TWO_FACTOR_RATE_LIMIT")
    record(user, "two_factor.failed", user, f"Wrong second-factor code ({where})")
    db.session.commit()


def confirm(user: User, code: str) -> None:
    """Turn two-factor sign-in on with a first code from the app (422 if it is wrong)."""
    _throttle_check(user)
    row = _record_of(user)
    if row is None:
        raise Conflict(_("Start enrolment first."), code="two_factor_not_started")
    if row.confirmed_at is not None:
        raise Conflict(_("Two-factor sign-in is already on."), code="two_factor_enabled")
    step = _totp_step(row, code or "")
    if step is None or not _take_step(row, step):
        db.session.rollback()
        _failure(user, "enrolment")
        raise InvalidInput({"code": _("This code is not right. Enter the current code from the app.")})
    row.confirmed_at = utcnow()
    record(user, "two_factor.enable", user, "Two-factor sign-in turned on")
    db.session.commit()


def verify(user: User, code: str | None, where: str = "sign-in") -> bool:
    """Whether `code` (a current TOTP code or an unused recovery code) lets `user` in.

    Commits: an accepted code is used up at once. Raises TooManyAttempts (429) once the
    account has had too many wrong codes.
    """
    _throttle_check(user)
    row = _record_of(user)
    if row is None or row.confirmed_at is None:
        return True
    if code and isinstance(code, str) and len(code) <= 40:
        step = _totp_step(row, code)
        if step is not None and _take_step(row, step):
            db.session.commit()
            return True
        if step is None and _use_recovery_code(user, code):
            record(user, "two_factor.recovery_code", user, "Signed in with a recovery code",
                   left=remaining_recovery_codes(user))
            db.session.commit()
            return True
    db.session.rollback()
    _failure(user, where)
    return False


def _use_recovery_code(user: User, code: str) -> bool:
    used = db.session.execute(update(RecoveryCode).where(
        RecoveryCode.user_id == user.id, RecoveryCode.code_hash == _hash(code),
        RecoveryCode.used_at.is_(None)).values(used_at=utcnow()))
    return used.rowcount == 1


def _drop(user: User) -> None:
    # Passkeys are added on top of the authenticator app, and go with it.
    db.session.execute(delete(Passkey).where(Passkey.user_id == user.id))
    db.session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    db.session.execute(delete(TwoFactor).where(TwoFactor.user_id == user.id))


def remove(user: User, code: str) -> None:
    """The person turns two-factor sign-in off, proving it with a current or recovery code."""
    from .access import needs_two_factor

    if needs_two_factor(user):
        raise Conflict(_("Your role needs two-factor sign-in; it cannot be turned off."),
                       code="two_factor_required")
    if not is_enabled(user):
        raise Conflict(_("Two-factor sign-in is not on."), code="two_factor_not_enabled")
    if not verify(user, code, where="removal"):
        raise InvalidInput({"code": _("This code is not right.")})
    _drop(user)
    record(user, "two_factor.remove", user, "Two-factor sign-in turned off")
    db.session.commit()


def admin_reset(actor: User, user: User) -> None:
    """The secretariat clears a person's second factor (a lost phone); their sessions end,
    and they enrol again at the next sign-in if their role needs it."""
    from ..auth.sessions import end_all

    _drop(user)
    record(actor, "two_factor.reset", user, f"Second factor of {user.email} reset by an admin")
    end_all(user, "two_factor_reset", actor=actor, commit=False)
    db.session.commit()
