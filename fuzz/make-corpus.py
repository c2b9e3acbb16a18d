#!/usr/bin/env python3
"""Writes the seed corpora under fuzz/corpus/<target>/, from the inputs the unit tests use.

Run from anywhere: python3 fuzz/make-corpus.py. Needs the openssl CLI (for public keys in the
JWKS seeds; the private halves are thrown away with a temporary directory) and protoc (for the
control-plane requests). Seeds are small on purpose: libFuzzer grows its own corpus in a
scratch copy (scripts/fuzz.sh), never here.
"""
import base64
import json
import os
import pathlib
import shutil
import subprocess
import tempfile

ROOT = pathlib.Path(__file__).resolve().parent.parent
CORPUS = ROOT / "fuzz" / "corpus"
NOW = 1_700_000_000  # fuzz::kNow


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def write(target: str, name: str, data) -> None:
    folder = CORPUS / target
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_bytes(data.encode() if isinstance(data, str) else data)


def compact(obj) -> str:
    return json.dumps(obj, separators=(",", ":"))


# --- token: raw tokens (selector 0x00) and header\nclaims signed in-process (odd selector) ----
def token_seeds():
    claims = {"sub": "alice", "exp": NOW + 600}
    header = {"alg": "HS256", "kid": "fuzz-HS256"}
    unsigned = b64url(compact(header).encode()) + "." + b64url(compact(claims).encode())
    write("token", "raw-bad-signature", b"\x00" + (unsigned + "." + b64url(b"x" * 32)).encode())
    write("token", "raw-alg-none", b"\x00" + (b64url(b'{"alg":"none"}') + "." +
                                              b64url(compact(claims).encode()) + ".").encode())
    write("token", "raw-two-segments", b"\x00" + unsigned.encode())
    write("token", "raw-es256-short-sig", b"\x00" + (b64url(b'{"alg":"ES256","kid":"fuzz-ES256"}')
                                                     + "." + b64url(compact(claims).encode()) +
                                                     "." + b64url(b"\x01" * 10)).encode())
    # Selector bits 1-2 pick the signer: 0 RS256, 1 ES256, 2 EdDSA, 3 HS256.
    signers = {"RS256": 0x01, "ES256": 0x03, "EdDSA": 0x05, "HS256": 0x07}
    cases = {
        "valid": {},
        "expired": {"exp": NOW - 3600},
        "nbf-future": {"nbf": NOW + 31},
        "iat-future": {"iat": NOW + 31},
        "fractional": {"exp": NOW + 0.5, "nbf": NOW - 0.5},
        "aud-scp-azp": {"aud": ["api", "web"], "scp": ["read", "write"], "azp": "a",
                        "iss": "https://idp.example/", "jti": "tok-1"},
        "scope-string": {"scope": "read write", "client_id": "cli", "aud": "api"},
        "bad-types": {"sub": 7, "jti": 7},
    }
    for alg, selector in signers.items():
        head = compact({"alg": alg, "kid": "fuzz-" + alg})
        write("token", f"signed-{alg}", bytes([selector]) + f"{head}\n{compact(claims)}".encode())
    head = compact({"alg": "HS256", "kid": "fuzz-HS256"})
    for name, extra in cases.items():
        body = dict(claims, **extra)
        write("token", f"signed-{name}", b"\x0f" + f"{head}\n{compact(body)}".encode())
    write("token", "signed-crit", b"\x07" + ('{"alg":"HS256","kid":"fuzz-HS256","crit":["x"]}\n' +
                                             compact(claims)).encode())
    write("token", "signed-duplicate", b"\x07" + (head + '\n{"sub":"a","sub":"b","exp":' +
                                                  str(NOW + 60) + "}").encode())
    write("token", "signed-no-kid", b"\x07" + ('{"alg":"HS256"}\n' + compact(claims)).encode())


# --- jwks: public keys of every family, made with the openssl CLI --------------------------
def openssl(*args, data=None) -> bytes:
    return subprocess.run(["openssl", *args], input=data, check=True,
                          capture_output=True).stdout


def public_der(tmp: pathlib.Path, *genargs) -> bytes:
    key = tmp / "key.pem"
    openssl("genpkey", *genargs, "-out", str(key))
    der = openssl("pkey", "-in", str(key), "-pubout", "-outform", "DER")
    key.unlink()
    return der


def jwks_seeds():
    with tempfile.TemporaryDirectory() as tmp:
        tmp = pathlib.Path(tmp)
        ec = public_der(tmp, "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256")[-65:]
        ed = public_der(tmp, "-algorithm", "ED25519")[-32:]
        key = tmp / "rsa.pem"
        openssl("genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048", "-out", str(key))
        modulus = openssl("rsa", "-in", str(key), "-noout", "-modulus").decode().split("=")[1]
    rsa = {"kty": "RSA", "kid": "r1", "alg": "RS256", "use": "sig",
           "n": b64url(bytes.fromhex(modulus.strip())), "e": "AQAB"}
    ecj = {"kty": "EC", "kid": "e1", "alg": "ES256", "crv": "P-256",
           "x": b64url(ec[1:33]), "y": b64url(ec[33:])}
    okp = {"kty": "OKP", "kid": "o1", "alg": "EdDSA", "crv": "Ed25519", "x": b64url(ed)}
    # Not a secret of anything: a fixed filler long enough for HS256.
    oct_ = {"kty": "oct", "kid": "h1", "alg": "HS256", "k": b64url(b"fuzz seed filler, not a key!!!!!")}
    write("jwks", "all-families", compact({"keys": [rsa, ecj, okp, oct_]}))
    write("jwks", "rsa", compact({"keys": [rsa]}))
    write("jwks", "ec-no-alg", compact({"keys": [{k: v for k, v in ecj.items() if k != "alg"}]}))
    write("jwks", "bound-kid", compact({"keys": [dict(rsa, kid="bound-kid", alg="PS384")]}))
    write("jwks", "duplicate-kid", compact({"keys": [ecj, dict(okp, kid="e1")]}))
    write("jwks", "enc-and-ops", compact({"keys": [dict(rsa, use="enc"),
                                                   dict(ecj, key_ops=["verify"])]}))
    write("jwks", "private-members", compact({"keys": [dict(ecj, d="AQAB")]}))
    write("jwks", "weak-oct", compact({"keys": [dict(oct_, k=b64url(b"short"))]}))
    write("jwks", "not-a-set", '{"keys":{}}')


# --- config: the YAML shapes AgentConfigTest reads -----------------------------------------
CONFIGS = {
    "minimal": "jwt: {keys: {file: jwks.json}}\n",
    "every-section": """node_id: auth-7
listen: {grpc: "0.0.0.0:9000"}
server: {max_message_bytes: 32768, max_concurrent_streams: 10, shutdown_grace: 3s}
jwt:
  keys:
    url: https://idp.example/jwks
    ca_file: /etc/ssl/idp.pem
    refresh_interval: 10m
    algorithms: {"kty:RSA": PS256, k1: ES256}
  issuers: [https://idp.example/]
  audiences: [api, web]
  leeway: 5s
  require_exp: false
  max_token_bytes: 4096
  cache: {entries: 10, max_ttl: 1m}
log: {level: debug, format: json}
""",
    "limits": """jwt: {keys: {file: k.json}}
limits:
  per_ip: {rate: 20, burst: 40, shadow: true}
  per_subject: {rate: 0.5, burst: 3}
  global: {rate: 10000}
  ipv6_prefix: 48
  max_keys: 200000
  blocklist: [203.0.113.0/24, "2001:db8:bad::/48"]
  allowlist: [10.1.2.3/8]
""",
    "fleet": """jwt: {keys: {file: k.json}}
limits:
  global: {rate: 5000}
  fleet: {redis: 10.0.0.7:6379, key: "launch:global", timeout: 20ms, lease: 5ms,
          retry_after_failure: 2s}
""",
    "http": """jwt: {keys: {file: k.json}}
http:
  listen: "127.0.0.1:7401"
  threads: 4
  trusted_proxies: [10.0.0.0/8, "::1"]
  rate_limited_status: 429
  max_header_bytes: 8192
  read_timeout: 2s
  idle_timeout: 30s
  max_connections: 500
""",
    "control-scaling": """jwt: {keys: {file: k.json}}
control:
  listen: "127.0.0.1:7402"
  cert_file: server.crt
  key_file: server.key
  client_ca_file: ca.crt
  operators: [ops-alice]
  viewers: [dashboard]
  state_dir: state
  call_rate: {rate: 5, burst: 10}
scaling:
  backend: command
  command: [/usr/local/bin/scale, "{replicas}"]
  min_replicas: 1
  max_replicas: 8
  target_cpu_percent: 60
""",
    "bad-duration": "jwt: {keys: {file: k.json}, leeway: thirty}\n",
    "anchors": "base: &k {file: k.json}\njwt: {keys: *k}\n",
}


def config_seeds():
    for name, text in CONFIGS.items():
        write("config", name, text)


# --- state_file: the state.json that StateFileTest saves ----------------------------------
def state_seeds():
    rule = lambda rate, burst, shadow=False: {"rate": rate, "burst": burst, "shadow": shadow}
    state = {
        "format": 1,
        "limits": {"per_ip": rule(100, 200), "per_subject": rule(5.5, 11, True),
                   "global": rule(0, 0), "ipv6_prefix": 56,
                   "blocklist": ["203.0.113.0/24", "2001:db8::/32"], "allowlist": ["10.0.0.1/32"],
                   "revision": 7},
        "scale_desired": 3,
        "blocks": [{"kind": "client", "value": "198.51.100.0/24", "expires_at": NOW + 600,
                    "reason": "scraper \"quoted\" \\ é", "created_by": "operator",
                    "created_at": NOW},
                   {"kind": "subject", "value": "mallory", "expires_at": NOW + 900, "reason": "",
                    "created_by": "ops", "created_at": NOW + 100}],
        "revocations": [{"subject": "eve", "jti": "", "until": NOW + 3600,
                         "reason": "stolen laptop", "created_by": "operator", "created_at": NOW},
                        {"subject": "", "jti": "jti-123", "until": NOW + 7200, "reason": "",
                         "created_by": "operator", "created_at": NOW + 1}],
    }
    write("state_file", "full", json.dumps(state, indent=2, ensure_ascii=False))
    empty = dict(state, blocks=[], revocations=[])
    del empty["scale_desired"]
    write("state_file", "empty-lists", compact(empty))
    write("state_file", "truncated", json.dumps(state)[:200])
    # Found by this target: an integer field holding a float out of range was cast (undefined
    # behaviour in nlohmann's get<int64_t>) instead of being refused.
    write("state_file", "regress-float-created-at",
          json.dumps(state, indent=2, ensure_ascii=False).replace(f'"created_at": {NOW}', '"created_at": 1e30', 1))


# --- http_session: requests as RequestParserTest and GatewayRoutesTest send them ----------
HTTP = {
    "auth-fields": "GET /auth?x=1 HTTP/1.1\r\nHost: a\r\nAuthorization: Bearer t\r\n"
                   "x-real-ip: 203.0.113.7\r\nX-FORWARDED-FOR: 198.51.100.1, 10.0.0.1\r\n"
                   "X-Other: ignored\r\n\r\n",
    "auth-signed": "GET /auth HTTP/1.1\r\nHost: a\r\nAuthorization: Bearer $SIGNED:"
                   '{"sub":"alice","exp":1700000600,"scope":"read","client_id":"c"}\r\n\r\n',
    "keepalive-pipeline": "GET /healthz HTTP/1.1\r\nHost: a\r\n\r\n"
                          "GET /readyz HTTP/1.1\r\nHost: a\r\n\r\n"
                          "GET /metrics HTTP/1.1\r\nHost: a\r\n\r\n"
                          "GET /nowhere HTTP/1.0\r\n\r\n",
    "repeated-fields": "GET /auth HTTP/1.1\r\nAuthorization: \r\nAuthorization: Bearer late\r\n"
                       "X-Real-IP: 192.0.2.1\r\nX-Real-IP: 192.0.2.2\r\n\r\n",
    "body": "POST /auth HTTP/1.1\r\nContent-Length: 16\r\n\r\n0123456789abcdef",
    "chunked": "POST /auth HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n4\r\nabcd\r\n0\r\n\r\n",
    "bad-version": "GET /auth HTTP/9.9\r\n\r\n",
    "bad-method": "GET\x01 /auth HTTP/1.1\r\n\r\n",
    "close": "GET /auth HTTP/1.1\r\nConnection: close\r\nAuthorization: bearer x.y.z\r\n\r\n",
    "partial": "GET /auth HTTP/1.1\r\nHost: a\r\n",
}


def http_seeds():
    for name, text in HTTP.items():
        write("http_session", name, text.encode("latin-1"))


# --- cidr: the addresses and blocks IpAddressTest parses ---------------------------------
CIDRS = ["192.0.2.1", "255.255.255.255", "10.1.2.3/8", "192.0.2.128/25", "0.0.0.0/0",
         "2001:db8::1", "2001:db8:8000::/33", "2001:0DB8:0000:0000:0000:0000:0000:0001",
         "::ffff:198.51.100.7", "64:ff9b::198.51.100.7", "::/0", "::1/128",
         "ffff:ffff:ffff:ffff:ffff:ffff:255.255.255.255", "1.2.3.4:80", "[::1]:443",
         "1.2.3.4\0junk", "10.0.0.0/8,2001:db8::/32,198.51.100.7", "1::2::3", "10.0.0.0/33"]


def cidr_seeds():
    for i, text in enumerate(CIDRS):
        write("cidr", f"seed-{i:02d}", text.encode())


# --- control: a selector byte, then a serialised request (protoc --encode) ---------------
CONTROL = [
    (0, "UpdateLimitsRequest", "limits-update",
     'limits { per_ip { rate: 20 burst: 40 } per_subject { rate: 0.5 burst: 3 shadow: true } '
     'global { rate: 10000 burst: 100 } ipv6_prefix: 48 blocklist: "203.0.113.0/24" '
     'allowlist: "10.1.2.3/8" } expected_revision: 3 reason: "launch"'),
    (0, "UpdateLimitsRequest", "limits-off",
     'limits { per_ip { rate: 0 burst: 0 } } expected_revision: 3'),
    (0, "UpdateLimitsRequest", "limits-stale", 'limits { } expected_revision: 2 reason: "old"'),
    # Found by this target: a limit switched off with an infinite burst was accepted, saved as
    # null, and the agent could not start from its own state file.
    (0, "UpdateLimitsRequest", "regress-inf-burst-when-off",
     'limits { per_ip { rate: 0 burst: inf } } expected_revision: 3'),
    (1, "BlockRequest", "block-client",
     'kind: CLIENT value: "203.0.113.9/24" duration_seconds: 600 reason: "scraper"'),
    (1, "BlockRequest", "block-again", 'kind: CLIENT value: "198.51.100.0/24" duration_seconds: 60'),
    (1, "BlockRequest", "block-subject", 'kind: SUBJECT value: "mallory" duration_seconds: 2592000'),
    (2, "UnblockRequest", "unblock-client", 'kind: CLIENT value: "198.51.100.7/24" reason: "ok"'),
    (2, "UnblockRequest", "unblock-subject", 'kind: SUBJECT value: "mallory"'),
    (3, "RevokeRequest", "revoke-subject", 'subject: "eve" duration_seconds: 3600 reason: "leak"'),
    (3, "RevokeRequest", "revoke-jti", 'jwt_id: "tok-2" duration_seconds: 60'),
    (3, "RevokeRequest", "revoke-both", 'subject: "a" jwt_id: "b" duration_seconds: 60'),
]


def control_seeds():
    proto = ROOT / "rpc" / "rampart" / "v1" / "control.proto"
    for selector, message, name, text in CONTROL:
        encoded = subprocess.run(
            ["protoc", f"-I{ROOT / 'rpc'}", f"--encode=rampart.v1.{message}", str(proto)],
            input=text.encode(), check=True, capture_output=True).stdout
        write("control", name, bytes([selector]) + encoded)


def main():
    if CORPUS.exists():
        shutil.rmtree(CORPUS)
    token_seeds()
    jwks_seeds()
    config_seeds()
    state_seeds()
    http_seeds()
    cidr_seeds()
    control_seeds()
    for folder in sorted(CORPUS.iterdir()):
        print(f"{folder.name}: {len(list(folder.iterdir()))} seeds")


if __name__ == "__main__":
    main()
