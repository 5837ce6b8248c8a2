from __future__ import annotations

from envlint.cli import main

raise SystemExit(main())
