"""The personal data of access tokens (see `capacita.shared.personal_data`): a person's
tokens go with them when they are anonymised."""

from capacita.shared.personal_data import DELETE_ROW, Export, PersonalData

from .models import AccessToken

DECLARATIONS = (
    PersonalData(
        AccessToken,
        person="user",
        personal={
            # A token acts for its owner: with them, it goes.
            "name": DELETE_ROW,
            "prefix": DELETE_ROW,
            "digest": DELETE_ROW,
        },
        not_personal=("created_at", "expires_at", "last_used_at", "revoked_at"),
        export=Export(
            "access_tokens",
            {
                "name": "name",
                "prefix": "prefix",
                "created_at": "created_at",
                "expires_at": "expires_at",
                "last_used_at": "last_used_at",
                "revoked_at": "revoked_at",
            },
        ),
    ),
)
