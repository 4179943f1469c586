"""`python -m dossiers …` (guarded: the action server imports every module of `actions`)."""
from dossiers.cli import main

if __name__ == "__main__":
    raise SystemExit(main())
