"""Uploaded files: type checked by content, size-limited, stored under their SHA-256.

Files are immutable once stored (the name is the hash of the bytes), so the same
evidence uploaded twice is kept once, and a changed file is detectable.
"""

import codecs
import hashlib
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

from flask import current_app, send_file
from flask_babel import gettext as _
from itsdangerous import BadSignature, URLSafeTimedSerializer
from werkzeug.datastructures import FileStorage

from .errors import InvalidInput

IMAGES = frozenset({"image/jpeg", "image/png", "image/gif", "image/webp"})
PDF = frozenset({"application/pdf"})
EVIDENCE = IMAGES | PDF
OFFICE = frozenset({"application/zip-office"})  # docx, xlsx, pptx (zip containers)
DOCUMENTS = EVIDENCE | OFFICE | frozenset({"text/plain"})

EXTENSIONS = {"image/jpeg": ".jpg", "image/png": ".png", "image/gif": ".gif",
              "image/webp": ".webp", "application/pdf": ".pdf",
              "application/zip-office": "", "text/plain": ".txt"}


def sniff(head: bytes) -> str | None:
    """The type of a file judged by its first bytes, never by its name."""
    if head.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if head[:6] in (b"GIF87a", b"GIF89a"):
        return "image/gif"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp"
    if head.startswith(b"%PDF-"):
        return "application/pdf"
    if head.startswith(b"PK\x03\x04") and (b"[Content_Types].xml" in head or b"word/" in head
                                           or b"xl/" in head or b"ppt/" in head):
        return "application/zip-office"
    if head and b"\x00" not in head:
        try:
            # The head is cut at a byte count, often inside a character: an incomplete
            # sequence at the very end is fine, invalid bytes anywhere are not.
            codecs.getincrementaldecoder("utf-8")().decode(head, final=False)
            return "text/plain"
        except UnicodeDecodeError:
            return None
    return None


@dataclass(frozen=True)
class StoredFile:
    """What is kept about an upload: its hash, size, type and the name it came with."""

    sha256: str
    size: int
    mime: str
    filename: str


def _root() -> Path:
    return Path(current_app.config["UPLOAD_FOLDER"])


def path_for(sha256: str) -> Path:
    """Where the bytes of a stored file live."""
    if len(sha256) != 64 or any(c not in "0123456789abcdef" for c in sha256):
        raise ValueError("not a sha256 hex digest")
    return _root() / sha256[:2] / sha256


def store(upload: FileStorage | None, *, allowed: frozenset[str], field: str = "file",
          max_bytes: int | None = None) -> StoredFile:
    """Check and keep an upload; InvalidInput (with the field) if it is missing, too big or of
    the wrong type."""
    limit = max_bytes or current_app.config["MAX_UPLOAD_BYTES"]
    if upload is None or not upload.filename:
        raise InvalidInput({field: _("Choose a file.")})
    digest, size = hashlib.sha256(), 0
    _root().mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(dir=_root(), prefix=".upload-")
    try:
        with os.fdopen(fd, "wb") as out:
            head = b""
            while chunk := upload.stream.read(64 * 1024):
                if len(head) < 2048:
                    head += chunk[: 2048 - len(head)]
                size += len(chunk)
                if size > limit:
                    raise InvalidInput({field: _("The file is larger than %(mb)s MB.",
                                                 mb=f"{limit / 1024 / 1024:.0f}")})
                digest.update(chunk)
                out.write(chunk)
        if size == 0:
            raise InvalidInput({field: _("The file is empty.")})
        mime = sniff(head)
        if mime not in allowed:
            raise InvalidInput({field: _("This kind of file is not accepted here. "
                                         "Accepted: %(kinds)s.", kinds=describe(allowed))})
        sha = digest.hexdigest()
        final = path_for(sha)
        final.parent.mkdir(parents=True, exist_ok=True)
        if final.exists():
            os.unlink(tmp_name)
        else:
            os.replace(tmp_name, final)
            final.chmod(0o444)
        name = os.path.basename(upload.filename.replace("\\", "/"))[:200] or "file"
        return StoredFile(sha, size, mime, name)
    except BaseException:
        if os.path.exists(tmp_name):
            os.unlink(tmp_name)
        raise


# A file kept across a form's failed submission stays claimable this long.
KEEP_SECONDS = 24 * 3600


def _keeper() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="portal.kept-upload")


def keep_token(stored: StoredFile, owner_id: int) -> str:
    """A signed claim on a stored file for the person who uploaded it, so a form shown again
    after an error keeps the file without the browser sending it twice."""
    return _keeper().dumps([owner_id, stored.sha256, stored.size, stored.mime, stored.filename])


def kept_file(token: str, owner_id: int) -> StoredFile | None:
    """The file a keep_token names, if it is this person's, unexpired and still on disk."""
    try:
        owner, sha, size, mime, name = _keeper().loads(str(token), max_age=KEEP_SECONDS)
    except (BadSignature, ValueError, TypeError):
        return None
    if owner != owner_id or not path_for(sha).exists():
        return None
    return StoredFile(sha, size, mime, name)


def describe(kinds: frozenset[str]) -> str:
    """A readable list of accepted kinds."""
    names = {"image/jpeg": "JPEG", "image/png": "PNG", "image/gif": "GIF", "image/webp": "WebP",
             "application/pdf": "PDF", "application/zip-office": "Word/Excel/PowerPoint",
             "text/plain": _("text")}
    return ", ".join(sorted(names[k] for k in kinds))


def send_stored(stored_sha256: str, mime: str, filename: str, *, inline: bool = True):
    """Serve a stored file (the caller has already asked the access policy)."""
    path = path_for(stored_sha256)
    if not path.exists():
        from .errors import NotFound

        raise NotFound()
    served_mime = "application/octet-stream" if mime == "application/zip-office" else mime
    return send_file(path, mimetype=served_mime, as_attachment=not inline or mime not in EVIDENCE,
                     download_name=filename, max_age=0, conditional=True)
