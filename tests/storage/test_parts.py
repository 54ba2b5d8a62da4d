import pytest

from storage.errors import FileTooLarge, InvalidPart
from storage.parts import S3_MAX_PART_SIZE, S3_MAX_PARTS, S3_MIN_PART_SIZE, GiB, MiB, PartPolicy, TiB


def test_small_file_is_one_short_part():
    plan = PartPolicy().plan(1000)
    assert (plan.count, plan.size_of(1)) == (1, 1000)


def test_parts_cover_the_file_exactly():
    plan = PartPolicy(part_size=16 * MiB).plan(100 * MiB + 3)
    assert plan.count == 7
    assert [plan.size_of(n) for n in range(1, 8)] == [16 * MiB] * 6 + [4 * MiB + 3]
    assert sum(plan.size_of(n) for n in range(1, plan.count + 1)) == 100 * MiB + 3
    assert plan.offset_of(7) == 96 * MiB
    with pytest.raises(InvalidPart):
        plan.size_of(8)


def test_part_size_grows_to_stay_within_ten_thousand_parts():
    policy = PartPolicy(part_size=16 * MiB)
    exactly = policy.plan(S3_MAX_PARTS * 16 * MiB)
    assert (exactly.part_size, exactly.count) == (16 * MiB, S3_MAX_PARTS)
    one_more = policy.plan(S3_MAX_PARTS * 16 * MiB + 1)
    assert one_more.part_size == 17 * MiB and one_more.count <= S3_MAX_PARTS
    largest = policy.plan(5 * TiB)  # the S3 object size limit
    assert largest.count <= S3_MAX_PARTS and largest.part_size <= S3_MAX_PART_SIZE
    assert largest.part_size % MiB == 0


def test_two_hundred_gigabyte_master():
    plan = PartPolicy().plan(200 * 1000**3)
    assert plan.count <= S3_MAX_PARTS and S3_MIN_PART_SIZE <= plan.part_size <= 32 * MiB


def test_maximum_file_size_is_configurable():
    policy = PartPolicy(max_file_size=10 * GiB)
    assert policy.plan(10 * GiB).count == 640
    with pytest.raises(FileTooLarge) as error:
        policy.plan(10 * GiB + 1)
    assert error.value.code == "file_too_large"


def test_no_plan_needs_parts_above_five_gibibytes():
    with pytest.raises(FileTooLarge):
        PartPolicy(max_file_size=100 * TiB).plan(S3_MAX_PARTS * S3_MAX_PART_SIZE + 1)


def test_part_size_must_respect_the_s3_minimum_unless_lowered():
    with pytest.raises(ValueError):
        PartPolicy(part_size=1 * MiB)
    assert PartPolicy(part_size=64 * 1024, min_part_size=1024).plan(MiB).count == 16


def test_empty_file_is_refused():
    with pytest.raises(InvalidPart):
        PartPolicy().plan(0)
