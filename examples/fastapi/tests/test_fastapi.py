"""End to end: the Express example (better-auth-rs with jwt() + bearer()) issues tokens, the
FastAPI app verifies them without calling back — EdDSA through the JWKS endpoint, and HS256 with
a shared secret — and refuses expired, tampered, wrong-issuer and wrong-algorithm tokens."""
import base64
import hashlib
import hmac
import json
import os
import socket
import subprocess
import tempfile
import time
from pathlib import Path

import httpx
import jwt
import pytest

ROOT = Path(__file__).resolve().parents[3]
HERE = Path(__file__).resolve().parents[1]
SHARED = "fastapi-shared-secret-0123456789abcdef"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_http(url: str, timeout: float = 20.0) -> None:
    deadline = time.time() + timeout
    while time.time() < deadline:
        try:
            if httpx.get(url, timeout=1.0).status_code < 500:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"{url} did not come up")


def start_auth(mode: str, tmp: Path, **env) -> tuple[subprocess.Popen, str]:
    e = {**os.environ, "JWT_MODE": mode, "AUTH_DB": str(tmp / f"{mode}.db"), "PORT": "0", "BETTER_AUTH_SECRET": "auth-server-secret-0123456789abcdef", **env}
    p = subprocess.Popen(["node", str(ROOT / "examples/express/jwt-server.js")], cwd=ROOT, env=e, stdout=subprocess.PIPE, text=True)
    deadline = time.time() + 20
    while time.time() < deadline:
        line = p.stdout.readline()
        if line.startswith("READY "):
            return p, line.split()[1]
        if p.poll() is not None:
            break
    p.kill()
    raise RuntimeError("auth server did not start")


def start_api(env: dict) -> tuple[subprocess.Popen, str]:
    port = free_port()
    p = subprocess.Popen(["python", "-m", "uvicorn", "app:app", "--host", "127.0.0.1", "--port", str(port), "--log-level", "warning"], cwd=HERE, env={**os.environ, **env})
    url = f"http://127.0.0.1:{port}"
    wait_http(url + "/health")
    return p, url


def sign_in_token(auth: str, email: str) -> str:
    with httpx.Client(base_url=auth, timeout=10) as c:
        r = c.post("/api/auth/sign-up/email", json={"name": "Py", "email": email, "password": "python-password-1"})
        assert r.status_code == 200, r.text
        session_token = r.json()["token"]
        # bearer() lets a non-browser client use the session token instead of the cookie
        t = c.get("/api/auth/token", headers={"authorization": f"Bearer {session_token}"})
        assert t.status_code == 200, t.text
        return t.json()["token"]


@pytest.fixture(scope="module")
def tmpdir_path():
    with tempfile.TemporaryDirectory() as d:
        yield Path(d)


@pytest.fixture(scope="module")
def eddsa(tmpdir_path):
    auth_p, auth = start_auth("eddsa", tmpdir_path)
    api_p, api = start_api({"AUTH_MODE": "jwks", "BETTER_AUTH_URL": auth})
    yield auth, api
    for p in (api_p, auth_p):
        p.kill()
        p.wait(timeout=10)


@pytest.fixture(scope="module")
def hs256(tmpdir_path):
    auth_p, auth = start_auth("hs256", tmpdir_path, JWT_SECRET=SHARED, JWT_ISSUER="my-app", JWT_AUDIENCE="api", JWT_EXPIRES="7d")
    api_p, api = start_api({"AUTH_MODE": "hs256", "JWT_SECRET": SHARED, "JWT_ISSUER": "my-app", "JWT_AUDIENCE": "api", "BETTER_AUTH_URL": auth})
    yield auth, api
    for p in (api_p, auth_p):
        p.kill()
        p.wait(timeout=10)


def call_me(api: str, token: str | None) -> httpx.Response:
    headers = {"authorization": f"Bearer {token}"} if token is not None else {}
    return httpx.get(api + "/me", headers=headers, timeout=10)


def b64(obj: dict) -> str:
    return base64.urlsafe_b64encode(json.dumps(obj).encode()).rstrip(b"=").decode()


def test_eddsa_token_through_jwks(eddsa):
    auth, api = eddsa
    token = sign_in_token(auth, "ed@example.com")
    assert jwt.get_unverified_header(token)["alg"] == "EdDSA"
    r = call_me(api, token)
    assert r.status_code == 200, r.text
    assert r.json()["email"] == "ed@example.com"
    # PyJWT directly against the JWKS, as any backend would
    key = jwt.PyJWKClient(f"{auth}/api/auth/jwks").get_signing_key_from_jwt(token)
    claims = jwt.decode(token, key, algorithms=["EdDSA"], issuer=auth, audience=auth)
    assert claims["sub"] == r.json()["id"]
    assert claims["exp"] - claims["iat"] == 900


def test_eddsa_refusals(eddsa):
    auth, api = eddsa
    token = sign_in_token(auth, "ed2@example.com")
    h, p, s = token.split(".")
    claims = json.loads(base64.urlsafe_b64decode(p + "=" * (-len(p) % 4)))
    tampered = f"{h}.{b64({**claims, 'email': 'evil@example.com'})}.{s}"
    none = f"{b64({'alg': 'none', 'kid': jwt.get_unverified_header(token)['kid']})}.{p}."
    jwks = httpx.get(f"{auth}/api/auth/jwks").json()
    # algorithm confusion: HS256 keyed with the public JWK (PyJWT refuses to make this, so by hand)
    head = b64({"alg": "HS256", "kid": jwks["keys"][0]["kid"]})
    mac = hmac.new(json.dumps(jwks["keys"][0]).encode(), f"{head}.{p}".encode(), hashlib.sha256).digest()
    confused = f"{head}.{p}.{base64.urlsafe_b64encode(mac).rstrip(b'=').decode()}"
    for bad in (tampered, none, confused, "not-a-jwt"):
        assert call_me(api, bad).status_code == 401, bad[:30]
    assert call_me(api, None).status_code == 401


def test_eddsa_expired(tmpdir_path):
    auth_p, auth = start_auth("eddsa", tmpdir_path, JWT_EXPIRES="1s", AUTH_DB=str(tmpdir_path / "short.db"))
    api_p, api = start_api({"AUTH_MODE": "jwks", "BETTER_AUTH_URL": auth})
    try:
        token = sign_in_token(auth, "short@example.com")
        time.sleep(2.2)
        r = call_me(api, token)
        assert r.status_code == 401
        assert "expired" in r.json()["detail"]
    finally:
        for p in (api_p, auth_p):
            p.kill()
            p.wait(timeout=10)


def test_hs256_shared_secret(hs256):
    auth, api = hs256
    token = sign_in_token(auth, "hs@example.com")
    assert jwt.get_unverified_header(token)["alg"] == "HS256"
    claims = jwt.decode(token, SHARED, algorithms=["HS256"], issuer="my-app", audience="api")
    assert {"sub", "email", "name", "iat", "exp", "iss"} <= claims.keys()
    assert claims["exp"] - claims["iat"] == 7 * 86400
    r = call_me(api, token)
    assert r.status_code == 200, r.text
    assert r.json()["email"] == "hs@example.com"


def test_hs256_refusals(hs256):
    auth, api = hs256
    token = sign_in_token(auth, "hs2@example.com")
    claims = jwt.decode(token, SHARED, algorithms=["HS256"], issuer="my-app", audience="api")
    now = int(time.time())
    expired = jwt.encode({**claims, "iat": now - 100, "exp": now - 10}, SHARED, algorithm="HS256")
    wrong_iss = jwt.encode({**claims, "iss": "someone-else"}, SHARED, algorithm="HS256")
    wrong_secret = jwt.encode(claims, "another-secret-0123456789abcdef-xyz", algorithm="HS256")
    wrong_alg = jwt.encode(claims, SHARED, algorithm="HS512")  # right key, wrong algorithm
    h, p, s = token.split(".")
    tampered = f"{h}.{b64({**claims, 'email': 'evil@example.com'})}.{s}"
    none = f"{b64({'alg': 'none', 'typ': 'JWT'})}.{p}."
    for label, bad in (("expired", expired), ("iss", wrong_iss), ("secret", wrong_secret), ("alg", wrong_alg), ("tampered", tampered), ("none", none)):
        assert call_me(api, bad).status_code == 401, label
    assert httpx.get(f"{auth}/api/auth/jwks").status_code == 404
