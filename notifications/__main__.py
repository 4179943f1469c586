"""`python -m notifications …` (notifications.cli)."""
from notifications.cli import main

if __name__ == "__main__":
    raise SystemExit(main())
