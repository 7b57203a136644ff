"""Files that only some people may read (recordings, slides) live outside MEDIA_ROOT's public
URL space: they are served by views that check permission and sign expiring links."""

from django.core.files.storage import storages


def private_storage():
    return storages["private"]
