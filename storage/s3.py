"""S3 backend through boto3, for any S3 endpoint (AWS S3, MinIO, Ceph RGW, Alibaba OSS, moto)."""

from __future__ import annotations

from pathlib import Path
from typing import BinaryIO, Sequence

import boto3
from boto3.s3.transfer import TransferConfig
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError

from .base import ObjectInfo, Part, Storage, content_disposition, strip_etag
from .errors import InvalidPart, NoSuchKey, NoSuchUpload, StorageError

_MISSING_UPLOAD = {"NoSuchUpload", "404"}
_MISSING_KEY = {"NoSuchKey", "404", "NotFound"}
_BAD_PART = {"InvalidPart", "InvalidPartOrder", "EntityTooSmall"}


class S3Storage(Storage):
    def __init__(
        self,
        bucket: str,
        *,
        endpoint_url: str | None = None,
        region_name: str = "us-east-1",
        access_key: str | None = None,
        secret_key: str | None = None,
        addressing_style: str = "auto",
        public_endpoint_url: str | None = None,
        max_pool_connections: int = 32,
    ) -> None:
        if addressing_style not in ("auto", "path", "virtual"):
            raise ValueError(f"addressing_style must be auto, path or virtual, not {addressing_style!r}")
        self.bucket = bucket
        config = Config(
            signature_version="s3v4",
            s3={"addressing_style": addressing_style},
            retries={"mode": "standard", "max_attempts": 5},
            max_pool_connections=max_pool_connections,
            # botocore >= 1.36 adds CRC checksums to every upload by default; presigned part URLs
            # would then demand a checksum header, and older S3-compatible stores reject them.
            request_checksum_calculation="when_required",
            response_checksum_validation="when_required",
        )
        def make_client(endpoint: str | None):
            return boto3.client("s3", endpoint_url=endpoint, region_name=region_name, aws_access_key_id=access_key,
                                aws_secret_access_key=secret_key, config=config)

        self.client = make_client(endpoint_url)
        # In docker compose the API reaches MinIO as http://minio:9000 while partners reach it under
        # a public name; a presigned URL is only valid for the host it was signed for.
        self.signing_client = make_client(public_endpoint_url) if public_endpoint_url not in (None, endpoint_url) else self.client

    def _create_multipart(self, key: str, content_type: str) -> str:
        response = self._call("create_multipart_upload", Key=key, ContentType=content_type)
        return response["UploadId"]

    def _part_url(self, key: str, upload_id: str, part_number: int, expires_in: int) -> str:
        params = {"Bucket": self.bucket, "Key": key, "UploadId": upload_id, "PartNumber": part_number}
        return self.signing_client.generate_presigned_url("upload_part", Params=params, ExpiresIn=expires_in, HttpMethod="PUT")

    def _list_parts(self, key: str, upload_id: str) -> list[Part]:
        paginator = self.client.get_paginator("list_parts")
        parts: list[Part] = []
        try:
            for page in paginator.paginate(Bucket=self.bucket, Key=key, UploadId=upload_id):
                parts.extend(
                    Part(number=item["PartNumber"], size=item["Size"], etag=strip_etag(item["ETag"]))
                    for item in page.get("Parts", [])
                )
        except ClientError as error:
            raise _translate(error) from error
        return sorted(parts, key=lambda part: part.number)

    def _complete_multipart(self, key: str, upload_id: str, parts: Sequence[Part]) -> ObjectInfo:
        listing = [{"PartNumber": part.number, "ETag": f'"{part.etag}"'} for part in parts]
        self._call(
            "complete_multipart_upload",
            Key=key,
            UploadId=upload_id,
            MultipartUpload={"Parts": listing},
        )
        return self._head(key)

    def _abort_multipart(self, key: str, upload_id: str) -> None:
        try:
            self._call("abort_multipart_upload", Key=key, UploadId=upload_id)
        except NoSuchUpload:
            pass

    def _head(self, key: str) -> ObjectInfo:
        response = self._call("head_object", Key=key)
        return ObjectInfo(
            key=key,
            size=response["ContentLength"],
            etag=strip_etag(response["ETag"]),
            content_type=response.get("ContentType", "application/octet-stream"),
            last_modified=response.get("LastModified"),
        )

    def _open(self, key: str) -> BinaryIO:
        return self._call("get_object", Key=key)["Body"]

    def _download_url(self, key: str, expires_in: int, filename: str) -> str:
        params = {
            "Bucket": self.bucket,
            "Key": key,
            "ResponseContentDisposition": content_disposition(filename),
        }
        return self.signing_client.generate_presigned_url("get_object", Params=params, ExpiresIn=expires_in)

    def _put_file(self, key: str, path: Path, content_type: str) -> ObjectInfo:
        try:
            self.client.upload_file(
                str(path),
                self.bucket,
                key,
                ExtraArgs={"ContentType": content_type},
                Config=TransferConfig(multipart_chunksize=64 * 1024 * 1024),
            )
        except (ClientError, BotoCoreError) as error:
            raise StorageError(str(error)) from error
        return self._head(key)

    def _put_bytes(self, key: str, data: bytes, content_type: str) -> ObjectInfo:
        self._call("put_object", Key=key, Body=data, ContentType=content_type)
        return self._head(key)

    def _delete(self, key: str) -> None:
        self._call("delete_object", Key=key)

    def _ping(self) -> bool:
        try:
            self.client.head_bucket(Bucket=self.bucket)
        except (ClientError, BotoCoreError):
            return False
        return True

    def _call(self, operation: str, **params):
        try:
            return getattr(self.client, operation)(Bucket=self.bucket, **params)
        except ClientError as error:
            raise _translate(error) from error
        except BotoCoreError as error:
            raise StorageError(str(error)) from error


def _translate(error: ClientError) -> StorageError:
    code = str(error.response.get("Error", {}).get("Code", ""))
    message = error.response.get("Error", {}).get("Message") or code
    operation = error.operation_name
    if code in _MISSING_UPLOAD and operation in {"ListParts", "CompleteMultipartUpload", "AbortMultipartUpload"}:
        return NoSuchUpload(message)
    if code in _MISSING_KEY:
        return NoSuchKey(message)
    if code in _BAD_PART:
        return InvalidPart(message)
    return StorageError(f"{operation}: {code} {message}")
