"""The one masking function on realistic Vietnamese messages: what identifies a person goes,
what a staff member needs to read the question stays."""
import pytest

from privacy import MASK, mask, mask_reply_to_check_digits


@pytest.mark.parametrize("message, secret", [
    ("số cccd của tôi là 001099012345, làm lại thẻ ở đâu", "001099012345"),
    ("cccd 001 099 012 345", "001 099 012 345"),
    ("cmnd cũ 012345678 còn dùng được không", "012345678"),
    ("sdt 0912 345 678 gọi lại giúp em", "0912 345 678"),
    ("liên hệ +84 912.345.678", "+84 912.345.678"),
    ("sđt: 84-912-345-678", "84-912-345-678"),
    ("email nguyen.van.a@gmail.com nhé", "nguyen.van.a@gmail.com"),
    ("hộ chiếu C1234567 hết hạn", "C1234567"),
    ("stk 1903 5555 8888 01 techcombank", "1903 5555 8888 01"),
    ("hồ sơ 000.00.53.H26-240115-0012 đến đâu rồi", "240115-0012"),
    ("4 số cuối là 5678", "5678"),
    ("đuôi sđt 1234 ạ", "1234"),
    ("sdt em là không chín một hai ba bốn năm sáu bảy tám", "không chín một hai ba bốn năm sáu bảy tám"),
    ("so dt 09 mot hai 345 sau bay tam", "09 mot hai 345 sau bay tam"),
])
def test_personal_numbers_are_masked(message, secret):
    masked = mask(message)
    assert secret not in masked and MASK in masked
    assert not any(part in masked for part in secret.split() if len(part) >= 4 and part.isdigit())


@pytest.mark.parametrize("message", [
    "lệ phí 100.000 đồng có đúng không",
    "phí 1.500.000đ hay 2 triệu",
    "năm 2025 tôi đăng ký tạm trú",
    "ngày 01/07/2025 có làm việc không",
    "Nghị định 118/2025/NĐ-CP thay Nghị định 61/2018",
    "nộp 2 bản sao, 1 bản chính",
    "dang ky tam tru o dau",
    "mã thủ tục 1.001193",
])
def test_what_staff_need_to_read_is_kept(message):
    assert mask(message) == message


def test_a_reply_of_four_digits_is_the_check_and_is_masked():
    assert mask_reply_to_check_digits(" 5678 ") == MASK
    assert mask_reply_to_check_digits("5 6 7 8") == MASK
    assert mask_reply_to_check_digits("đăng ký khai sinh") == "đăng ký khai sinh"
