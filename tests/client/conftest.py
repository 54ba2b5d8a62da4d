"""The upload CLI against a small protocol server over each store (fixtures shared with tests/storage)."""

from tests.storage.conftest import (  # noqa: F401
    clock,
    fs_storage,
    make_file,
    protocol_server,
    pytest_runtest_makereport,  # REQUIRE_S3=1: a skipped S3 case fails
    s3_server,
    s3_storage,
)
