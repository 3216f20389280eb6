"""Browser tests. A package so that the package-scoped server and browser (conftest.py) are torn down
right after the last browser test: a live Playwright sync session blocks asyncio.run() in later tests."""
