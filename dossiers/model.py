"""What a dossier is, as the look-up and the stores pass it around (frozen dataclasses)."""
from __future__ import annotations

import datetime as dt
import enum
from dataclasses import dataclass

from dossiers.checks import CheckDigits

VIETNAM = dt.timezone(dt.timedelta(hours=7), "ICT")   # no daylight saving time


def today() -> dt.date:
    """Today's date in Vietnam (promised dates are Vietnamese calendar days)."""
    return dt.datetime.now(VIETNAM).date()


class Status(enum.Enum):
    """The national public-service portal's dossier statuses (1–10). Values are stable slugs."""

    NEW = "new"                                  # 1 mới đăng ký
    RECEIVED = "received"                        # 2 được tiếp nhận
    REJECTED = "rejected"                        # 3 không được tiếp nhận
    PROCESSING = "processing"                    # 4 đang xử lý
    SUPPLEMENT_REQUESTED = "supplement_requested"  # 5 yêu cầu bổ sung giấy tờ
    PAYMENT_REQUESTED = "payment_requested"      # 6 yêu cầu thực hiện nghĩa vụ tài chính
    WITHDRAWN = "withdrawn"                      # 7 công dân yêu cầu rút hồ sơ
    STOPPED = "stopped"                          # 8 dừng xử lý
    PROCESSED = "processed"                      # 9 đã xử lý xong
    RETURNED = "returned"                        # 10 đã trả kết quả

    @property
    def number(self) -> int:
        return list(Status).index(self) + 1

    @property
    def label(self) -> str:
        """The portal's name for the status (staff tools and import files; the bot's wording is in the domain)."""
        return PORTAL_LABELS[self]

    @property
    def in_progress(self) -> bool:
        """Still with the administration, so it can be late: not finished, refused, withdrawn or stopped."""
        return self in IN_PROGRESS


PORTAL_LABELS = {
    Status.NEW: "Mới đăng ký",
    Status.RECEIVED: "Được tiếp nhận",
    Status.REJECTED: "Không được tiếp nhận",
    Status.PROCESSING: "Đang xử lý",
    Status.SUPPLEMENT_REQUESTED: "Yêu cầu bổ sung giấy tờ",
    Status.PAYMENT_REQUESTED: "Yêu cầu thực hiện nghĩa vụ tài chính",
    Status.WITHDRAWN: "Công dân yêu cầu rút hồ sơ",
    Status.STOPPED: "Dừng xử lý",
    Status.PROCESSED: "Đã xử lý xong",
    Status.RETURNED: "Đã trả kết quả",
}
IN_PROGRESS = frozenset({Status.NEW, Status.RECEIVED, Status.PROCESSING, Status.SUPPLEMENT_REQUESTED,
                         Status.PAYMENT_REQUESTED})


@dataclass(frozen=True)
class StatusChange:
    status: Status
    at: dt.datetime                  # timezone-aware
    note: str | None = None


@dataclass(frozen=True)
class Applicant:
    """Who submitted the dossier; numbers only in masked form (the last four digits never)."""

    name: str
    phone_masked: str | None = None
    id_number_masked: str | None = None


@dataclass(frozen=True)
class Dossier:
    code: str
    procedure_name: str
    procedure_id: str | None          # the knowledge base's procedure id, when known
    applicant: Applicant
    received_on: dt.date
    due_on: dt.date                   # ngày hẹn trả
    status: Status
    handling_unit: str
    status_note: str | None = None    # reason for a refusal or a stop, the financial obligation to meet…
    history: tuple[StatusChange, ...] = ()
    missing_documents: tuple[str, ...] = ()   # when more documents are requested
    supplement_place: str | None = None       # … and where to bring them
    apology_letter: str | None = None         # for a late dossier: the letter (text or link)
    new_due_on: dt.date | None = None         # … and the new appointment date
    collection_method: str | None = None      # for a finished one: how to collect the result
    collection_place: str | None = None       # … and where

    def is_overdue(self, on: dt.date) -> bool:
        """Past the promised date and still in progress (computed, never stored)."""
        return self.status.in_progress and on > self.due_on

    def days_to_due(self, on: dt.date) -> int:
        """Days left until the promised date; negative when it has passed."""
        return (self.due_on - on).days


@dataclass(frozen=True)
class DossierUpdate:
    """One dossier to create or update (an import row), with the check digits to hash."""

    dossier: Dossier
    check: CheckDigits                # None parts: keep what is stored
    replace_history: bool             # the file gave the full history; otherwise the current status is appended
    status_at: dt.datetime | None = None   # when the current status was set (for the appended entry)
