"""QR codes as inline SVG (no image files, crisp on a projector and a phone)."""

import qrcode
import qrcode.image.svg
from django.utils.safestring import SafeString, mark_safe


def qr_svg(data: str) -> SafeString:
    image = qrcode.make(
        data,
        image_factory=qrcode.image.svg.SvgPathImage,
        error_correction=qrcode.constants.ERROR_CORRECT_M,
        border=2,
    )
    # qrcode escapes the data it draws; the markup is ours, so it is safe to inline.
    return mark_safe(image.to_string(encoding="unicode"))  # noqa: S308
