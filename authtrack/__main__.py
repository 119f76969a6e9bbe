from authtrack.cli import main

raise SystemExit(main())
