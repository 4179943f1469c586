"""A clearly fictitious demo set: every status, some dossiers late, dates relative to today.

Applicants are "Nguyễn Văn Demo 001"…, units "… (DEMO)", codes on the made-up receiving unit
999.99.99.H26; the phone's last 4 digits are 1000 + the dossier's number, the ID's 2000 + it
(for numbers below 8,000), so dossier …-0003 answers to 1003 or 2003.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from dossiers.checks import CheckDigits, masked
from dossiers.model import VIETNAM, Applicant, Dossier, DossierUpdate, Status, StatusChange, today

DEMO_UNIT = "999.99.99.H26"
PROCEDURES = (  # (national code = knowledge-base id, official name) of real procedures; the dossiers are not real
    ("1.001193", "Thủ tục đăng ký khai sinh"),
    ("1.000894", "Thủ tục đăng ký kết hôn"),
    ("1.004194", "Đăng ký tạm trú"),
    ("1.004222", "Đăng ký thường trú"),
    ("3.000347", "Đổi giấy phép lái xe"),
    ("1.004859", "Thủ tục thay đổi, cải chính, bổ sung thông tin hộ tịch, xác định lại dân tộc"),
)
ORDER = (Status.NEW, Status.RECEIVED, Status.PROCESSING, Status.SUPPLEMENT_REQUESTED, Status.PAYMENT_REQUESTED,
         Status.PROCESSED, Status.RETURNED)   # the usual way through; the other statuses branch off it
NOTES = {
    Status.REJECTED: "Hồ sơ không thuộc thẩm quyền giải quyết của đơn vị (DEMO).",
    Status.STOPPED: "Dừng xử lý theo đề nghị của cơ quan có thẩm quyền (DEMO).",
    Status.PAYMENT_REQUESTED: "Nộp lệ phí 50.000 đồng tại quầy thu phí hoặc qua Cổng dịch vụ công (DEMO).",
}


@dataclass(frozen=True)
class DemoCredential:
    code: str
    status: Status
    overdue: bool
    phone_last4: str
    id_last4: str


def demo_phone(number: int) -> str:
    return f"09000{number // 10000 % 10}{1000 + number % 9000:04d}"


def demo_id_number(number: int) -> str:
    return f"00109900{2000 + number % 8000:04d}"


def demo_updates(count: int = 2000, on: dt.date | None = None) -> list[DossierUpdate]:
    on = on or today()
    return [_update(number, on) for number in range(1, count + 1)]


def credentials(updates: list[DossierUpdate], on: dt.date | None = None) -> list[DemoCredential]:
    on = on or today()
    return [DemoCredential(u.dossier.code, u.dossier.status, u.dossier.is_overdue(on), u.check.phone or "",
                           u.check.id_number or "") for u in updates]


def _update(number: int, on: dt.date) -> DossierUpdate:
    status = list(Status)[number % len(Status)]
    procedure_id, procedure_name = PROCEDURES[number % len(PROCEDURES)]
    late = status.in_progress and number % 3 == 0
    received = on - dt.timedelta(days=(25 if late else 5) + number % 7)
    due = received + dt.timedelta(days=15)
    phone, id_number = demo_phone(number), demo_id_number(number)
    unit = f"UBND phường Demo {number % 5 + 1:02d} (DEMO)"
    dossier = Dossier(
        code=f"{DEMO_UNIT}-{received:%y%m%d}-{number:04d}",
        procedure_name=procedure_name, procedure_id=procedure_id,
        applicant=Applicant(f"Nguyễn Văn Demo {number:03d}", masked(phone), masked(id_number)),
        received_on=received, due_on=due, status=status, handling_unit=unit,
        status_note=NOTES.get(status),
        history=_history(status, received),
        missing_documents=(("Bản sao Giấy khai sinh (DEMO)", "Tờ khai có chữ ký của người yêu cầu (DEMO)")
                           if status is Status.SUPPLEMENT_REQUESTED else ()),
        supplement_place=(f"Bộ phận một cửa {unit}, giờ hành chính" if status is Status.SUPPLEMENT_REQUESTED
                          else None),
        apology_letter=(f"{unit} xin lỗi Anh/Chị vì hồ sơ chậm so với ngày hẹn do cần xác minh thêm (DEMO)."
                        if late and number % 2 == 0 else None),
        new_due_on=on + dt.timedelta(days=5) if late and number % 2 == 0 else None,
        collection_method="Nhận trực tiếp hoặc qua bưu chính công ích" if status is Status.PROCESSED else None,
        collection_place=f"Bộ phận một cửa {unit}" if status is Status.PROCESSED else None,
    )
    return DossierUpdate(dossier, CheckDigits(phone[-4:], id_number[-4:]), replace_history=True)


def _history(status: Status, received: dt.date) -> tuple[StatusChange, ...]:
    path = ORDER[:ORDER.index(status) + 1] if status in ORDER else (Status.NEW, Status.RECEIVED, status)
    if status is Status.REJECTED:
        path = (Status.NEW, Status.REJECTED)
    start = dt.datetime.combine(received, dt.time(8, 30), VIETNAM)
    return tuple(StatusChange(s, start + dt.timedelta(days=i, hours=i)) for i, s in enumerate(path))
