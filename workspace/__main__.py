from workspace.cli import main

raise SystemExit(main())
