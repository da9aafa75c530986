"""The text of a PDF, as a reader extracts it."""

import io

from pypdf import PdfReader


def text(data: bytes) -> str:
    assert data[:5] == b"%PDF-"
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)
