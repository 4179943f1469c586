"""An official record in chat words: code, level, values as stated, flags worded, cases asked."""
import datetime as dt

from rasa_sdk.executor import CollectingDispatcher

from actions import procedures
from actions.procedure_text import SUMMARY_LIMIT, ProcedureText, short_name, shorten
from knowledge_base.search import SearchResult
from tests.actions.conftest import run
from tests.factories import make_official, make_procedure


def test_an_official_summary_gives_code_level_values_per_channel_and_its_source(domain):
    summary = ProcedureText(domain).summary(make_official())
    assert summary["code"] == "1.004222" and summary["level"] == "cấp xã, phường"
    assert summary["verification"] == ("\n\n📘 Nguồn: Cổng Dịch vụ công quốc gia, cập nhật 17/07/2026: "
                                       "https://dichvucong.gov.vn/thu-tuc-hanh-chinh/example")
    assert "- Nộp trực tiếp: 15.000 đồng" in summary["fee"]          # exactly as the record says
    assert "HĐND thành phố quy định" in summary["fee"] and "Miễn phí" not in summary["fee"]   # flagged: no guess
    assert "- Nộp trực tiếp: 7 Ngày làm việc" in summary["duration"]
    assert "không ghi đơn vị" in summary["duration"]
    assert summary["documents"].startswith("tùy trường hợp (2 trường hợp)")


def test_the_fee_detail_quotes_each_channel_description(domain):
    fee = ProcedureText(domain).fee(make_official())
    assert "↳ Lệ phí đăng ký cư trú" in fee and "↳ Mức thu do Hội đồng nhân dân tỉnh quyết định" in fee


def test_each_provenance_is_worded_differently(domain):
    text = ProcedureText(domain)
    drafted = make_procedure("x-1", "Thủ tục soạn")
    verified = make_official(provenance="verified", last_checked=dt.date(2026, 12, 1))
    assert "chưa được cán bộ xác minh" in text.verification(drafted)
    assert text.verification(verified).startswith("✅ Thông tin đã được cán bộ đối chiếu ngày 01/12/2026")
    assert text.verification(make_official()).startswith("📘 Nguồn: Cổng Dịch vụ công quốc gia")


def test_documents_of_one_case_keep_only_that_case(domain):
    listed = ProcedureText(domain).documents(make_official(), case=2)
    assert listed.splitlines()[0] == "Trường hợp: Chỗ ở do thuê, mượn, ở nhờ"
    assert "Hợp đồng thuê nhà" in listed and "chứng minh chỗ ở hợp pháp" not in listed


def test_short_names_drop_parentheses_and_the_word_thu_tuc_before_any_cut():
    assert short_name("Cấp hộ chiếu phổ thông ở trong nước (thực hiện tại cấp tỉnh)", 40) == \
        "Cấp hộ chiếu phổ thông ở trong nước"
    assert short_name("Thủ tục đăng ký khai sinh", 40) == "Đăng ký khai sinh"
    long = ("Đăng ký biến động quyền sử dụng đất, quyền sở hữu tài sản gắn liền với đất trong các trường hợp "
            "chuyển đổi quyền sử dụng đất nông nghiệp")
    short = short_name(long, 40)
    assert len(short) <= 40 and long.startswith(short.rstrip("…"))


def test_a_summary_with_a_huge_name_and_many_channels_fits_a_phone_screen(domain):
    from knowledge_base.schema import Method

    name = "Đăng ký biến động " + ", ".join(f"trường hợp thứ {n} theo quy định của pháp luật về đất đai" for n in range(12))
    methods = tuple(Method(channel, f"{n} ngày làm việc kể từ ngày nhận đủ hồ sơ hợp lệ theo quy định",
                           f"{n}0.000 đồng theo quy định của Hội đồng nhân dân", None)
                    for n, channel in enumerate(("direct", "online", "post", "direct", "online"), 1))
    from dataclasses import replace

    values = ProcedureText(domain).summary(replace(make_official(methods=methods), name=name))
    from actions.responses import phrase

    assert len(phrase(domain, "utter_procedure_summary", **values)) <= SUMMARY_LIMIT
    assert values["name"].startswith("Đăng ký biến động")


def test_shorten_never_cuts_a_word():
    assert shorten("Đăng ký thường trú vào chỗ ở hợp pháp do thuê", 30) == "Đăng ký thường trú vào chỗ ở…"
    assert shorten("ngắn", 30) == "ngắn"


class OneRecord:
    def __init__(self, record):
        self.record = record

    def get(self, record_id):
        return self.record if record_id == self.record.id else None

    def search(self, text, top_k=5):
        return SearchResult(text, "none", ())


def test_documents_of_a_record_with_cases_ask_which_case_first(domain, monkeypatch):
    record = make_official()
    monkeypatch.setattr(procedures, "knowledge_base", lambda: OneRecord(record))
    messages, _ = run(procedures.ActionAnswerDetail(), domain, text="cần giấy tờ gì", intent="ask_documents",
                      slots={"procedure_id": record.id})
    assert messages[0]["response"] == "utter_ask_document_case"
    assert [b["payload"] for b in messages[0]["buttons"]] == [
        '/ask_documents{"procedure_id":"1.004222","document_case":"%d"}' % n for n in (1, 2)]
    assert all(len(b["title"]) <= 40 for b in messages[0]["buttons"])

    messages, _ = run(procedures.ActionAnswerDetail(), domain, text=messages[0]["buttons"][1]["payload"],
                      intent="ask_documents", slots={"procedure_id": record.id},
                      entities=[{"entity": "procedure_id", "value": "1.004222"},
                                {"entity": "document_case", "value": "2"}])
    assert messages[0]["response"] == "utter_procedure_documents"
    assert "Hợp đồng thuê nhà" in messages[0]["documents"]


def test_a_documents_field_that_holds_something_else_is_not_listed(domain):
    from knowledge_base.schema import Flag

    record = make_official(flags=(Flag("documents", "misplaced_text", "phần cuối của trình tự"),),
                           steps=("Bước 1: nộp hồ sơ",))
    text = ProcedureText(domain)
    assert text.documents(record).startswith("hồ sơ quốc gia của thủ tục này ghi thành phần hồ sơ chưa đúng")
    assert text.documents_short(record) == text.documents(record)
    truncated = make_official(flags=(Flag("steps", "truncated", "bị cắt"),), steps=("Bước 1: nộp hồ sơ",))
    assert text.steps(truncated).splitlines() == [
        "Bước 1: nộp hồ sơ", "(Các bước có thể chưa đầy đủ do lỗi dữ liệu; Anh/Chị xem đầy đủ trên trang thủ tục "
        "bên dưới.)"]
