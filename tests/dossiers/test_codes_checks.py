"""Dossier codes and the applicant check: formats, masks, hashes that leak nothing."""
import pytest

from dossiers import InvalidDossierCode, checks
from dossiers.checks import digest, digits_of_id_number, digits_of_phone, mask_name, masked, matches
from dossiers.codes import code_ref, find_code, normalize_code, received_date, remove_codes


@pytest.mark.parametrize("text", ["000.00.53.H26-240115-0012", " 000.00.53.h26-240115-0012 ",
                                  "000.00.53.H26 - 240115 - 0012"])
def test_codes_are_normalized(text):
    assert normalize_code(text) == "000.00.53.H26-240115-0012"
    assert received_date(normalize_code(text)).isoformat() == "2024-01-15"


@pytest.mark.parametrize("text", ["", "000.00.53.H26-240115-12", "000.00.53.H26-240230-0012",   # 30 February
                                  "00.00.53.H26-240115-0012", "000.00.53.H26-240115-0012-1",
                                  "'; DROP TABLE dossiers; --", "000.00.53.H26-240115-0012" * 10])
def test_malformed_codes_are_refused(text):
    with pytest.raises(InvalidDossierCode):
        normalize_code(text)


def test_a_code_is_found_inside_a_message():
    message = "ho so 000.00.53.h26-240115-0012 cua toi sao roi"
    assert find_code(message) == "000.00.53.H26-240115-0012"
    assert find_code("ho so 000.00.53.H26-241315-0012 sao roi") is None          # month 13
    assert find_code("so 1000.00.53.H26-240115-00123") is None                  # glued to other digits
    assert "0012" not in remove_codes(message)


def test_log_references_do_not_contain_the_code():
    ref = code_ref("000.00.53.H26-240115-0012")
    assert ref.startswith("dossier#") and "240115" not in ref and ref == code_ref("000.00.53.H26-240115-0012")


def test_masks_never_show_the_last_four_digits():
    phone, id_number = digits_of_phone("+84 912.345.678"), digits_of_id_number("001 099 012 345")
    assert (phone, id_number) == ("0912345678", "001099012345")
    assert masked(phone) == "091*******" and masked(id_number) == "001*********"
    assert masked("123456789") == "123******"
    assert mask_name("Nguyễn Văn An") == "N*** V*** An"
    with pytest.raises(ValueError):
        digits_of_phone("12345")
    with pytest.raises(ValueError):
        digits_of_id_number("12345678901")


def test_the_check_matches_phone_or_id_digits_and_nothing_else():
    salt = checks.new_salt()
    phone_hash, id_hash = digest("k", salt, "phone", "5678"), digest("k", salt, "id", "2345")
    assert matches("k", salt, phone_hash, id_hash, "5678") and matches("k", salt, phone_hash, id_hash, "2345")
    assert not matches("k", salt, phone_hash, id_hash, "0000")
    assert not matches("other key", salt, phone_hash, id_hash, "5678")
    assert not matches("k", salt, phone_hash, None, "2345")
    assert not matches("k", None, None, None, "5678")              # unknown dossier


def test_an_unknown_dossier_costs_the_same_hashing_as_wrong_digits(monkeypatch):
    calls = []
    real = checks.digest
    monkeypatch.setattr(checks, "digest", lambda *args: calls.append(args[2]) or real(*args))
    salt = checks.new_salt()
    matches("k", salt, real("k", salt, "phone", "5678"), None, "0000")    # known dossier, wrong digits
    known = list(calls)
    calls.clear()
    matches("k", None, None, None, "0000")                               # unknown dossier
    assert calls == known == ["phone", "id"]
