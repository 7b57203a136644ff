"""The countries people come from and programmes are held for, each with its time zone."""
