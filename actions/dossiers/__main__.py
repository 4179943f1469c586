"""`python -m actions.dossiers …` (guarded: the action server imports every module of `actions`)."""
from actions.dossiers.cli import main

if __name__ == "__main__":
    raise SystemExit(main())
