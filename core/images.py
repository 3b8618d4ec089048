"""Uploaded images: decode with Pillow, enforce limits, re-encode, strip metadata.

Whatever arrives (a renamed HTML file, an SVG, a decompression bomb, a 40 MB photo)
either becomes a fresh PNG/JPEG that holds only pixels, or a ValidationError whose
message a person understands.
"""

import io
import warnings

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from PIL import Image, ImageOps, UnidentifiedImageError

ACCEPTED_FORMATS = {"JPEG", "PNG", "GIF", "WEBP"}


def _mb(n: int) -> str:
    return f"{n / (1024 * 1024):.0f} MB"


def open_image(uploaded, *, max_bytes: int | None = None, max_pixels: int | None = None) -> Image.Image:
    """Decode an upload fully and return the first frame, upright, or raise ValidationError."""
    max_bytes = max_bytes or settings.MAX_IMAGE_BYTES
    max_pixels = max_pixels or settings.MAX_IMAGE_PIXELS
    size = getattr(uploaded, "size", None)
    if size is not None and size > max_bytes:
        raise ValidationError(
            f"This image is {_mb(size)}; the limit is {_mb(max_bytes)}. Please upload a smaller file.",
            code="too_large",
        )
    try:
        uploaded.seek(0)
    except (AttributeError, OSError):
        pass
    data = uploaded.read()
    if len(data) > max_bytes:
        raise ValidationError(f"The limit for an image is {_mb(max_bytes)}.", code="too_large")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            probe = Image.open(io.BytesIO(data))
            if probe.format not in ACCEPTED_FORMATS:
                raise ValidationError(
                    "Please upload a JPEG, PNG, GIF or WebP image.", code="format"
                )
            width, height = probe.size
            if width * height > max_pixels:
                raise ValidationError(
                    f"This image is {width}×{height} pixels; the limit is "
                    f"{max_pixels / 1_000_000:.0f} megapixels.",
                    code="too_many_pixels",
                )
            probe.verify()
            image = Image.open(io.BytesIO(data))
            image.load()
    except ValidationError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise ValidationError(
            "This image is too large to open safely (over the pixel limit).", code="too_many_pixels"
        ) from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        raise ValidationError(
            "This file is not an image we can read. Please upload a JPEG, PNG, GIF or WebP image.",
            code="invalid",
        ) from None
    return ImageOps.exif_transpose(image)


def reencode(image: Image.Image, *, max_side: int | None = None, fmt: str = "PNG") -> ContentFile:
    """Return a fresh file with pixels only (no EXIF, no text chunks, no ICC quirks)."""
    if image.mode not in ("RGB", "RGBA"):
        image = image.convert("RGBA" if "A" in image.getbands() or image.mode == "P" else "RGB")
    if fmt == "JPEG" and image.mode == "RGBA":
        background = Image.new("RGB", image.size, (255, 255, 255))
        background.paste(image, mask=image.split()[3])
        image = background
    if max_side:
        image = image.copy()
        image.thumbnail((max_side, max_side), Image.Resampling.LANCZOS)
    clean = Image.new(image.mode, image.size)
    clean.paste(image)
    buffer = io.BytesIO()
    if fmt == "JPEG":
        clean.save(buffer, "JPEG", quality=85, optimize=True)
    else:
        clean.save(buffer, "PNG", optimize=True)
    ext = "jpg" if fmt == "JPEG" else "png"
    return ContentFile(buffer.getvalue(), name=f"image.{ext}")


def clean_uploaded_image(uploaded, *, max_side: int = 2000, fmt: str = "PNG") -> ContentFile:
    """Validate and re-encode an upload in one step (forms call this in clean_<field>)."""
    return reencode(open_image(uploaded), max_side=max_side, fmt=fmt)


def square_thumbnail(image: Image.Image, side: int, fmt: str = "PNG") -> ContentFile:
    fitted = ImageOps.fit(image.convert("RGBA"), (side, side), Image.Resampling.LANCZOS)
    return reencode(fitted, fmt=fmt)
