"""Files that only some people may read (recordings, slides) live outside MEDIA_ROOT's public
URL space: they are served by views that check permission and sign expiring links."""

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.utils.deconstruct import deconstructible


@deconstructible(path="capacita.storage.PrivateStorage")
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


_private = PrivateStorage()


def private_storage():
    return _private
