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
        last_checked=dt.date(2026, 11, 27), verified=False,
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
