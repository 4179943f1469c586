from knowledge_base.text import GENERIC_TERMS, expand, fold, syllables, terms


def test_fold_removes_every_diacritic_including_d_bar():
    assert fold("Đăng ký KHAI SINH ở Đống Đa") == "dang ky khai sinh o dong da"


def test_fold_is_nfc_insensitive():
    decomposed = "đăng ký".encode().decode()  # composed
    import unicodedata

    assert fold(unicodedata.normalize("NFD", decomposed)) == fold(decomposed)


def test_i_and_y_spellings_meet():
    assert syllables("đăng kí") == syllables("dang ky") == ["dang", "ki"]


def test_abbreviations_expand_to_the_words_records_use():
    assert expand("gplx") == ["giay", "phep", "lai", "xe"]
    assert "giay_chung" in terms("làm sổ đỏ")
    assert terms("đk tạm trú")[:4] == ["dang", "ki", "tam", "tru"]


def test_question_words_are_dropped_but_content_stays():
    words = terms("tôi muốn làm thẻ căn cước ở đâu")
    assert "the" in words and "can" in words and "cuoc" in words
    assert "toi" not in words and "dau" not in words


def test_everyday_words_are_enriched_only_when_their_accents_match():
    assert expand("hai đứa cưới năm sau")[:4] == ["hai", "dua", "cuoi", "ket"]
    assert "ket" not in expand("kể chuyện cười đi")       # cười (laugh) is not cưới (marry)
    assert "ket" in expand("tui em cuoi nam sau")           # no accents at all: folded match


def test_every_generic_term_can_come_from_a_question():
    """A generic term that the abbreviation table always drops first would be dead weight."""
    assert [t for t in sorted(GENERIC_TERMS) if t not in terms(t.replace("_", " "))] == []
