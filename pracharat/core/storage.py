"""Where uploaded personal files live: a private root outside ``MEDIA_ROOT``, with no URL.

Fault-report photos and transfer slips show faces, names, account numbers and places, so
they are kept under ``STORAGES["private"]`` (``var/private`` unless configured) and reach a
browser only through views that check who asks (``private_file_response``); the public
``/media/`` route never sees that root. Names are random (:func:`random_name`): nothing in a
path says which point, order or person a file belongs to.
"""

from __future__ import annotations

import secrets
from functools import partial
from pathlib import Path

from django.core.files.storage import FileSystemStorage, storages
from django.core.signals import setting_changed
from django.db import transaction
from django.dispatch import receiver
from django.http import FileResponse
from django.utils.functional import LazyObject, empty

PRIVATE_STORAGE_ALIAS = "private"


class PrivateFileSystemStorage(FileSystemStorage):
    """A file system storage whose files have no URL (and are readable by the owner only)."""

    def __init__(self, location=None, **kwargs):
        if location is None:
            raise ValueError("STORAGES['private'] needs OPTIONS['location'] outside MEDIA_ROOT")
        kwargs.setdefault("file_permissions_mode", 0o600)
        kwargs.setdefault("directory_permissions_mode", 0o700)
        super().__init__(location=location, base_url=None, **kwargs)

    def url(self, name):
        raise ValueError(
            "Private files have no URL; link to the view that checks who may see them."
        )


class _PrivateStorage(LazyObject):
    """``storages["private"]``, looked up on first use and again after a settings change
    (tests point it at a temporary directory), like Django's ``default_storage``."""

    def _setup(self):
        self._wrapped = storages[PRIVATE_STORAGE_ALIAS]


private_storage = _PrivateStorage()


def get_private_storage():
    """The private storage, for ``FileField(storage=...)`` (a callable, so migrations name
    this function rather than a path on one machine)."""
    return private_storage


@receiver(setting_changed)
def _reset_private_storage(*, setting, **kwargs):
    if setting == "STORAGES":
        private_storage._wrapped = empty


def random_name(folder: str, extension: str = "jpg") -> str:
    """``<folder>/<32 random URL-safe characters>.<extension>``: 192 bits, unguessable."""
    return f"{folder}/{secrets.token_urlsafe(24)}.{extension}"


def private_file_response(field_file, content_type: str = "image/jpeg") -> FileResponse:
    """A private file for the one person allowed to see it: never cached by a shared cache,
    never sniffed as another type, shown inline. The caller has checked who asks."""
    response = FileResponse(field_file.open("rb"), content_type=content_type)
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Disposition"] = "inline"
    return response


def relocate(model, field: str, source, target, folder: str) -> int:
    """Move every file of ``model.<field>`` from storage ``source`` to ``target`` under a
    new random name in ``folder``; the data migrations that made photos and slips private
    call it (both ways). Each file is copied and its row updated; the originals are deleted
    only once the transaction commits, so a failed migration leaves rows and files as they
    were. Rows whose file is missing from ``source`` are left alone. Returns the count."""
    moved = 0
    rows = model.objects.exclude(**{field: ""}).values_list("pk", field)
    for pk, name in rows.iterator():
        if not source.exists(name):
            continue
        with source.open(name, "rb") as original:
            new_name = target.save(random_name(folder), original)
        model.objects.filter(pk=pk).update(**{field: new_name})
        transaction.on_commit(partial(source.delete, name))
        moved += 1
    transaction.on_commit(partial(_prune_empty_folders, source, folder))
    return moved


def _prune_empty_folders(storage, folder: str) -> None:
    """Remove the folders a move left empty (``network/faults/2025/01/``, ...)."""
    try:
        root = Path(storage.path(folder))
    except NotImplementedError:  # not a file system storage
        return
    if not root.is_dir():
        return
    for path in sorted(root.rglob("*"), key=lambda p: len(p.parts), reverse=True):
        if path.is_dir() and not any(path.iterdir()):
            path.rmdir()
