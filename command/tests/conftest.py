from command.tests.month import month  # noqa: F401  (the hand-counted November)
