"""Uploaded documents: only PDFs that parse are accepted."""

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
