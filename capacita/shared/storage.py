"""Files that only some people may read (recordings, slides, logos, certificates) live outside
MEDIA_ROOT's public URL space: they are served by views that check permission and sign expiring
links.

Where they are kept is the "private" entry of STORAGES: a folder under PRIVATE_MEDIA_ROOT by
default, an S3-compatible bucket when several application servers must share them.
"""

from django.conf import settings
from django.core.files.storage import FileSystemStorage, storages
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.utils.deconstruct import deconstructible
from django.utils.functional import LazyObject, empty


@deconstructible(path="capacita.shared.storage.PrivateStorage")
class PrivateStorage(FileSystemStorage):
    """A file system storage under PRIVATE_MEDIA_ROOT, read at each use (so a changed setting,
    as in tests, takes effect), with no public URL."""

    def __init__(self):
        super().__init__(base_url=None)

    @property
    def base_location(self):
        return settings.PRIVATE_MEDIA_ROOT

    @property
    def location(self):
        return str(self.base_location)

    def url(self, name):
        raise ValueError("private files have no public address; use a signed link")


class _ConfiguredPrivateStorage(LazyObject):
    """`storages["private"]`, looked up on first use rather than when the models are defined:
    a FileField keeps the object its storage callable returned, and that object must follow
    STORAGES when it changes (as Django's own default_storage does)."""

    def _setup(self):
        self._wrapped = storages["private"]


_private = _ConfiguredPrivateStorage()


@receiver(setting_changed)
def _forget_private_storage(*, setting, **kwargs):
    if setting == "STORAGES":
        _private._wrapped = empty


def private_storage():
    """The storage of every private FileField (referred to by this name in the migrations)."""
    return _private
