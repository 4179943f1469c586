"""Records for tests: a small catalog with the shape of the real one."""
from __future__ import annotations

import datetime as dt

from knowledge_base.schema import Document, Faq, Method, Procedure


def make_procedure(id: str, name: str, aliases: tuple[str, ...] = (), **changes) -> Procedure:
    fields = dict(
        id=id, national_code=None, name=name, field="Hộ tịch", levels=("commune",), agency="UBND xã, phường",
        where_to_submit="Bộ phận một cửa UBND xã, phường", applicants="Công dân", steps=("Nộp hồ sơ", "Nhận kết quả"),
        methods=(Method("direct", "Trong ngày", "Miễn lệ phí"),), documents=(Document("Tờ khai", "01 bản chính"),),
        result="Giấy tờ", legal_basis=("Luật Hộ tịch 2014",), conditions=None, online_level="full",
        portal_url="https://dichvucong.gov.vn", related=(), aliases=aliases, keywords=(), source="thử nghiệm",
        last_checked=dt.date(2026, 11, 27), provenance="drafted",
    )
    fields.update(changes)
    return Procedure(**fields)


SMALL_CATALOG = (
    make_procedure("ht-khai-sinh", "Đăng ký khai sinh", ("làm giấy khai sinh",),
                   related=("cu-tam-tru", "ht-khai-tu", "ht-ket-hon", "hc-ho-chieu")),
    make_procedure("ht-khai-tu", "Đăng ký khai tử", ("báo tử",)),
    make_procedure("ht-ket-hon", "Đăng ký kết hôn", ("đăng ký lấy vợ lấy chồng",)),
    make_procedure("cu-tam-tru", "Đăng ký tạm trú", field="Cư trú"),
    make_procedure("hc-ho-chieu", "Cấp hộ chiếu phổ thông", ("làm hộ chiếu",), field="Xuất nhập cảnh"),
    Faq("faq-gio-lam-viec", ("Bộ phận một cửa làm việc giờ nào?",), "Giờ hành chính các ngày làm việc.", (),
        "thử nghiệm", dt.date(2026, 11, 27), False),
)


def make_official(**changes) -> Procedure:
    """An official record shaped like an imported one: cases of documents, flagged values."""
    from knowledge_base.schema import Flag

    fields = dict(
        national_code="1.004222", levels=("commune",), agency="Công an cấp xã", where_to_submit=None,
        methods=(Method("direct", "7 Ngày làm việc", "15.000 đồng", "Lệ phí đăng ký cư trú"),
                 Method("online", "7", "Miễn phí", "Mức thu do Hội đồng nhân dân tỉnh quyết định")),
        documents=(Document("Tờ khai thay đổi thông tin cư trú", "1 bản chính", "CT01", "Chỗ ở thuộc sở hữu của mình"),
                   Document("Giấy tờ chứng minh chỗ ở hợp pháp", "1 bản sao", None, "Chỗ ở thuộc sở hữu của mình"),
                   Document("Tờ khai thay đổi thông tin cư trú", "1 bản chính", "CT01", "Chỗ ở do thuê, mượn, ở nhờ"),
                   Document("Hợp đồng thuê nhà", "1 bản sao", None, "Chỗ ở do thuê, mượn, ở nhờ")),
        portal_url="https://dichvucong.gov.vn/thu-tuc-hanh-chinh/example", provenance="official",
        last_checked=dt.date(2026, 7, 17), source="Cổng Dịch vụ công quốc gia", decision="1234/QĐ-BCA",
        flags=(Flag("methods[online].processing_time", "bare_number_time", "“7”"),
               Flag("methods[online].fee", "fee_set_by_council", "do HĐND tỉnh quyết định")),
    )
    fields.update(changes)
    return make_procedure("1.004222", "Đăng ký thường trú", **fields)
