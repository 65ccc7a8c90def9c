"""``python -m respgate_lint`` is ``respgate``."""

from respgate_lint.cli import main

if __name__ == "__main__":
    main()
