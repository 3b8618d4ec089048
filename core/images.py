"""Uploaded images: decode with Pillow, enforce limits, re-encode, strip metadata.

Whatever arrives (a renamed HTML file, an SVG, a decompression bomb, a 40 MB photo)
either becomes a fresh PNG/JPEG/WebP that holds only pixels, or a ValidationError whose
message a person understands. A photo stays a photo: `fmt="keep"` writes a JPEG or WebP upload
back as JPEG or WebP (a PNG of a photo is four times its size) and anything else as PNG.

An upload is decoded no bigger than its use needs (`max_side`, the longest side we keep): a
JPEG at a reduced scale (Pillow's `draft`, which decodes at 1/2, 1/4 or 1/8), any format then
shrunk by whole factors (`reduce`) before one fine resampling. MAX_IMAGE_PIXELS bounds what is
decoded, so a photo of any size fits, while a PNG, GIF or WebP, which decode whole, must be within it.
"""

import io
import warnings
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from PIL import Image, ImageOps, UnidentifiedImageError

ACCEPTED_FORMATS = {"JPEG", "PNG", "GIF", "WEBP"}


def _mb(n: int) -> str:
    return f"{n / (1024 * 1024):.0f} MB"


def _fitted(size: tuple[int, int], max_side: int) -> tuple[int, int]:
    """`size` scaled down (never up) so that its longer side is at most max_side."""
    width, height = size
    scale = min(1.0, max_side / max(width, height))
    return max(1, round(width * scale)), max(1, round(height * scale))


def _read(uploaded, max_bytes: int) -> bytes:
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
    return data


def open_image(uploaded, *, max_side: int | None = None, max_bytes: int | None = None, max_pixels: int | None = None) -> Image.Image:
    """The first frame of an upload, decoded as `decode_image` does."""
    return decode_image(uploaded, max_side=max_side, max_bytes=max_bytes, max_pixels=max_pixels)[0]


def decode_image(
    uploaded, *, max_side: int | None = None, max_bytes: int | None = None, max_pixels: int | None = None
) -> tuple[Image.Image, str]:
    """(image, the upload's format) — decode an upload and return its first frame, upright, its longer side at most `max_side`
    (when given), or raise ValidationError.

    1. Refuse a file over MAX_IMAGE_BYTES, or in a format we do not take, or broken (verify).
    2. Ask the JPEG decoder for the smallest scale that still covers max_side (draft); other
       formats decode at their own size.
    3. Refuse what would decode to more than MAX_IMAGE_PIXELS, before decoding it.
    4. Decode, shrink by whole factors and then resample to max_side (thumbnail with a reducing
       gap), and turn it upright from its EXIF orientation.
    """
    max_bytes = max_bytes or settings.MAX_IMAGE_BYTES
    max_pixels = max_pixels or settings.MAX_IMAGE_PIXELS
    data = _read(uploaded, max_bytes)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            probe = Image.open(io.BytesIO(data))
            if probe.format not in ACCEPTED_FORMATS:
                raise ValidationError("Please upload a JPEG, PNG, GIF or WebP image.", code="format")
            source_format = probe.format
            probe.verify()
            image = Image.open(io.BytesIO(data))
            if max_side:
                image.draft(None, _fitted(image.size, max_side))  # a no-op for all but JPEG
            width, height = image.size
            if width * height > max_pixels:
                original_width, original_height = probe.size
                raise ValidationError(
                    f"This image is {original_width}×{original_height} pixels; the limit is "
                    f"{max_pixels / 1_000_000:.0f} megapixels (a JPEG photo may be larger). "
                    "Please make it smaller and upload it again.",
                    code="too_many_pixels",
                )
            image.load()
    except ValidationError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise ValidationError("This image is too large to open safely (over the pixel limit).", code="too_many_pixels") from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        raise ValidationError(
            "This file is not an image we can read. Please upload a JPEG, PNG, GIF or WebP image.",
            code="invalid",
        ) from None
    if max_side:
        if image.mode not in ("RGB", "RGBA"):
            # Palette and 1-bit images would be resized by nearest neighbour; convert them first.
            image = image.convert("RGBA" if "A" in image.getbands() or image.mode == "P" else "RGB")
        # In place: reduce() by the whole factor that stays within twice the target, then LANCZOS.
        image.thumbnail((max_side, max_side), Image.Resampling.LANCZOS, reducing_gap=2.0)
    return ImageOps.exif_transpose(image), source_format


# What `fmt="keep"` writes for each upload format: photos stay lossy, drawings and screenshots PNG.
KEPT_FORMATS = {"JPEG": "JPEG", "WEBP": "WEBP"}
EXTENSIONS = {"JPEG": "jpg", "WEBP": "webp", "PNG": "png"}


def kept_format(source_format: str) -> str:
    return KEPT_FORMATS.get(source_format, "PNG")


def reencode(image: Image.Image, *, max_side: int | None = None, fmt: str = "PNG") -> ContentFile:
    """Return a fresh file with pixels only (no EXIF, no text chunks, no ICC quirks)."""
    if image.mode not in ("RGB", "RGBA"):
        image = image.convert("RGBA" if "A" in image.getbands() or image.mode == "P" else "RGB")
    if fmt == "JPEG" and image.mode == "RGBA":
        background = Image.new("RGB", image.size, (255, 255, 255))
        background.paste(image, mask=image.split()[3])
        image = background
    if max_side and max(image.size) > max_side:
        image = image.copy()
        image.thumbnail((max_side, max_side), Image.Resampling.LANCZOS)
    clean = Image.new(image.mode, image.size)
    clean.paste(image)
    buffer = io.BytesIO()
    if fmt == "JPEG":
        clean.save(buffer, "JPEG", quality=85, optimize=True, progressive=True)
    elif fmt == "WEBP":
        clean.save(buffer, "WEBP", quality=82, method=4)
    else:
        clean.save(buffer, "PNG", optimize=True)
    return ContentFile(buffer.getvalue(), name=f"image.{EXTENSIONS[fmt]}")


def clean_uploaded_image(uploaded, *, max_side: int = 2000, fmt: str = "PNG") -> ContentFile:
    """Validate and re-encode an upload in one step (forms call this in clean_<field>); `fmt="keep"`
    keeps a JPEG or WebP photo in its format (kept_format)."""
    image, source_format = decode_image(uploaded, max_side=max_side)
    return reencode(image, fmt=kept_format(source_format) if fmt == "keep" else fmt)


@dataclass
class SizedImage:
    """An upload re-encoded at its kept size and at a smaller width, for `srcset`."""

    full: ContentFile
    small: ContentFile | None  # None when the image is no wider than the small size
    width: int
    height: int
    small_width: int = 0

    @property
    def ext(self) -> str:
        return self.full.name.rsplit(".", 1)[-1]


def sized_image(uploaded, *, max_side: int, small_width: int) -> SizedImage:
    """Validate an upload and make its two sizes, in the format it came in (kept_format).

    A large phone photo is shrunk (the JPEG decoder's draft, then resampling), never refused for
    its size: only the byte and pixel limits of decode_image apply."""
    image, source_format = decode_image(uploaded, max_side=max_side)
    fmt = kept_format(source_format)
    if image.mode not in ("RGB", "RGBA"):
        image = image.convert("RGBA" if "A" in image.getbands() or image.mode == "P" else "RGB")
    width, height = image.size
    small = None
    narrow = 0
    if width > small_width:
        narrow = small_width
        copy = image.resize((small_width, max(1, round(height * small_width / width))), Image.Resampling.LANCZOS)
        small = reencode(copy, fmt=fmt)
    return SizedImage(full=reencode(image, fmt=fmt), small=small, width=width, height=height, small_width=narrow)


def square_thumbnail(image: Image.Image, side: int, fmt: str = "PNG") -> ContentFile:
    fitted = ImageOps.fit(image.convert("RGBA"), (side, side), Image.Resampling.LANCZOS)
    return reencode(fitted, fmt=fmt)
