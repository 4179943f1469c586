import json

import pytest

from knowledge_base.catalog import load_catalog
from knowledge_base.importers import CatalogImportError, read_records, write_procedures

PORTAL_RECORD = {
    "Mã thủ tục": "1.001193",
    "Tên thủ tục": "Đăng ký khai sinh",
    "Lĩnh vực": "Hộ tịch",
    "Cấp thực hiện": "Cấp xã",
    "Cơ quan thực hiện": "UBND xã, phường",
    "Trình tự thực hiện": ["Nộp hồ sơ", "Nhận kết quả"],
    "Cách thức thực hiện": [{"Hình thức nộp": "Trực tuyến", "Thời hạn giải quyết": "Trong ngày",
                             "Phí, lệ phí": "Miễn lệ phí"}],
    "Thành phần hồ sơ": [{"Tên giấy tờ": "Tờ khai", "Số lượng": "01 bản chính", "Mẫu đơn, tờ khai": "Tờ khai"}],
    "Mức độ dịch vụ công": "Toàn trình",
    "Căn cứ pháp lý": ["Luật Hộ tịch 2014"],
}


def test_portal_json_with_vietnamese_labels(tmp_path):
    path = tmp_path / "portal.json"
    path.write_text(json.dumps([PORTAL_RECORD], ensure_ascii=False), encoding="utf-8")
    [record] = read_records(path)
    assert (record.id, record.national_code, record.levels) == ("tt-1-001193", "1.001193", ("commune",))
    assert record.methods[0].channel == "online" and record.methods[0].fee == "Miễn lệ phí"
    assert record.documents[0].form == "Tờ khai" and record.online_level == "full"
    assert record.verified is False and "portal.json" in record.source


def test_district_level_is_refused_with_a_reason(tmp_path):
    path = tmp_path / "old.json"
    path.write_text(json.dumps({**PORTAL_RECORD, "Cấp thực hiện": "Cấp huyện"}, ensure_ascii=False), encoding="utf-8")
    with pytest.raises(CatalogImportError, match="cấp huyện"):
        read_records(path)


def test_one_bad_row_imports_nothing_and_names_the_row(tmp_path):
    path = tmp_path / "rows.json"
    path.write_text(json.dumps([PORTAL_RECORD, {"Tên thủ tục": "Thiếu lĩnh vực"}], ensure_ascii=False))
    with pytest.raises(CatalogImportError, match="rows.json record 2"):
        read_records(path)


@pytest.mark.parametrize("suffix", [".json", ".csv", ".xlsx"])
def test_export_then_import_gives_back_the_same_records(catalog_dir, tmp_path, suffix):
    procedures = load_catalog(catalog_dir).procedures
    path = tmp_path / f"export{suffix}"
    write_procedures(path, procedures)
    assert tuple(read_records(path)) == procedures


def test_unknown_file_type(tmp_path):
    path = tmp_path / "x.txt"
    path.write_text("hello")
    with pytest.raises(CatalogImportError, match="unsupported file type"):
        read_records(path)
