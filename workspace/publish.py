"""Saving staff edits and publishing them: the catalog file written, the index rebuilt incrementally
(only changed texts are embedded; a fee edit loads no model) and swapped live, so the running action
server answers from it on the next question. One publish at a time; a failed build puts the file
back, leaves the old index serving and says why."""
from __future__ import annotations

import datetime as dt
import threading
import time
from dataclasses import dataclass, replace

from knowledge_base.catalog import record_path, write_record
from knowledge_base.encoders import LazyEncoder
from knowledge_base.index import build_index
from knowledge_base.schema import Procedure, Record, ValidationError
from knowledge_base.settings import Settings as KnowledgeBaseSettings
from workspace import audit, versions
from workspace.content import CatalogCache, kind_of, parse, to_raw


class PublishError(RuntimeError):
    pass


@dataclass(frozen=True)
class Published:
    version_id: int
    seconds: float


class Publisher:
    def __init__(self, settings: KnowledgeBaseSettings, cache: CatalogCache | None = None):
        self.settings = settings
        self.cache = cache or CatalogCache(settings.catalog_dir)
        self.encoder = LazyEncoder(settings.encoder, "auto")      # kept: a second alias edit reuses the model
        self._lock = threading.Lock()

    def record(self, record_id: str) -> Record | None:
        return self.cache.catalog().get(record_id)

    def save(self, record: Record, raw: dict, author: str, note: str | None = None) -> versions.RecordVersion:
        """A staff edit, validated by the catalog schema, kept as a draft (published at once when the
        admin chose so, by the caller)."""
        edited = parse(kind_of(record), raw)
        if edited.id != record.id:
            raise ValidationError(record.id, [("id", "không được đổi mã hồ sơ")])
        self.cache.check_links(edited)
        if self.record(record.id) is not None:       # not for a new record still in draft
            self._keep_base(record)
        version = versions.add(record.id, kind_of(record), to_raw(edited), author, "draft", note)
        audit.record(author, "save_draft", record.id, note)
        return version

    def create(self, kind: str, raw: dict, author: str, note: str | None = None) -> versions.RecordVersion:
        """A new record (an FAQ entry), validated, kept as a draft until published."""
        record = parse(kind, raw)
        if self.record(record.id) is not None or self.draft_record(record.id) is not None:
            raise ValidationError(record.id, [("id", f"đã có hồ sơ mã '{record.id}'")])
        self.cache.check_links(record)
        version = versions.add(record.id, kind, to_raw(record), author, "draft", note)
        audit.record(author, "create_draft", record.id, note)
        return version

    def draft_record(self, record_id: str) -> Record | None:
        """A new record that exists only as a draft (not yet published to the catalog)."""
        chain = versions.history(record_id)
        return parse(chain[-1].kind, chain[-1].content) if chain and chain[-1].state == "draft" \
            and self.record(record_id) is None else None

    def _keep_base(self, record: Record) -> None:
        if not versions.history(record.id):
            versions.add(record.id, kind_of(record), to_raw(record), "catalog", "base", "bản trong danh mục")

    def publish(self, version_id: int, by: str) -> Published:
        """Write the version to the catalog and make the index serve it; PublishError says why not."""
        version = versions.get(version_id)
        if version is None:
            raise PublishError("không có phiên bản này")
        with self._lock:
            started = time.perf_counter()
            record = parse(version.kind, version.content)
            path = record_path(self.settings.catalog_dir, record)
            previous = path.read_bytes() if path.exists() else None
            old_record = self.cache.catalog().get(record.id)
            try:
                write_record(self.settings.catalog_dir, record)
                catalog = self.cache.replace_record(record)
                build_index(catalog, self.encoder, self.settings.index_dir)
            except Exception as error:     # noqa: BLE001 — whatever failed, nothing changes
                if previous is None:
                    path.unlink(missing_ok=True)
                else:
                    path.write_bytes(previous)
                if old_record is not None:
                    self.cache.replace_record(old_record)
                audit.record(by, "publish_failed", record.id, f"{type(error).__name__}: {error}"[:500])
                raise PublishError(f"Chưa công bố được, trợ lý vẫn trả lời theo bản cũ: {type(error).__name__}: "
                                   f"{error}") from error
            versions.mark_published(version.id, by)
            seconds = time.perf_counter() - started
            audit.record(by, "publish", record.id, f"phiên bản {version.id}, {seconds:.1f} s")
            return Published(version.id, seconds)

    def verify(self, record: Record, user) -> Published:
        """The record as staff now see it (a pending draft included), marked verified by this reviewer."""
        status = versions.status(record.id, to_raw(record))
        current = parse(kind_of(record), status.draft.content) if status.draft else record
        if isinstance(current, Procedure):
            checked = replace(current, provenance="verified", verified_by=user.username, last_checked=dt.date.today())
        else:
            checked = replace(current, verified=True, last_checked=dt.date.today())
        version = self.save(record, to_raw(checked), user.username, "đánh dấu đã xác minh")
        audit.record(user.username, "verify", record.id)
        return self.publish(version.id, user.username)

    def resolve_conflict(self, record: Record, keep_staff: bool, user) -> Published | None:
        """After an official re-import changed a staff-edited record: keep staff's fields over the
        new official ones (published), or take the official record as the new base."""
        on_disk = to_raw(record)
        status = versions.status(record.id, on_disk)
        if not status.conflict:
            return None
        if not keep_staff:
            versions.add(record.id, kind_of(record), on_disk, user.username, "base", "nhận bản nhập chính thức")
            audit.record(user.username, "conflict_take_official", record.id, ", ".join(status.conflict))
            return None
        versions.add(record.id, kind_of(record), on_disk, "import", "base", "bản nhập chính thức mới")
        version = self.save(record, {**on_disk, **status.staff_fields}, user.username,
                            "giữ bản sửa của cán bộ trên bản nhập mới")
        audit.record(user.username, "conflict_keep_staff", record.id, ", ".join(status.staff_fields))
        return self.publish(version.id, user.username)
