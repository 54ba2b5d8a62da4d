"""``upload FILE --programme ID``: send a master to the exchange library, resumable.

    exchange-upload upload Documentary.mxf --programme 42 --api https://exchange.example --token …
    exchange-upload upload Documentary.mxf --programme 42 --resume     # after a crash or Ctrl-C
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import threading
from typing import Sequence

from tqdm import tqdm

from .api import ApiError, ExchangeApi
from .engine import UploadFailed
from .state import StateStore
from .upload import UploadOptions, upload_file


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if not args.api or not args.token:
        print("error: give --api and --token (or set EXCHANGE_API and EXCHANGE_TOKEN)", file=sys.stderr)
        return 2
    if not os.path.isfile(args.file):
        print(f"error: {args.file} is not a file", file=sys.stderr)
        return 2
    options = UploadOptions(concurrency=args.concurrency, retries=args.retries, resume=args.resume, content_type=args.content_type)
    try:
        result = upload_file(
            ExchangeApi(args.api, args.token),
            args.file,
            args.programme,
            options,
            StateStore(args.state_dir),
            progress=_progress_bar(args.quiet),
        )
    except KeyboardInterrupt:
        print("\ninterrupted: run the same command with --resume to continue", file=sys.stderr)
        return 130
    except (ApiError, UploadFailed, OSError) as error:
        print(f"error: {error}", file=sys.stderr)
        if not args.resume and isinstance(error, UploadFailed):
            print("parts already sent are kept: run the same command with --resume to continue", file=sys.stderr)
        return 1
    print(json.dumps(result, ensure_ascii=False, indent=2))
    return 0


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="exchange-upload", description="Upload masters to the exchange library.")
    commands = parser.add_subparsers(dest="command", required=True)
    upload = commands.add_parser("upload", help="upload a file as a programme's source master")
    upload.add_argument("file")
    upload.add_argument("--programme", required=True, help="programme id")
    upload.add_argument("--api", default=os.environ.get("EXCHANGE_API"), help="API base URL [$EXCHANGE_API]")
    upload.add_argument("--token", default=os.environ.get("EXCHANGE_TOKEN"), help="API token [$EXCHANGE_TOKEN]")
    upload.add_argument("--resume", action="store_true", help="continue the interrupted upload of this file")
    upload.add_argument("--concurrency", type=int, default=4, help="parts sent in parallel (default 4)")
    upload.add_argument("--retries", type=int, default=5, help="attempts per part after the first (default 5)")
    upload.add_argument("--content-type", help="MIME type (default: guessed from the file name)")
    upload.add_argument("--state-dir", help="where resume state is kept (default ~/.cache/exchange/uploads)")
    upload.add_argument("--quiet", action="store_true", help="no progress bar")
    return parser


def _progress_bar(quiet: bool):
    def make(total: int, done: int, label: str) -> _ThreadSafeBar:
        return _ThreadSafeBar(tqdm(total=total, initial=done, desc=label, unit="B", unit_scale=True, unit_divisor=1024, disable=quiet or None))

    return make


class _ThreadSafeBar:
    """Parts finish on several threads; tqdm's counter is not guarded against that."""

    def __init__(self, bar: tqdm) -> None:
        self._bar = bar
        self._lock = threading.Lock()

    def update(self, n: int) -> None:
        with self._lock:
            self._bar.update(n)

    def close(self) -> None:
        self._bar.close()

