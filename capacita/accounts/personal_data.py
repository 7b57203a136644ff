"""The personal data of accounts (see `capacita.shared.personal_data`)."""

from django.contrib.auth.hashers import make_password

from capacita.shared.personal_data import (
    BLANK,
    KEEP,
    STAND_IN_EMAIL,
    STAND_IN_FIRST_NAME,
    STAND_IN_LAST_NAME,
    THE_ACCOUNT,
    Export,
    Fixed,
    PersonalData,
)

from .models import PasswordResetRequest, User


def _unusable_password() -> str:
    # What `set_unusable_password` stores: no password can match it.
    return make_password(None)


DECLARATIONS = (
    PersonalData(
        User,
        person=THE_ACCOUNT,
        names=("first_name", "last_name"),
        address="email",
        personal={
            "email": STAND_IN_EMAIL,
            "first_name": STAND_IN_FIRST_NAME,
            "last_name": STAND_IN_LAST_NAME,
            "time_zone": BLANK,
            # An anonymised account can no longer log in, and is sent nothing.
            "wants_reminders": Fixed(False),
            "is_active": Fixed(False),
            "password": Fixed(_unusable_password),
            # Counted by the statistics by country and language.
            "language": KEEP,
            "country": KEEP,
            "date_joined": KEEP,
            "last_login": KEEP,
        },
        not_personal=(
            "is_superuser",
            "is_staff",
            "groups",
            "user_permissions",
            "page_stamp",
        ),
        export=Export(
            "account",
            {
                "email": "email",
                "first_name": "first_name",
                "last_name": "last_name",
                "language": "language",
                "time_zone": "time_zone",
                "country": "country.code",
                "wants_reminders": "wants_reminders",
                "is_active": "is_active",
                "date_joined": "date_joined",
                "last_login": "last_login",
            },
        ),
    ),
    PersonalData(
        PasswordResetRequest,
        # A visitor's network address, linked to no account: kept only for the throttle's
        # window (`capacita.shared.throttles`), so neither exported nor anonymised.
        personal={"address": KEEP},
        not_personal=("at",),
    ),
)
