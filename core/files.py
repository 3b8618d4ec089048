"""Uploaded documents: only PDFs that parse (and, for portfolios, slide decks by their layout) are accepted."""

import zipfile

from django.core.exceptions import ValidationError
from pypdf import PdfReader
from pypdf.errors import PdfReadError

MAX_PDF_BYTES = 50 * 1024 * 1024


def validate_pdf(uploaded) -> None:
    size = getattr(uploaded, "size", 0) or 0
    if size > MAX_PDF_BYTES:
        raise ValidationError("PDF documents are limited to 50 MB.")
    try:
        uploaded.seek(0)
        head = uploaded.read(5)
        uploaded.seek(0)
        if head != b"%PDF-":
            raise ValidationError("This file is not a PDF document.")
        reader = PdfReader(uploaded)
        if len(reader.pages) < 1:
            raise ValidationError("This PDF has no pages.")
    except ValidationError:
        raise
    except (PdfReadError, OSError, ValueError, KeyError, TypeError):
        raise ValidationError("This PDF could not be read; please export it again and re-upload.") from None
    finally:
        try:
            uploaded.seek(0)
        except (AttributeError, OSError, ValueError):
            pass


# --- #16.9: a learner's own portfolio file: a PDF or a slide deck, judged by its content ----------

ODP_MIMETYPE = b"application/vnd.oasis.opendocument.presentation"
# Deck types by what their zip holds (PowerPoint's OOXML part, OpenDocument's mimetype member).
DECK_EXTENSIONS = {"pptx": "PowerPoint", "odp": "OpenDocument"}
# A deck is stored, never unpacked here; this only refuses a zip that claims absurd contents.
MAX_DECK_UNPACKED_BYTES = 500 * 1024 * 1024
PORTFOLIO_FILE_HELP = "A PDF, or a slide deck saved as PowerPoint (.pptx) or OpenDocument (.odp)"


def _deck_kind(uploaded) -> str:
    """"pptx" or "odp" when the upload is such a deck (by its zip contents, not its name), else ""."""
    try:
        uploaded.seek(0)
        with zipfile.ZipFile(uploaded) as deck:
            names = set(deck.namelist())
            if sum(info.file_size for info in deck.infolist()) > MAX_DECK_UNPACKED_BYTES:
                return ""
            if "[Content_Types].xml" in names and "ppt/presentation.xml" in names:
                return "pptx"
            if "mimetype" in names and "content.xml" in names and deck.read("mimetype").strip() == ODP_MIMETYPE:
                return "odp"
    except (zipfile.BadZipFile, OSError, ValueError, KeyError, EOFError):
        return ""
    finally:
        uploaded.seek(0)
    return ""


def validate_portfolio_file(uploaded, max_bytes: int) -> str:
    """Check a learner's own portfolio file; returns the extension it is stored under (pdf, pptx, odp).

    The type comes from the content: a PDF that parses (validate_pdf), or a zip laid out as a
    PowerPoint or OpenDocument presentation. Anything else, or anything over `max_bytes`, is refused
    with a message that says what to do."""
    size = getattr(uploaded, "size", 0) or 0
    if size > max_bytes:
        raise ValidationError(
            f"This file is {size / (1024 * 1024):.1f} MB; the limit is {max_bytes // (1024 * 1024)} MB. "
            "Please export a smaller version (for example with compressed images) and upload that."
        )
    uploaded.seek(0)
    head = uploaded.read(5)
    uploaded.seek(0)
    if head == b"%PDF-":
        validate_pdf(uploaded)
        return "pdf"
    kind = _deck_kind(uploaded)
    if not kind:
        raise ValidationError(
            "We could not read this file as a PDF or a slide deck. Please upload a PDF, or a presentation "
            "saved as PowerPoint (.pptx) or OpenDocument (.odp)."
        )
    return kind
