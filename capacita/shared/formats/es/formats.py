"""Spanish dates: "martes 26 de octubre de 2021, 15:00" (capacita/shared/formats/__init__.py)."""

DATE_FORMAT = r"l j \d\e F \d\e Y"
TIME_FORMAT = "H:i"
DATETIME_FORMAT = r"l j \d\e F \d\e Y, H:i"
YEAR_MONTH_FORMAT = r"F \d\e Y"
MONTH_DAY_FORMAT = r"j \d\e F"
SHORT_DATE_FORMAT = DATE_FORMAT
SHORT_DATETIME_FORMAT = DATETIME_FORMAT
