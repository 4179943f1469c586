"""The national portal's procedure records: real records in fixtures/portal, parsed value by value."""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from knowledge_base.portal import (
    CHANNELS, LEVELS, Flag, LegalReference, PortalDocument, PortalFormatError, PortalMethod, load_records,
    parse_record,
)

FIXTURES = Path(__file__).parent / "fixtures" / "portal"


def raw(code: str) -> dict[str, str]:
    return json.loads((FIXTURES / f"{code}.json").read_text(encoding="utf-8"))


def record(code: str):
    return parse_record(raw(code))


def reasons(rec) -> list[tuple[str, str]]:
    return [(f.field, f.reason) for f in rec.flags]


def test_mappings():
    assert CHANNELS == {"Trực tiếp": "direct", "Trực tuyến": "online", "Dịch vụ bưu chính": "post"}
    assert LEVELS == {"Cấp bộ": "ministry", "Cấp tỉnh": "province", "Cấp xã": "commune", "Cơ quan khác": "other"}


def test_permanent_residence_several_cases_steps_fees_legal_results():
    rec = record("1.004222")
    assert (rec.code, rec.name, rec.decision) == ("1.004222", "Đăng ký thường trú", "1523/QĐ-BCA-C06")
    assert (rec.levels, rec.level_text, rec.kind) == (("commune",), "Cấp xã", "TTHC được giao luật quy định chi tiết")
    assert (rec.field, rec.agency, rec.competent_agency) == ("Đăng ký, quản lý cư trú", "Công an cấp Xã",
                                                             "Công an cấp Xã")
    assert rec.applicants == "Người Việt Nam định cư ở nước ngoài, Công dân Việt Nam"
    assert (rec.address, rec.authorised_agency, rec.coordinating_agency, rec.related) == (None, None, None, ())
    assert rec.detail_url == "https://dichvucong.gov.vn/thu-tuc-hanh-chinh/019d2bf7-7704-7449-9e95-fe7ebb959aa2"

    assert rec.methods == (
        PortalMethod("online", "7 Ngày làm việc", "10.000 đồng",
                     "Trường hợp công dân nộp hồ sơ qua cổng dịch vụ công trực tuyến thu 10.000 đồng/lần đăng ký."),
        PortalMethod("direct", "7 Ngày làm việc", "20.000 đồng", rec.methods[1].description),
    )
    assert rec.methods[1].description.startswith("Trường hợp công dân thuộc diện được miễn phí theo quy định")

    assert len(rec.steps) == 5
    assert rec.steps[0] == "Bước 1: Cá nhân, tổ chức chuẩn bị hồ sơ theo quy định của pháp luật."
    assert rec.steps[3] == "Bước 4: Cá nhân, tổ chức nộp lệ phí đăng ký thường trú theo quy định."
    assert rec.steps[2].startswith("Bước 3: Khi tiếp nhận hồ sơ đăng ký thường trú")
    assert "- Trường hợp hồ sơ không đủ điều kiện" in rec.steps[2]

    own = "Đăng ký thường trú vào chỗ ở hợp pháp thuộc quyền sở hữu của mình"
    rented = "Đăng ký thường trú vào chỗ ở hợp pháp do thuê, mượn, ở nhờ"
    assert len(rec.documents) == 18
    assert [d.case for d in rec.documents[:3]] == [own, own, "Người được chăm sóc, nuôi dưỡng, trợ giúp được đăng "
                                                   "ký thường trú tại cơ sở trợ giúp xã hội hoặc được đăng ký thường "
                                                   "trú vào hộ gia đình nhận chăm sóc, nuôi dưỡng, trợ giúp"]
    assert rec.documents[0] == PortalDocument(
        "Văn bản xác nhận của Ủy ban nhân dân cấp xã về địa điểm phương tiện đăng ký đậu, đỗ thường xuyên trong "
        "trường hợp phương tiện không phải đăng ký hoặc nơi đăng ký phương tiện không trùng với nơi thường xuyên "
        "đậu, đỗ (nội dung xác nhận tại mục 1 của Ủy ban nhân dân cấp xã tại Tờ khai đề nghị xác nhận nơi thường "
        "xuyên đậu, đỗ; sử dụng phương tiện vào mục đích để ở theo Mẫu số 01 ban hành kèm theo Nghị định số "
        "154/2024/NĐ-CP).", None, 1, None, own, None)
    assert rec.documents[13] == PortalDocument(
        "Hợp đồng, văn bản về việc cho thuê, cho mượn, cho ở nhờ được công chứng hoặc chứng thực theo quy định "
        "của pháp luật.", None, 1, None, rented, None)
    # sub-headings of a case keep the record's "0 bản chính"
    assert rec.documents[6].name.startswith("Trường hợp quy định tại điểm a, b, c khoản 4 Điều 20 Luật Cư trú")
    assert (rec.documents[6].originals, rec.documents[6].copies) == (0, None)
    # the last block has no case title ("--"): a note, outside every case
    assert rec.documents[-1].case is None and rec.documents[-1].name.startswith("*Lưu ý: - Không yêu cầu xuất trình")

    assert [ref.number for ref in rec.legal_basis] == [
        "66.7/2025/NQ-CP", "53/2025/TT-BCA", "66/2023/TT-BCA", "75/2022/TT-BTC", "68/2020/QH14", "57/2021/TT-BCA",
        "54/2025/TT-BCA", "154/2024/NĐ-CP", "55/2021/TT-BCA", "56/2021/TT-BCA", "58/2026/NĐ-CP"]
    assert rec.legal_basis[4] == LegalReference("68/2020/QH14", "Luật Cư trú 2020")
    assert rec.legal_basis[5] == LegalReference("57/2021/TT-BCA", "Thông tư 57/2021/TT-BCA")
    assert rec.legal_basis[0].title == ("Nghị quyết số 66.7/2025/NQ-CP của Chính phủ: Quy định cắt giảm, đơn "
                                        "giản hóa thủ tục hành chính dựa trên dữ liệu")
    assert rec.legal_basis[10].title.startswith("SỬA ĐỔI, BỔ SUNG MỘT SỐ ĐIỀU CỦA CÁC NGHỊ ĐỊNH")

    assert rec.results == (
        "Cập nhật thông tin trong Cơ sở dữ liệu quốc gia về dân cư",
        "Thông báo kết quả giải quyết thủ tục về cư trú, hủy bỏ thủ tục về cư trú",
        "Phiếu từ chối tiếp nhận, giải quyết hồ sơ (lĩnh vực cư trú)",
        "Cập nhật thông tin trong Cơ sở dữ liệu về cư trú",
    )
    assert rec.conditions == ("Người thực hiện thủ tục đã được thu thập, cập nhật thông tin công dân vào Cơ sở dữ "
                              "liệu quốc gia về dân cư, Cơ sở dữ liệu về cư trú")
    assert rec.flags == ()


def test_source_texts_hold_the_raw_strings():
    data = raw("1.004222")
    rec = parse_record(data)
    for ours, theirs in [("methods", "cach_thuc_thuc_hien"), ("documents", "thanh_phan_ho_so"),
                         ("steps", "trinh_tu_thuc_hien"), ("legal_basis", "can_cu_phap_ly"),
                         ("results", "ket_qua_xu_ly"), ("conditions", "yeu_cau_dieu_kien"), ("name", "ten_thu_tuc"),
                         ("levels", "cap_thuc_hien"), ("agency", "co_quan_thuc_hien")]:
        assert rec.source_texts[ours] == data[theirs]
    assert "Nộp hồ sơ" in rec.source_texts["results"]  # the furniture stays in the source, not in the results
    # "Không có thông tin" and empty fields are left out
    assert "related" not in rec.source_texts and "address" not in rec.source_texts


def test_forms_cases_and_a_contradicted_fee():
    rec = record("1.002755")
    assert [(m.channel, m.processing_time, m.fee) for m in rec.methods] == [
        ("online", "3 Ngày làm việc", "5.000 đồng"), ("direct", "3 Ngày làm việc", "10.000 đồng")]
    assert rec.methods[0].description.startswith("- Gia hạn tạm trú (cá nhân, hộ gia đình): + Trường hợp công dân "
                                                 "nộp hồ sơ qua cổng dịch vụ công trực tuyến thu 7.000 đồng/lần")
    assert reasons(rec) == [("methods[online].fee", "fee_contradicts_description")]
    assert "5,000 Việt Nam Đồng" in rec.flags[0].detail and "7.000 đồng" in rec.flags[0].detail

    first = rec.documents[0]
    assert first == PortalDocument(
        "Tờ khai thay đổi thông tin cư trú (của từng người) (Mẫu CT01 ban hành kèm theo Thông tư số "
        "53/2025/TT-BCA).", "1.MuCT01banhnhkmtheoThngts53.doc", 1, None,
        "Gia hạn tạm trú theo danh sách, hồ sơ gồm", None)
    assert [d.form for d in rec.documents] == ["1.MuCT01banhnhkmtheoThngts53.doc", None, None, None,
                                               "1.MuCT01banhnhkmtheoThngts53.doc", "1.MuCT01banhnhkmtheoThngts53.doc",
                                               None]
    assert rec.documents[2].case == ("Gia hạn tạm trú tại nơi đơn vị đóng quân trong Công an nhân dân, Quân đội "
                                     "nhân nhân (nơi đơn vị đóng quân, nhà ở công vụ) hồ sơ gồm")
    assert rec.documents[5].case == "Hồ sơ gia hạn tạm trú gồm"
    assert (rec.documents[6].case, rec.documents[6].originals, rec.documents[6].copies) == (None, 1, 1)


def test_civil_status_bare_times_council_fees_sections():
    rec = record("1.000080")
    assert [(m.channel, m.processing_time, m.fee) for m in rec.methods] == [
        ("online", "7", "Miễn phí"), ("post", "7", "Miễn phí"), ("direct", "7", "Miễn phí")]
    assert rec.methods[0].description.startswith("Mức lệ phí cụ thể do Hội đồng nhân dân tỉnh, thành phố trực "
                                                 "thuộc Trung ương quyết định.")
    assert rec.methods[1].description.startswith("Đồng (Mức lệ phí cụ thể")  # as written
    assert reasons(rec) == [
        ("methods[online].processing_time", "bare_number_time"), ("methods[online].fee", "fee_set_by_council"),
        ("methods[post].processing_time", "bare_number_time"), ("methods[post].fee", "fee_set_by_council"),
        ("methods[direct].processing_time", "bare_number_time"), ("methods[direct].fee", "fee_set_by_council")]
    assert '"7"' in rec.flags[0].detail and "Trực tuyến7Miễn phí" in rec.flags[0].detail
    assert "Hội đồng nhân dân tỉnh" in rec.flags[1].detail

    sections = [d.section for d in rec.documents]
    assert sections.count("Giấy tờ phải nộp") == 3 and sections.count("Giấy tờ phải xuất trình") == 7
    assert sections.count("Lưu ý") == 15 and sections[-3:] == [None, None, None]
    assert all(d.case is None for d in rec.documents)
    assert rec.documents[1] == PortalDocument(
        "- Chứng cứ chứng minh quan hệ cha, con hoặc quan hệ mẹ, con gồm:", None, 0, None, None, "Giấy tờ phải nộp")
    assert rec.documents[-2].name == ("- Tờ khai đăng ký nhận cha, mẹ, con theo mẫu (nếu người có yêu cầu lựa chọn "
                                      "nộp hồ sơ theo hình thức trực tiếp);")

    assert len(rec.legal_basis) == 16
    assert rec.legal_basis[0].number == "85/2019/TT-BTC"
    assert rec.legal_basis[3] == LegalReference("08/2025/TT-BTP", rec.legal_basis[3].title)
    assert rec.legal_basis[4] == LegalReference(
        "87/2020/NĐ-CP", "Nghị định quy định về Cơ sở dữ liệu hộ tịch điện tử, đăng ký hộ tịch trực tuyến")
    # the number cell "Thông tư số 03/2023/TT-BTP" glued to its title: the cell's own words are not the title's
    assert rec.legal_basis[-3] == LegalReference(
        "03/2023/TT-BTP", "Thông tư số 03/2023/TT-BTP ngày 02/8/2023 của Bộ trưởng Bộ Tư pháp")
    assert rec.legal_basis[-1] == LegalReference("60/2014/QH13", "Luật 60/2014/QH13")
    assert rec.results == ("Trích lục đăng ký nhận cha, mẹ, con",)
    assert len(rec.steps) == 5 and rec.steps[0].startswith("Nếu lựa chọn hình thức nộp hồ sơ trực tiếp")


def test_amount_contradicting_its_description():
    rec = record("1.002010")
    note = ("(áp dụng mức phí 25.000 đồng/hồ sơ kể từ ngày 01/7/2025 đến hết ngày 31/12/2026 theo Thông tư số "
            "64/2025/TT-BTC)")
    channels = ("online", "post", "direct")
    assert rec.methods == tuple(PortalMethod(c, "7 Ngày làm việc", "50 đồng", note) for c in channels)
    assert reasons(rec) == [(f"methods[{c}].fee", "fee_contradicts_description") for c in ("online", "post", "direct")]
    assert all('"50 VNĐ"' in f.detail and "25.000 đồng" in f.detail for f in rec.flags)
    assert rec.documents == (
        PortalDocument("Dự thảo Điều lệ của công ty luật", None, 1, None, None, None),
        PortalDocument("Giấy tờ chứng minh về trụ sở của tổ chức hành nghề luật sư.", None, 0, 1, None, None),
        PortalDocument("Giấy đề nghị đăng ký hoạt động theo mẫu thống nhất", "Mẫu TP-LS-02-sđ.docx", 1, None, None,
                       None),
    )
    assert [(r.number, r.title) for r in rec.legal_basis[:2]] == [
        ("64/2025/TT-BTC", "Thông tư quy định mức thu, miễn một số khoản phí, lệ phí nhằm hỗ trợ cho doanh nghiệp, "
                           "người dân"),
        ("47/2019/TT-BTC", "Thông thư 47/2019/TT-BTC")]
    assert [r.number for r in rec.legal_basis[3:]] == ["65/2006/QH11", "66.16/2026/NQ-CP", "03/2024/TT-BTP",
                                                       "05/2021/TT-BTP", "123/2013/NĐ-CP"]
    assert rec.results == ("Giấy đăng ký hoạt động cho Văn phòng luật sư/Công ty TNHH 1 thành viên",
                           "Giấy đăng ký hoạt động cho Công ty Luật hợp danh/Công ty TNHH 2 thành viên trở lên")


def test_fee_only_in_description():
    rec = record("1.003135")
    assert [(m.channel, m.processing_time, m.fee) for m in rec.methods] == [
        ("online", "5 Ngày làm việc", None), ("post", "5 Ngày làm việc", None), ("direct", "5 Ngày làm việc", None)]
    assert rec.methods[0].description.startswith("- 05 ngày làm việc kể từ ngày nhận đủ hồ sơ - Lệ phí : 20.000 Đồng")
    assert reasons(rec) == [(f"methods[{c}].fee", "fee_only_in_description") for c in ("online", "post", "direct")]
    assert "20.000 đồng, 50.000 đồng" in rec.flags[0].detail
    assert (rec.levels, rec.level_text) == (("province", "other"), "Cấp tỉnh, Cơ quan khác")
    assert [(d.originals, d.copies) for d in rec.documents] == [(1, 1), (2, None), (1, None), (1, 1)]
    assert rec.documents[1].name == ("02 (hai) ảnh màu hoặc bản điện tử ảnh màu cỡ 2x3 cm, nền trắng, ảnh chụp "
                                     "không quá 06 tháng")


def test_bare_time_glued_to_an_amount_is_not_split_by_guessing():
    rec = record("2.002018")
    assert rec.methods == (PortalMethod("online", "1", "Miễn phí", None), PortalMethod("post", None, None, None),
                           PortalMethod("direct", None, None, None))
    assert reasons(rec) == [("methods[online].processing_time", "bare_number_time"),
                            ("methods[post].processing_time", "ambiguous_time_fee"),
                            ("methods[direct].processing_time", "ambiguous_time_fee")]
    assert "Dịch vụ bưu chính125 VNĐ" in rec.flags[1].detail


def test_glued_legal_numbers():
    rec = record("1.010951")
    assert [r.number for r in rec.legal_basis] == [
        "122/2025/NĐ-CP", "80/2021/TT-BTC", "56/2008/TT-BTC", "38/2019/QH14", "126/2020/NĐ-CP", "19/2021/TT-BTC",
        "40/2025/TT-BTC", "46/2024/TT-BTC", "125/2025/NĐ-CP", "91/2022/NĐ-CP", "12/2022/QH15", "193/2025/NĐ-CP",
        "136/2021/NĐ-CP"]
    assert rec.legal_basis[1] == LegalReference("80/2021/TT-BTC", "Thông tư 80/2021/TT-BTC")
    assert rec.legal_basis[10] == LegalReference("12/2022/QH15", "Luật Dầu khí")
    assert rec.legal_basis[11] == LegalReference("193/2025/NĐ-CP", "193/2025/NĐ-CP")  # the title cell is the number
    assert rec.legal_basis[7].title.startswith("sửa đổi một số điều của Thông tư 19/2021/TT-BTC")  # as written
    assert (rec.levels, rec.results) == (("ministry", "province", "commune"),
                                         ("Hồ sơ gửi đến cơ quan thuế không có kết quả giải quyết",))
    assert [m.processing_time for m in rec.methods] == ["1", "1", "1"]


def test_documents_field_holding_the_steps_is_flagged_not_parsed():
    rec = record("1.001710")
    assert rec.documents == ()
    assert reasons(rec)[-2:] == [("documents", "misplaced_text"), ("steps", "truncated")]
    assert rec.steps == ("Bước 1. Lập, nộp hồ sơ - Đơn vị SDLĐ lập hồ sơ theo quy định tại mục 14.3 (",)
    assert rec.source_texts["documents"] == raw("1.001710")["thanh_phan_ho_so"]
    assert rec.legal_basis[1] == LegalReference("01/2016/TT-BLĐTBXH", "Thông tư 01/2016/TT-BLĐTBXH")
    assert rec.legal_basis[2].number == "2222/QĐ-BHXH"
    assert rec.legal_basis[2].title.startswith("BAN HÀNH QUY TRÌNH GIẢI QUYẾT HƯỞNG CÁC CHẾ ĐỘ BẢO HIỂM XÃ HỘI")


def test_related_names_without_codes_and_repeated_channels():
    rec = record("5.003809")
    assert rec.related == () and reasons(rec) == [("related", "no_codes")]
    assert [(m.channel, m.processing_time, m.fee) for m in rec.methods] == [
        ("direct", "15 Ngày", None), ("online", "15 Ngày", None), ("post", "15 Ngày", None),
        ("direct", "20 Ngày làm việc", None), ("post", "20 Ngày làm việc", None), ("online", "20 Ngày làm việc", None)]
    assert rec.methods[0].description == "Thời gian thẩm định nhiệm vụ quy hoạch đô thị và nông thôn"
    assert rec.legal_basis[-1] == LegalReference("47/2024/QH15", "Luật Quy hoạch đô thị và nông thôn số 47/2024/QH15")
    assert rec.results == ("Báo cáo thẩm định.",)
    assert rec.address == "Bộ phận tiếp nhận và trả hồ sơ tại Bộ Xây dựng"


def test_court_record_code_without_digits_and_misplaced_legal_text():
    rec = record("3.000165")
    assert (rec.levels, rec.level_text) == (("ministry", "province", "commune"), "Cấp bộ, Cấp tỉnh, Cấp xã")
    assert rec.results == ("Văn bản tố tụng của Tòa án theo tiến trình giải quyết",)
    assert rec.documents == (PortalDocument("Đơn đăng ký cấp sao tài liệu", None, 1, None, None, None),
                             PortalDocument("Chứng minh nhân dân/Căn cước công dân", None, 0, 1, None, None))
    assert rec.legal_basis == ()
    assert reasons(rec) == [("methods[online].processing_time", "bare_number_time"),
                            ("methods[direct].processing_time", "bare_number_time"), ("legal_basis", "unparsed")]
    assert "Không có thông tinCơ quan thực hiện" in rec.flags[-1].detail
    assert rec.source_texts["legal_basis"] == raw("3.000165")["can_cu_phap_ly"]


def test_page_description_is_not_a_result():
    rec = record("3.000323")
    assert rec.results == ("Trích lục đăng ký đăng ký giám sát việc giám hộ",)
    assert Flag("results", "page_text_dropped", 'Trang có ô "Mô tả" ngoài các trường của bản ghi, không được đưa '
                'vào: "Uỷ ban nhân dân cấp xã nơi cư trú của người được giám hộ."') in rec.flags
    assert ("methods[direct].fee", "fee_set_by_council") in reasons(rec)
    assert ("methods[online].fee", "fee_set_by_council") not in reasons(rec)  # the online row's note does not say so


def test_money_is_reformatted_never_computed():
    data = raw("1.004222")
    data["cach_thuc_thuc_hien"] = ("Hình thức nộpThời gianPhí, lệ phíMô tảTrực tuyến21 Ngày1,200,000 Việt Nam Đồng"
                                   "Dịch vụ bưu chính5 Ngày làm việc10 USD(10 USD/lần)Trực tiếp2 Giờ200,000 VNĐ")
    rec = parse_record(data)
    assert [(m.channel, m.processing_time, m.fee, m.description) for m in rec.methods] == [
        ("online", "21 Ngày", "1.200.000 đồng", None), ("post", "5 Ngày làm việc", "10 USD", "10 USD/lần"),
        ("direct", "2 Giờ", "200.000 đồng", None)]
    assert rec.flags == ()


def test_load_records_folder_sorted_and_files(tmp_path):
    records = load_records([FIXTURES])
    codes = [r.code for r in records]
    assert codes == sorted(p.stem for p in FIXTURES.glob("*.json")) and len(codes) == 11
    assert load_records([FIXTURES / "1.002010.json", FIXTURES / "1.000080.json"])[0].code == "1.000080"
    nested = tmp_path / "a" / "b"
    nested.mkdir(parents=True)
    shutil.copy(FIXTURES / "3.000165.json", nested)
    assert [r.code for r in load_records([tmp_path])] == ["3.000165"]


def test_duplicate_codes_name_both_files(tmp_path):
    for folder in ("one", "two"):
        (tmp_path / folder).mkdir()
        shutil.copy(FIXTURES / "1.002010.json", tmp_path / folder / "x.json")
    with pytest.raises(PortalFormatError) as error:
        load_records([tmp_path])
    assert "1.002010" in str(error.value)
    assert str(tmp_path / "one" / "x.json") in str(error.value) and str(tmp_path / "two" / "x.json") in str(error.value)


@pytest.mark.parametrize("field", ["ma_thu_tuc", "ten_thu_tuc"])
@pytest.mark.parametrize("value", [None, "", "Không có thông tin"])
def test_missing_code_or_name(field, value):
    data = raw("1.002010")
    if value is None:
        del data[field]
    else:
        data[field] = value
    with pytest.raises(PortalFormatError, match=field):
        parse_record(data)


def test_format_errors_name_the_record_and_file(tmp_path):
    with pytest.raises(PortalFormatError, match="JSON object"):
        parse_record(["not", "a", "record"])  # type: ignore[arg-type]
    data = raw("1.002010")
    data["linh_vuc"] = 7
    with pytest.raises(PortalFormatError, match=r"1\.002010.*linh_vuc"):
        parse_record(data)
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"ma_thu_tuc": "1.000001"}), encoding="utf-8")
    with pytest.raises(PortalFormatError) as error:
        load_records([bad])
    assert str(bad) in str(error.value) and "ten_thu_tuc" in str(error.value)
    broken = tmp_path / "broken.json"
    broken.write_text("{", encoding="utf-8")
    with pytest.raises(PortalFormatError, match="broken.json"):
        load_records([broken])
    assert issubclass(PortalFormatError, ValueError)
