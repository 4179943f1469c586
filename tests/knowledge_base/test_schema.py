import pytest

from knowledge_base.schema import ValidationError, parse_faq, parse_procedure, procedure_to_raw
from tests.factories import make_procedure


def test_round_trip_keeps_every_field():
    procedure = make_procedure("ht-khai-sinh", "Đăng ký khai sinh")
    assert parse_procedure(procedure_to_raw(procedure)) == procedure


def test_every_problem_is_reported_with_its_field():
    raw = procedure_to_raw(make_procedure("ht-khai-sinh", "Đăng ký khai sinh"))
    raw.update(levels=["district"], national_code="12345", provenance="yes", colour="red")
    raw["methods"][0]["channel"] = "fax"
    with pytest.raises(ValidationError) as caught:
        parse_procedure(raw, "x.yaml")
    fields = {field for field, _ in caught.value.problems}
    assert fields == {"levels", "national_code", "provenance", "colour", "methods[0].channel"}
    assert "x.yaml: levels:" in str(caught.value)


def test_faq_needs_questions_and_answer():
    with pytest.raises(ValidationError) as caught:
        parse_faq({"id": "faq-x", "source": "s", "last_checked": "2026-11-27", "verified": False})
    assert {f for f, _ in caught.value.problems} == {"questions", "answer"}
