"""Authlib (PyPI), a real OAuth 2.0 / OpenID Connect client, against fjord's identity
gateway: the authorization code flow with PKCE, the ID token checked with the provider's
JWKS, a restricted collection read with the access token, a replayed code refused, and
single sign-on from the session cookie.

Usage: python3 oidc_check.py BASE_URL CLIENT_ID USERNAME PASSWORD DATASET
The browser is played by requests: it fetches the login page, fills in the form (with
the CSRF field the page carries) and stops at the redirect back to the client.
"""

import html
import re
import sys

import requests
from authlib.common.security import generate_token
from authlib.integrations.requests_client import OAuth2Session
from authlib.jose import JsonWebKey, jwt

base, client_id, username, password, dataset = sys.argv[1:6]
redirect_uri = "http://127.0.0.1:7070/callback"
passed, failed = 0, 0


def check(name, ok, detail=""):
    global passed, failed
    if ok:
        passed += 1
        print(f"ok   {name}")
    else:
        failed += 1
        print(f"FAIL {name} {detail}")


disco = requests.get(base + "/.well-known/openid-configuration", timeout=10).json()
check("discovery names the code flow and S256", "authorization_code" in disco["grant_types_supported"]
      and disco["code_challenge_methods_supported"] == ["S256"], disco)

client = OAuth2Session(client_id, scope="openid", redirect_uri=redirect_uri,
                       code_challenge_method="S256", token_endpoint_auth_method="none")
verifier = generate_token(48)
url, state = client.create_authorization_url(disco["authorization_endpoint"], code_verifier=verifier, nonce="n-0S6")

browser = requests.Session()
login = browser.get(url, timeout=10)
fields = {k: html.unescape(v) for k, v in re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', login.text)}
fields.update(username=username, password=password)
back = browser.post(base + "/authorize", data=fields, allow_redirects=False, timeout=10)
location = back.headers.get("Location", "")
check("login redirects back with a code and the state", back.status_code == 303
      and location.startswith(redirect_uri) and f"state={state}" in location, (back.status_code, location))

token = client.fetch_token(disco["token_endpoint"], authorization_response=location, code_verifier=verifier)
jwks = JsonWebKey.import_key_set(requests.get(disco["jwks_uri"], timeout=10).json())
claims = jwt.decode(token["id_token"], jwks)
claims.validate()
check("the ID token verifies, for this client, with the nonce",
      claims["iss"] == base and claims["aud"] == client_id and claims["nonce"] == "n-0S6"
      and claims["sub"] == username and claims["acr"] == "idporten-loa-substantial", dict(claims))

items = f"{base}/ogcapi/collections/{dataset}/items?f=json"
r = requests.get(items, headers={"Authorization": "Bearer " + token["access_token"]}, timeout=10)
check("the access token reads the restricted collection", r.status_code == 200 and r.json()["numberMatched"] == 5,
      r.status_code)
check("without it the collection is closed", requests.get(items, timeout=10).status_code == 401)

code = re.search(r"code=([^&]+)", location).group(1)
replay = requests.post(disco["token_endpoint"], data={
    "grant_type": "authorization_code", "code": code, "redirect_uri": redirect_uri,
    "client_id": client_id, "code_verifier": verifier}, timeout=10)
check("a replayed code is refused", replay.status_code == 400 and replay.json()["error"] == "invalid_grant",
      replay.text)

again, _ = client.create_authorization_url(disco["authorization_endpoint"], code_verifier=generate_token(48))
sso = browser.get(again, allow_redirects=False, timeout=10)
check("the session logs in again without the form", sso.status_code == 303
      and sso.headers["Location"].startswith(redirect_uri), sso.status_code)

info = requests.get(disco["userinfo_endpoint"], headers={"Authorization": "Bearer " + token["access_token"]},
                    timeout=10).json()
check("userinfo names the user", info.get("sub") == username, info)

browser.get(disco["end_session_endpoint"], timeout=10)
after = browser.get(again, allow_redirects=False, timeout=10)
check("after logout the login form is shown again", after.status_code == 200 and "password" in after.text,
      after.status_code)

print(f"oidc: {passed} passed, {failed} failed")
sys.exit(1 if failed else 0)
