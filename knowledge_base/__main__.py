from knowledge_base.cli import main

raise SystemExit(main())
