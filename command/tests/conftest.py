from cases.tests.test_browser import browser, emptied_timeline  # noqa: F401  (shared fixtures)
from command.tests.month import month  # noqa: F401  (the hand-counted November)
