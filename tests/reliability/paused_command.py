"""Run a `capacita` command that stops for good at a chosen point, for a test to kill it
there: `python -m tests.reliability.paused_command MARKER TARGET -- COMMAND ARGS...`.

TARGET is "module:function": the function runs, then MARKER is created and the process
sleeps (a generator function: after it has given its first item). Nothing of this touches
the application's code: the function is replaced in this process only.
"""

import importlib
import inspect
import os
import sys
import time
from pathlib import Path


def main() -> None:
    marker, target, separator, *command = sys.argv[1:]
    assert separator == "--", sys.argv
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "capacita.settings")
    import django

    django.setup()
    module_name, name = target.split(":")
    module = importlib.import_module(module_name)
    original = getattr(module, name)

    def pause():
        Path(marker).touch()
        time.sleep(600)

    if inspect.isgeneratorfunction(original):

        def paused(*args, **kwargs):
            for index, item in enumerate(original(*args, **kwargs)):
                yield item
                if index == 0:
                    pause()

    else:

        def paused(*args, **kwargs):
            result = original(*args, **kwargs)
            pause()
            return result

    setattr(module, name, paused)
    from django.core.management import call_command

    call_command(*command)


if __name__ == "__main__":
    main()
