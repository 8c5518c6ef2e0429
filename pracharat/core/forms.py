"""Form pieces every app shares."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from pracharat.core.lib import images

PICTURE_TYPES = "image/jpeg,image/png,image/webp"


def _mb(limit_bytes: int) -> str:
    return f"{limit_bytes / 1_048_576:g}"


def _megapixels(limit_pixels: int) -> str:
    return f"{limit_pixels / 1_000_000:g}"


class PictureField(forms.FileField):
    """A picture upload through the one guarded loader (``core.lib.images``): byte size,
    format and pixel count are checked from the header before any pixel is decoded; the
    cleaned value is an :class:`images.Picture` (a fresh JPEG without metadata).

    Deliberately not ``forms.ImageField``: that one opens and ``verify()``s every upload
    with Pillow in ``to_python``, before any check of ours could run."""

    default_error_messages = {
        "too_many_bytes": _("The file is larger than %(limit)s MB."),
        "not_a_picture": _("The file is not a JPEG, PNG or WebP picture."),
        "too_many_pixels": _(
            "The picture has more than %(limit)s megapixels; send a smaller photo or a screenshot."
        ),
        "damaged": _("The picture could not be read; it may be damaged or cut short."),
    }
    errors_by_type = (
        (images.TooManyBytes, "too_many_bytes"),
        (images.TooManyPixels, "too_many_pixels"),
        (images.NotAPicture, "not_a_picture"),
        (images.Damaged, "damaged"),
    )

    def __init__(
        self,
        *,
        max_side: int,
        max_bytes: int = images.MAX_BYTES,
        max_pixels: int = images.MAX_PIXELS,
        thumb_side: int | None = None,
        quality: int = images.DEFAULT_QUALITY,
        **kwargs,
    ):
        self.max_side, self.max_bytes, self.max_pixels = max_side, max_bytes, max_pixels
        self.thumb_side, self.quality = thumb_side, quality
        kwargs.setdefault("widget", forms.ClearableFileInput(attrs={"accept": PICTURE_TYPES}))
        super().__init__(**kwargs)

    def to_python(self, data):
        upload = super().to_python(data)  # name and emptiness only; the content is not read
        if upload is None:
            return None
        try:
            return images.load(
                upload,
                max_side=self.max_side,
                max_bytes=self.max_bytes,
                max_pixels=self.max_pixels,
                thumb_side=self.thumb_side,
                quality=self.quality,
            )
        except images.ImageError as exc:
            raise self.validation_error(exc) from exc

    def validation_error(self, exc: images.ImageError) -> forms.ValidationError:
        code = next(code for kind, code in self.errors_by_type if isinstance(exc, kind))
        params = {}
        if isinstance(exc, images.TooManyBytes):
            params = {"limit": _mb(exc.limit)}
        elif isinstance(exc, images.TooManyPixels):
            params = {"limit": _megapixels(exc.limit)}
        return forms.ValidationError(self.error_messages[code], code=code, params=params)
