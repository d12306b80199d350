"""python -m noteapp."""

from noteapp.launcher import main

raise SystemExit(main())
