"""Checks an S3 server for what the upload and playback paths rely on, with boto3 only.

    eval "$(deploy/engines/s3.sh env)" && .venv/bin/python deploy/engines/s3_check.py

Multipart upload through presigned UploadPart URLs sent with Content-MD5 (a wrong MD5 must be
refused), ListParts, CompleteMultipartUpload, a presigned GET, and a presigned URL's expiry
(ExpiresIn=1, refused after 2 s). Prints one line per check and exits non-zero on a failure.
Touches only keys under s3-check/ in S3_BUCKET. Does not use the project's storage code."""

from __future__ import annotations

import base64
import hashlib
import os
import sys
import time
import urllib.error
import urllib.request
import uuid

import boto3
from botocore.config import Config

PART = 5 * 1024 * 1024  # S3's smallest part but the last


def http(method: str, url: str, data: bytes | None = None, headers: dict[str, str] | None = None):
    request = urllib.request.Request(url, data=data, method=method, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


def md5_b64(data: bytes) -> str:
    return base64.b64encode(hashlib.md5(data).digest()).decode()


def main() -> int:
    env = os.environ
    s3 = boto3.client(
        "s3", endpoint_url=env["S3_ENDPOINT_URL"], region_name=env.get("S3_REGION", "us-east-1"),
        aws_access_key_id=env["S3_ACCESS_KEY_ID"], aws_secret_access_key=env["S3_SECRET_ACCESS_KEY"],
        config=Config(signature_version="s3v4", s3={"addressing_style": "path"}),
    )
    bucket, key = env["S3_BUCKET"], f"s3-check/{uuid.uuid4().hex}.bin"
    failures = 0

    def check(name: str, ok: bool, detail: str = "") -> None:
        nonlocal failures
        failures += not ok
        print(f"{'ok  ' if ok else 'FAIL'} {name}{': ' + detail if detail else ''}")

    parts_data = [os.urandom(PART), os.urandom(1024 * 1024)]
    upload_id = s3.create_multipart_upload(Bucket=bucket, Key=key, ContentType="application/octet-stream")["UploadId"]
    etags = []
    for number, data in enumerate(parts_data, start=1):
        url = s3.generate_presigned_url(
            "upload_part", ExpiresIn=600,
            Params={"Bucket": bucket, "Key": key, "UploadId": upload_id, "PartNumber": number,
                    "ContentMD5": md5_b64(data)})
        if number == 1:
            status, _, body = http("PUT", url, data, {"Content-MD5": md5_b64(b"not the part")})
            check("presigned UploadPart sent with another Content-MD5 than signed is refused", status >= 400,
                  f"HTTP {status} {body[:120]!r}")
            corrupted = bytes([data[0] ^ 1]) + data[1:]
            status, _, body = http("PUT", url, corrupted, {"Content-MD5": md5_b64(data)})
            check("presigned UploadPart whose body does not match its Content-MD5 is refused (BadDigest)",
                  status == 400 and b"BadDigest" in body, f"HTTP {status} {body[:120]!r}")
        status, headers, body = http("PUT", url, data, {"Content-MD5": md5_b64(data)})
        etag = {k.lower(): v for k, v in headers.items()}.get("etag", "")
        check(f"presigned UploadPart {number} with Content-MD5", status == 200 and bool(etag),
              f"HTTP {status} ETag {etag} {body[:120]!r}")
        etags.append(etag)

    listed = s3.list_parts(Bucket=bucket, Key=key, UploadId=upload_id).get("Parts", [])
    check("ListParts lists both parts with their sizes and ETags",
          [(p["PartNumber"], p["Size"], p["ETag"]) for p in listed]
          == [(n, len(d), e) for n, (d, e) in enumerate(zip(parts_data, etags), start=1)],
          str([(p["PartNumber"], p["Size"], p["ETag"]) for p in listed]))

    s3.complete_multipart_upload(Bucket=bucket, Key=key, UploadId=upload_id, MultipartUpload={
        "Parts": [{"PartNumber": n, "ETag": e} for n, e in enumerate(etags, start=1)]})
    head = s3.head_object(Bucket=bucket, Key=key)
    whole = b"".join(parts_data)
    check("CompleteMultipartUpload gives the whole object", head["ContentLength"] == len(whole),
          f"{head['ContentLength']} bytes, ETag {head['ETag']}")

    url = s3.generate_presigned_url("get_object", Params={"Bucket": bucket, "Key": key}, ExpiresIn=600)
    status, _, body = http("GET", url)
    check("presigned GET returns the bytes", status == 200 and body == whole, f"HTTP {status}, {len(body)} bytes")
    status, _, body = http("GET", url, headers={"Range": "bytes=0-99"})
    check("presigned GET with Range", status == 206 and body == whole[:100], f"HTTP {status}, {len(body)} bytes")

    short = s3.generate_presigned_url("get_object", Params={"Bucket": bucket, "Key": key}, ExpiresIn=1)
    time.sleep(2.5)
    status, _, body = http("GET", short)
    check("presigned GET with ExpiresIn=1 is refused after 2 s", status == 403, f"HTTP {status} {body[:160]!r}")

    s3.delete_object(Bucket=bucket, Key=key)
    print(f"{failures} failed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
