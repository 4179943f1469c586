import pytest


@pytest.fixture
def kb(small_kb):
    """Read-only: the session's small knowledge base."""
    return small_kb


@pytest.mark.parametrize("question, expected", [
    ("làm giấy khai sinh cho con", "ht-khai-sinh"),
    ("lam giay khai sinh cho con", "ht-khai-sinh"),
    ("dk khai sihn cho be", "ht-khai-sinh"),        # abbreviation and typo
    ("bố tôi mất, đăng ký khai tử ở đâu", "ht-khai-tu"),
    ("đăng kí kết hôn", "ht-ket-hon"),
    ("lam ho chieu", "hc-ho-chieu"),
    ("một cửa làm việc mấy giờ", "faq-gio-lam-viec"),
])
def test_the_right_record_comes_first(kb, question, expected):
    result = kb.search(question)
    assert result.best.record.id == expected


def test_khai_sinh_and_khai_tu_are_told_apart_without_diacritics(kb):
    ids = [h.record.id for h in kb.search("dang ky khai tu cho ong").hits]
    assert ids[0] == "ht-khai-tu"


def test_a_clear_question_is_answered(kb):
    assert kb.search("thủ tục đăng ký khai sinh").decision == "answer"


@pytest.mark.parametrize("question", ["giá vàng hôm nay", "thoi tiet ha noi ngay mai", "kết quả bóng đá"])
def test_out_of_scope_is_not_answered(kb, question):
    assert kb.search(question).decision == "none"


def test_empty_question_finds_nothing(kb):
    result = kb.search("   ")
    assert result.decision == "none" and result.hits == ()
