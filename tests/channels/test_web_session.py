"""The web chat's session tokens: only ours, only until they expire."""
from channels.web_session import SessionTokens

TOKENS = SessionTokens("s" * 40, minutes=30)


def test_a_token_names_its_session_until_it_expires_and_renewal_keeps_the_session():
    token = TOKENS.issue(now=1000)
    session_id = TOKENS.session_id(token, now=1000 + 29 * 60)
    assert session_id and TOKENS.session_id(token, now=1000 + 31 * 60) is None
    renewed = TOKENS.issue(session_id, now=1000 + 29 * 60)
    assert TOKENS.session_id(renewed, now=1000 + 58 * 60) == session_id


def test_a_forged_or_foreign_token_names_nothing():
    token = TOKENS.issue(now=1000)
    session_id, expires, signature = token.split(".")
    assert TOKENS.session_id(f"{session_id}.{int(expires) + 9999}.{signature}", now=1000) is None
    assert TOKENS.session_id(f"telegram-1.{expires}.{signature}", now=1000) is None
    assert SessionTokens("t" * 40, 30).session_id(token, now=1000) is None
    for junk in (None, 5, "", "a.b", "a.b.c", "a..c", "a.-1.c"):
        assert TOKENS.session_id(junk, now=1000) is None
