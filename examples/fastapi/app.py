"""A FastAPI backend that trusts users signed in through better-auth-rs, without calling back.

AUTH_MODE=jwks  (recommended): EdDSA tokens from GET /api/auth/token, verified with the public
                 keys at <BETTER_AUTH_URL>/api/auth/jwks (PyJWT's PyJWKClient caches them).
AUTH_MODE=hs256: tokens signed with a secret shared by the two services (JWT_SECRET).

JWT_ISSUER / JWT_AUDIENCE default to the auth server's origin (BETTER_AUTH_URL), as Better Auth.
"""
import os

import jwt
from fastapi import Depends, FastAPI, HTTPException, Request

AUTH_MODE = os.environ.get("AUTH_MODE", "jwks")
AUTH_URL = os.environ.get("BETTER_AUTH_URL", "http://localhost:3000").rstrip("/")
ISSUER = os.environ.get("JWT_ISSUER", AUTH_URL)
AUDIENCE = os.environ.get("JWT_AUDIENCE", AUTH_URL)
SECRET = os.environ.get("JWT_SECRET", "")
# Only the algorithms this deployment issues: never "none", never HS* in JWKS mode.
JWKS_ALGORITHMS = [a for a in os.environ.get("JWT_ALGORITHMS", "EdDSA").split(",") if a and not a.upper().startswith("HS") and a.lower() != "none"]

app = FastAPI(title="better-auth-rs FastAPI example")
_jwks = jwt.PyJWKClient(f"{AUTH_URL}/api/auth/jwks", cache_keys=True) if AUTH_MODE == "jwks" else None


def _unauthorized(detail: str) -> HTTPException:
    return HTTPException(status_code=401, detail=detail, headers={"WWW-Authenticate": "Bearer"})


def get_current_user(request: Request) -> dict:
    """The verified claims of the bearer token, or 401."""
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token:
        raise _unauthorized("missing bearer token")
    options = {"require": ["exp", "iat", "sub"]}
    try:
        if AUTH_MODE == "hs256":
            if not SECRET:
                raise _unauthorized("server has no JWT_SECRET")
            claims = jwt.decode(token, SECRET, algorithms=["HS256"], issuer=ISSUER, audience=AUDIENCE, options=options)
        else:
            key = _jwks.get_signing_key_from_jwt(token)
            claims = jwt.decode(token, key, algorithms=JWKS_ALGORITHMS, issuer=ISSUER, audience=AUDIENCE, options=options)
    except jwt.ExpiredSignatureError:
        raise _unauthorized("token expired")
    except (jwt.PyJWTError, ValueError) as e:
        raise _unauthorized(f"invalid token: {type(e).__name__}")
    return claims


@app.get("/health")
def health() -> dict:
    return {"ok": True, "mode": AUTH_MODE}


@app.get("/me")
def me(user: dict = Depends(get_current_user)) -> dict:
    return {"id": user["sub"], "email": user.get("email"), "name": user.get("name")}
