"""A live API to fuzz: gunicorn over the embedded defaults, with a small catalogue made through the API."""

import subprocess
import sys

import pytest
import requests

from tests.backend.catalogue.programme_data import BAKU_NIGHTS, KARAKORAM
from tests.backend.common.gunicorn_server import ROOT, GunicornServer
from tests.backend.licensing.helpers import OFFER, REQUEST

URDU_SRT = "1\n00:00:01,000 --> 00:00:03,500\nشاہراہ قراقرم دنیا کی بلند ترین سڑک ہے۔\n\n"


class Partner:
    def __init__(self, server: GunicornServer, code: str, country: str) -> None:
        token = server.manage("create_partner", code, "--name", f"{code} broadcaster", "--country", country,
                              "--admin", f"{code.lower()}-admin").strip()
        self.api = server.base_url + "/api/v1"
        self.token = token
        self.session = requests.Session()
        self.session.headers["Authorization"] = f"Token {token}"

    def post(self, path: str, **kwargs) -> dict:
        response = self.session.post(self.api + path, timeout=60, **kwargs)
        assert response.status_code in (200, 201), (path, response.status_code, response.text[:500])
        return response.json()


def seed(server: GunicornServer, tmp_path) -> Partner:
    """PTV with a published documentary (offer, Urdu subtitles, an uploaded master) and a draft; CCTV
    and AZTV as other partners, CCTV asking for a licence. Returns PTV, whose admin token fuzzes."""
    ptv, cctv, _ = Partner(server, "PTV", "PK"), Partner(server, "CCTV", "CN"), Partner(server, "AZTV", "AZ")
    documentary = ptv.post("/programmes/", json={**KARAKORAM, "coproducers": [
        {"partner": "PTV", "share": "70"}, {"partner": "CCTV", "share": "30"}]})["id"]
    ptv.post(f"/programmes/{documentary}/publish/")
    ptv.post("/programmes/", json=BAKU_NIGHTS)
    ptv.post(f"/programmes/{documentary}/offers/", json=OFFER)
    ptv.post(f"/programmes/{documentary}/subtitles/", data={"language": "ur"},
             files={"file": ("karakoram.srt", URDU_SRT.encode())})
    ptv.post("/users/", json={"username": "ptv-editor", "role": "editor"})
    ptv.post("/webhooks/", json={"url": "http://127.0.0.1:9/exchange", "events": ["licence.requested"]})
    cctv.post("/licence-requests/", json={**REQUEST, "programme": documentary})
    master = tmp_path / "master.mxf"
    master.write_bytes(b"\x06\x0e\x2b\x34" + bytes(4096))  # MXF's key prefix: bytes, not a real programme
    subprocess.run([sys.executable, "-m", "client.cli", "upload", str(master), "--programme", documentary,
                    "--api", server.base_url, "--token", ptv.token, "--quiet", "--state-dir", str(tmp_path / "state")],
                   cwd=ROOT, check=True, timeout=120, capture_output=True)
    return ptv


@pytest.fixture(scope="session")
def live_api(tmp_path_factory):
    server = GunicornServer(tmp_path_factory.mktemp("fuzz-api"))
    server.env["WEBHOOK_ALLOW_PRIVATE_NETWORKS"] = "1"  # PTV's webhook is a local port; nothing delivers here
    server.start()
    server.partner = seed(server, tmp_path_factory.mktemp("fuzz-seed"))
    yield server
    server.stop()
