"""Mints the coaching product's test tokens with PyJWT and cryptography, an
implementation independent of the one under test.

    mint.py NOW_UNIX_SECONDS > tokens.json

Prints {"jwks_a", "jwks_ab", "issuer", "client_id", "tokens": {name: token}}.
jwks_a holds key-a only; jwks_ab adds key-b (a rotation). Forged tokens are
built by hand where PyJWT refuses to make them (HS256 keyed with the public
key, alg none).
"""

import base64
import hashlib
import hmac
import json
import sys

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

ISSUER = "https://auth.test/"
CLIENT_ID = "client_test"


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def jwk(key, kid):
    n = key.public_key().public_numbers()
    return {
        "kty": "RSA",
        "kid": kid,
        "use": "sig",
        "alg": "RS256",
        "n": b64(n.n.to_bytes((n.n.bit_length() + 7) // 8, "big")),
        "e": b64(n.e.to_bytes((n.e.bit_length() + 7) // 8, "big")),
    }


def hand_signed(header, claims, sign):
    signing_input = b64(json.dumps(header).encode()) + "." + b64(json.dumps(claims).encode())
    return signing_input + "." + b64(sign(signing_input.encode()))


def main():
    now = int(sys.argv[1])
    key_a = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    key_b = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem_a = key_a.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    der_a = key_a.public_key().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.PKCS1
    )

    def claims(user, org, role=None, **extra):
        c = {
            "iss": ISSUER,
            "aud": CLIENT_ID,
            "sub": user,
            "email": f"{user}@{org}.example".replace("_", "-"),
            "org_id": org,
            "iat": now,
            "exp": now + 3600,
        }
        if role:
            c["role"] = role
        c.update(extra)
        return {k: v for k, v in c.items() if v is not None}

    def rs(c, kid="key-a", key=key_a, alg="RS256"):
        return jwt.encode(c, key, algorithm=alg, headers={"kid": kid})

    tokens = {
        # Two organisations, an admin and a member in each.
        "admin": rs(claims("user_admin", "org_acme", "admin")),
        "member": rs(claims("user_member", "org_acme", "member")),
        "other_admin": rs(claims("user_other_admin", "org_globex", "admin")),
        "other_member": rs(claims("user_other_member", "org_globex", "member")),
        # No role claim: the organisation's first member becomes its admin.
        "first_no_role": rs(claims("user_first", "org_initech")),
        "second_no_role": rs(claims("user_second", "org_initech")),
        # Identity normalised: a mixed-case email, kept lowercased.
        "mixed_case": rs(claims("user_member", "org_acme", "member", email="  Riley.Chen@ACME.example ")),
        # Audience as a list, and as client_id with no aud.
        "aud_list": rs(claims("user_member", "org_acme", "member", aud=["other", CLIENT_ID])),
        "client_id_claim": rs(claims("user_member", "org_acme", "member", aud=None, client_id=CLIENT_ID)),
        "issuer_no_slash": rs(claims("user_member", "org_acme", "member", iss=ISSUER.rstrip("/"))),
        # Signed with the rotated-in key.
        "rotated": rs(claims("user_member", "org_acme", "member"), kid="key-b", key=key_b),
        # Refused.
        "wrong_kid": rs(claims("user_member", "org_acme", "member"), kid="key-zzz"),
        "no_kid": jwt.encode(claims("user_member", "org_acme", "member"), key_a, algorithm="RS256"),
        "signed_by_b_as_a": rs(claims("user_member", "org_acme", "member"), kid="key-a", key=key_b),
        "expired": rs(claims("user_member", "org_acme", "member", iat=now - 7200, exp=now - 3600)),
        "not_yet": rs(claims("user_member", "org_acme", "member", nbf=now + 3600)),
        "no_exp": rs(claims("user_member", "org_acme", "member", exp=None)),
        "missing_org": rs(claims("user_member", "org_acme", "member", org_id=None)),
        "empty_org": rs(claims("user_member", "org_acme", "member", org_id="")),
        "missing_sub": rs(claims("user_member", "org_acme", "member", sub=None)),
        "wrong_issuer": rs(claims("user_member", "org_acme", "member", iss="https://evil.test/")),
        "wrong_audience": rs(claims("user_member", "org_acme", "member", aud="client_other")),
        "rs512": rs(claims("user_member", "org_acme", "member"), alg="RS512"),
        "ps256": rs(claims("user_member", "org_acme", "member"), alg="PS256"),
        # alg confusion: HS256 keyed with the public key, as PEM, DER and n.
        "hs256_pem": hand_signed(
            {"alg": "HS256", "typ": "JWT", "kid": "key-a"},
            claims("user_member", "org_acme", "admin"),
            lambda m: hmac.new(pem_a, m, hashlib.sha256).digest(),
        ),
        "hs256_der": hand_signed(
            {"alg": "HS256", "typ": "JWT", "kid": "key-a"},
            claims("user_member", "org_acme", "admin"),
            lambda m: hmac.new(der_a, m, hashlib.sha256).digest(),
        ),
        "hs256_n": hand_signed(
            {"alg": "HS256", "typ": "JWT", "kid": "key-a"},
            claims("user_member", "org_acme", "admin"),
            lambda m: hmac.new(jwk(key_a, "key-a")["n"].encode(), m, hashlib.sha256).digest(),
        ),
        "alg_none": hand_signed(
            {"alg": "none", "typ": "JWT", "kid": "key-a"},
            claims("user_member", "org_acme", "admin"),
            lambda m: b"",
        ),
    }
    # A valid token with its payload swapped for another's: the signature
    # no longer matches.
    good = tokens["member"].split(".")
    forged_claims = b64(json.dumps(claims("user_member", "org_acme", "admin")).encode())
    tokens["tampered"] = ".".join([good[0], forged_claims, good[2]])

    print(
        json.dumps(
            {
                "issuer": ISSUER,
                "client_id": CLIENT_ID,
                "jwks_a": {"keys": [jwk(key_a, "key-a")]},
                "jwks_ab": {"keys": [jwk(key_a, "key-a"), jwk(key_b, "key-b")]},
                "tokens": tokens,
            }
        )
    )


if __name__ == "__main__":
    main()
