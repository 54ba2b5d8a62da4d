from tests.backend.licensing.conftest import documentary  # noqa: F401  (a licensing event to deliver)
