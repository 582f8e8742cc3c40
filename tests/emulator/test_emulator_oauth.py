"""OAuth through plain requests: the JWT bearer, refresh token and client credentials
grants, their refusals in Salesforce's words, and userinfo; issued tokens work on the API."""

from __future__ import annotations

import base64
import time
from collections.abc import Callable
from typing import Any

import pytest
import requests
from emulator_keys import assertion
from simple_salesforce import Salesforce
from simple_salesforce.exceptions import SalesforceExpiredSession

from tests.keys import make_keys

KEYS = make_keys()
STRANGER = make_keys()
SECRET = "app-secret-4411"
REFRESH = "refresh-token-8823"
USERNAME = "integration@emulated-org.example.com"
JWT_BEARER = "urn:ietf:params:oauth:grant-type:jwt-bearer"

SEED: dict[str, Any] = {
    "oauth": {
        "clients": [
            {
                "clientId": "test-app",
                "clientSecret": SECRET,
                "certificate": KEYS.certificate_pem,
                "refreshTokens": [
                    REFRESH,
                    {"token": "pat-token-1", "username": "pat@acme.example"},
                ],
            },
            {"clientId": "no-cert-app", "clientSecret": "other-secret"},
        ]
    },
    "salesforce": {
        "User": [
            {
                "Username": "pat@acme.example",
                "LastName": "Lee",
                "Email": "pat@acme.example",
                "IsActive": True,
            },
            {
                "Username": "gone@acme.example",
                "LastName": "Gone",
                "Email": "gone@acme.example",
                "IsActive": False,
            },
        ]
    },
}


@pytest.fixture(scope="module")
def org(make_shared_emulator: Callable[..., Any]) -> Any:
    return make_shared_emulator(seed=SEED)


def _token(org: Any, **form: str) -> requests.Response:
    return org.session().post(f"{org.url}/services/oauth2/token", data=form, timeout=30)


def _jwt(org: Any, keys: Any = KEYS, **claims: Any) -> requests.Response:
    return _token(org, grant_type=JWT_BEARER, assertion=assertion(keys, **claims))


def _client(org: Any, token: str) -> Salesforce:
    return Salesforce(instance_url=org.url, session_id=token, session=org.session(), version="62.0")


def test_a_jwt_bearer_grant_answers_a_token_that_reads_the_org(org: Any) -> None:
    response = _jwt(org)

    answer = response.json()
    assert response.status_code == 200
    assert set(answer) == {
        "access_token",
        "instance_url",
        "id",
        "token_type",
        "issued_at",
        "signature",
        "scope",
    }
    assert answer["token_type"] == "Bearer" and answer["scope"] == "api"
    assert answer["instance_url"] == org.url
    assert answer["access_token"] != org.env["BATON_SF_SALESFORCE_TOKEN"]
    users = _client(org, answer["access_token"]).query("SELECT Username FROM User")
    assert USERNAME in {user["Username"] for user in users["records"]}


@pytest.mark.parametrize(
    "audience",
    ["https://login.salesforce.com", "https://test.salesforce.com", "SELF"],
)
def test_the_audience_may_be_a_login_url_or_the_emulator_itself(org: Any, audience: str) -> None:
    response = _jwt(org, aud=org.url if audience == "SELF" else audience)

    assert response.status_code == 200


@pytest.mark.parametrize(
    ("change", "error", "description"),
    [
        pytest.param(
            {"aud": "https://example.com"}, "invalid_grant", "audience is invalid", id="aud"
        ),
        pytest.param(
            {"exp": f"{time.time() - 10:.0f}"},
            "invalid_grant",
            "expired authorization code",
            id="expired",
        ),
        pytest.param(
            {"iss": "who-knows"}, "invalid_client_id", "client identifier invalid", id="iss"
        ),
        pytest.param({"sub": "nobody@example.com"}, "invalid_grant", "invalid user", id="user"),
        pytest.param({"sub": "gone@acme.example"}, "invalid_grant", "inactive user", id="inactive"),
        pytest.param({"iss": "no-cert-app"}, "invalid_grant", "invalid assertion", id="no cert"),
    ],
)
def test_a_bad_jwt_claim_is_refused_as_salesforce_refuses_it(
    org: Any, change: dict[str, str], error: str, description: str
) -> None:
    response = _jwt(org, **change)

    assert response.status_code == 400
    assert response.json() == {"error": error, "error_description": description}


def test_a_jwt_signed_by_another_key_is_an_invalid_assertion(org: Any) -> None:
    response = _jwt(org, keys=STRANGER)

    assert response.status_code == 400
    assert response.json() == {"error": "invalid_grant", "error_description": "invalid assertion"}


def test_a_jwt_for_another_user_acts_as_that_user(org: Any) -> None:
    token = _jwt(org, sub="PAT@acme.example").json()["access_token"]

    info = org.session().get(
        f"{org.url}/services/oauth2/userinfo", headers={"Authorization": f"Bearer {token}"}
    )

    assert info.status_code == 200
    assert info.json()["preferred_username"] == "pat@acme.example"
    assert info.json()["user_id"].startswith("005")


def test_a_refresh_token_grant_needs_the_client_secret_and_a_known_token(org: Any) -> None:
    granted = _token(
        org,
        grant_type="refresh_token",
        client_id="test-app",
        client_secret=SECRET,
        refresh_token=REFRESH,
    )
    wrong_secret = _token(
        org,
        grant_type="refresh_token",
        client_id="test-app",
        client_secret="x",
        refresh_token=REFRESH,
    )
    revoked = _token(
        org,
        grant_type="refresh_token",
        client_id="test-app",
        client_secret=SECRET,
        refresh_token="revoked",
    )

    assert granted.status_code == 200
    assert _client(org, granted.json()["access_token"]).Account.describe()["name"] == "Account"
    assert "refresh_token" not in granted.json()
    assert (wrong_secret.status_code, wrong_secret.json()["error"]) == (400, "invalid_client")
    assert revoked.json() == {
        "error": "invalid_grant",
        "error_description": "expired access/refresh token",
    }


def test_a_refresh_token_may_belong_to_another_user(org: Any) -> None:
    granted = _token(
        org,
        grant_type="refresh_token",
        client_id="test-app",
        client_secret=SECRET,
        refresh_token="pat-token-1",
    ).json()

    info = org.session().get(
        f"{org.url}/services/oauth2/userinfo",
        headers={"Authorization": f"Bearer {granted['access_token']}"},
    )

    assert info.json()["preferred_username"] == "pat@acme.example"


@pytest.mark.parametrize("how", ["form", "basic"])
def test_client_credentials_run_as_the_integration_user(org: Any, how: str) -> None:
    if how == "form":
        response = _token(
            org, grant_type="client_credentials", client_id="test-app", client_secret=SECRET
        )
    else:
        basic = base64.b64encode(f"test-app:{SECRET}".encode()).decode()
        response = org.session().post(
            f"{org.url}/services/oauth2/token",
            data={"grant_type": "client_credentials"},
            headers={"Authorization": f"Basic {basic}"},
        )

    token = response.json()["access_token"]
    info = org.session().get(
        f"{org.url}/services/oauth2/userinfo", headers={"Authorization": f"Bearer {token}"}
    )
    assert info.json()["preferred_username"] == USERNAME
    assert info.json()["organization_id"].startswith("00D")


def test_client_credentials_with_a_wrong_secret_are_invalid_client(org: Any) -> None:
    response = _token(
        org, grant_type="client_credentials", client_id="test-app", client_secret="wrong"
    )

    assert response.status_code == 400
    assert response.json() == {
        "error": "invalid_client",
        "error_description": "invalid client credentials",
    }


def test_an_unknown_grant_type_is_unsupported(org: Any) -> None:
    response = _token(org, grant_type="password", username=USERNAME, password="x")

    assert response.json() == {
        "error": "unsupported_grant_type",
        "error_description": "grant type not supported",
    }


def test_userinfo_refuses_an_unknown_token(org: Any) -> None:
    response = org.session().get(
        f"{org.url}/services/oauth2/userinfo", headers={"Authorization": "Bearer nope"}
    )

    assert response.status_code == 403
    assert response.text == "Bad_OAuth_Token"


def test_userinfo_describes_the_seeded_tokens_user(org: Any) -> None:
    token = org.env["BATON_SF_SALESFORCE_TOKEN"]

    info = (
        org.session()
        .get(f"{org.url}/services/oauth2/userinfo", headers={"Authorization": f"Bearer {token}"})
        .json()
    )

    assert info["preferred_username"] == USERNAME
    assert info["email"] == USERNAME
    assert info["user_id"].startswith("005") and info["active"] is True


def test_a_made_up_token_is_still_refused_on_the_api(org: Any) -> None:
    with pytest.raises(SalesforceExpiredSession):
        _client(org, "00D000000000001!made-up").describe()


def test_token_requests_do_not_count_as_api_calls(org: Any) -> None:
    sf = org.sf()
    sf.limits()
    before = sf.api_usage["api-usage"].used

    _jwt(org)
    sf.limits()

    assert sf.api_usage["api-usage"].used == before + 1
