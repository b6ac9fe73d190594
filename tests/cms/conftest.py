from tests.talent.conftest import bases, students  # noqa: F401 - shared fixtures
