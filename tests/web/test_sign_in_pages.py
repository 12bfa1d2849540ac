"""Sign-in, sessions, CSRF, security headers, permissions and other services' URLs."""

from __future__ import annotations

import httpx

from tests.sandbox_process import ADMIN_TOKEN, SandboxProcess
from tests.web.support import ELSE, LIVE, TRIAL, Browser, h1, text


def test_sign_in_page_has_the_fields_the_seeds_name(browser: Browser) -> None:
    page = browser.get("/sign-in")
    assert page.status_code == 200
    assert h1(page) == "Sign in"
    for field in ('name="email_address"', 'name="password"', 'name="admin_token"'):
        assert field in page.text
    assert '<label class="govuk-label" for="email_address">Email address</label>' in page.text


def test_pages_carry_the_security_headers(browser: Browser) -> None:
    page = browser.get("/sign-in")
    csp = page.headers["Content-Security-Policy"]
    assert (
        "script-src 'self'" in csp
        and "unsafe-inline" not in csp.split("script-src")[1].split(";")[0]
    )
    assert "frame-ancestors 'none'" in csp
    assert page.headers["X-Frame-Options"] == "DENY"
    assert page.headers["Referrer-Policy"] == "same-origin"
    assert "Access-Control-Allow-Origin" not in page.headers
    assert "<script>" not in page.text  # no inline script anywhere
    cookie = page.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Path=/" in cookie


def test_secure_cookie_behind_https(dashboard: SandboxProcess) -> None:
    page = httpx.get(f"{dashboard.base_url}/sign-in", headers={"X-Forwarded-Proto": "https"})
    assert "Secure" in page.headers["Set-Cookie"]


def test_wrong_password_and_empty_fields_show_linked_errors(browser: Browser) -> None:
    browser.get("/sign-in")
    wrong = browser.post("/sign-in", {"email_address": "alice@example.com", "password": "nope"})
    assert wrong.status_code == 400
    assert h1(wrong) == "Sign in"
    assert "<title>Error: Sign in" in wrong.text
    assert (
        '<a href="#email_address">The email address or password you entered is incorrect</a>'
        in wrong.text
    )
    empty = browser.post("/sign-in", {"email_address": "", "password": ""})
    assert '<a href="#email_address">Enter your email address</a>' in empty.text
    assert '<a href="#password">Enter your password</a>' in empty.text
    assert 'aria-describedby=" password-error"' in empty.text or "password-error" in empty.text
    # a member without a password cannot sign in at all
    nopass = browser.post("/sign-in", {"email_address": "nopass@example.com", "password": "x"})
    assert nopass.status_code == 400


def test_a_post_without_its_csrf_token_is_refused_with_a_page_saying_why(browser: Browser) -> None:
    browser.get("/sign-in")
    refused = browser.post(
        "/sign-in", {"email_address": "alice@example.com", "password": "alice-password"}, csrf=False
    )
    assert refused.status_code == 400
    assert h1(refused) == "Sorry, we could not accept your form"
    assert "security token" in text(refused)
    forged = browser.post(
        "/sign-in",
        {
            "email_address": "alice@example.com",
            "password": "alice-password",
            "csrf_token": "forged",
        },
    )
    assert forged.status_code == 400


def test_signing_in_with_two_services_lists_them(browser: Browser) -> None:
    signed_in = browser.sign_in("alice@example.com")
    assert signed_in.headers["Location"] == "/your-services"
    services = browser.follow(signed_in)
    assert h1(services) == "Your services"
    assert (
        f'href="/services/{LIVE}"' in services.text and f'href="/services/{TRIAL}"' in services.text
    )
    assert ELSE not in services.text


def test_signing_in_with_one_service_goes_straight_to_it(browser: Browser) -> None:
    signed_in = browser.sign_in("viewer@example.com")
    assert signed_in.headers["Location"] == f"/services/{LIVE}"
    assert h1(browser.follow(signed_in)) == "Dashboard"


def test_signing_in_rotates_the_session(browser: Browser) -> None:
    browser.get("/sign-in")
    before = browser.http.cookies.get("notify_sandbox_session")
    browser.post("/sign-in", {"email_address": "alice@example.com", "password": "alice-password"})
    assert browser.http.cookies.get("notify_sandbox_session") not in (None, before)


def test_pages_need_signing_in_and_come_back_after(browser: Browser) -> None:
    page = browser.get(f"/services/{LIVE}/api/keys")
    assert (page.status_code, page.headers["Location"]) == (
        303,
        f"/sign-in?next=/services/{LIVE}/api/keys",
    )
    browser.get(page.headers["Location"])
    signed_in = browser.post(
        f"/sign-in?next=/services/{LIVE}/api/keys",
        {"email_address": "alice@example.com", "password": "alice-password"},
    )
    assert signed_in.headers["Location"] == f"/services/{LIVE}/api/keys"


def test_next_never_leads_off_the_site(browser: Browser) -> None:
    browser.get("/sign-in")
    away = browser.post("/sign-in?next=//evil.example/", {"admin_token": ADMIN_TOKEN})
    assert away.headers["Location"] == "/your-services"


def test_another_services_url_is_a_404_page(alice: Browser) -> None:
    for path in (f"/services/{ELSE}", f"/services/{ELSE}/api/keys", "/services/not-a-service"):
        page = alice.get(path)
        assert page.status_code == 404, path
        assert h1(page) == "Page not found"
        assert page.headers["Content-Type"].startswith("text/html")


def test_without_manage_api_integration_the_key_pages_say_so(browser: Browser) -> None:
    browser.sign_in("viewer@example.com")
    for path in ("/api", "/api/keys", "/api/keys/create", "/api/callbacks", "/api/guest-list"):
        page = browser.get(f"/services/{LIVE}{path}")
        assert page.status_code == 403, path
        assert h1(page) == "You do not have permission to view this page"
    assert browser.get(f"/services/{LIVE}").status_code == 200
    dashboard = browser.get(f"/services/{LIVE}")
    assert "/api</a>" not in dashboard.text and ">API integration<" not in dashboard.text
    refused = browser.post(
        f"/services/{LIVE}/api/keys/create", {"key_name": "x", "key_type": "test"}
    )
    assert refused.status_code == 403


def test_platform_admin_signs_in_with_the_admin_token_and_sees_every_service(
    browser: Browser,
) -> None:
    browser.get("/sign-in")
    wrong = browser.post("/sign-in", {"admin_token": "not-it"})
    assert wrong.status_code == 400
    assert '<a href="#admin_token">The admin token you entered is incorrect</a>' in wrong.text
    services = browser.follow(browser.post("/sign-in", {"admin_token": ADMIN_TOKEN}))
    assert ELSE in services.text and LIVE in services.text and TRIAL in services.text
    assert browser.get(f"/services/{ELSE}/api/keys").status_code == 200


def test_signing_out_ends_the_session(alice: Browser) -> None:
    cookie = alice.http.cookies.get("notify_sandbox_session")
    alice.get(f"/services/{LIVE}")
    out = alice.post("/sign-out")
    assert (out.status_code, out.headers["Location"]) == (303, "/sign-in")
    assert alice.get(f"/services/{LIVE}").status_code == 303
    # the old cookie is worth nothing now, even replayed by hand
    replay = httpx.get(
        str(alice.http.base_url.join(f"/services/{LIVE}")),
        cookies={"notify_sandbox_session": cookie or ""},
    )
    assert replay.status_code == 303


def test_a_tampered_cookie_is_ignored(alice: Browser) -> None:
    cookie = alice.http.cookies.get("notify_sandbox_session") or ""
    session_id, _, signature = cookie.partition(".")
    forged = httpx.get(
        str(alice.http.base_url.join(f"/services/{LIVE}")),
        cookies={"notify_sandbox_session": f"{session_id}.{signature[:-2]}xx"},
    )
    assert forged.status_code == 303
