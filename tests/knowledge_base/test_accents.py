from knowledge_base.accents import AccentRestorer

CORPUS = ["Đăng ký khai sinh cho trẻ", "Đăng ký khai tử cho người đã mất", "Cấp giấy phép lái xe",
          "Mẹ tôi mất ở bệnh viện", "Giấy tờ cần có"]


def test_accents_come_back_from_the_corpus():
    restorer = AccentRestorer(CORPUS)
    assert restorer.restore("dang ky khai tu cho me toi") == "đăng ký khai tử cho mẹ tôi"


def test_unknown_syllables_stay_as_typed():
    assert AccentRestorer(CORPUS).restore("khai sinh xyz") == "khai sinh xyz"
