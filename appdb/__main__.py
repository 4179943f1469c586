"""`python -m appdb migrate | unanswered | feedback | handoffs | summary` (appdb.reports)."""
from appdb.reports import main

if __name__ == "__main__":
    raise SystemExit(main())
