"""The dashboard: charts drawn on the server, each table exportable to CSV or XLSX."""
from __future__ import annotations

from sanic import Blueprint, response
from sanic.request import Request

import envconfig
from workspace import charts, questions, stats
from workspace.export import to_csv, to_xlsx
from workspace.guard import staff
from workspace.render import page, refused

pages = Blueprint("dashboard")
TITLES = {"messages": "Tin nhắn theo ngày và kênh", "outcomes": "Trả lời / gợi ý / không tìm thấy",
          "procedures": "Thủ tục được hỏi nhiều nhất", "ratings": "Đánh giá 👍/👎 theo thủ tục",
          "rated_down": "Câu trả lời bị đánh giá 👎 nhiều nhất", "handoffs": "Yêu cầu gặp cán bộ đang chờ",
          "unanswered": "Câu hỏi chưa trả lời được"}


def _name(request: Request, record_id: str) -> str:
    record = request.app.ctx.publisher.record(record_id)
    return record.title if record else record_id


def tables(request: Request) -> dict[str, tuple[list[str], list[list]]]:
    talk = stats.conversations(envconfig.tracker_db())
    channels = sorted(talk.messages)
    outcomes = list(talk.outcomes)
    rated = stats.ratings()
    asked, _ = questions.open_questions(200)
    return {
        "messages": (["Ngày", *channels], [[day, *(talk.messages[c][i] for c in channels)]
                                          for i, day in enumerate(talk.days)]),
        "outcomes": (["Ngày", *outcomes, "% trả lời"],
                     [[day, *(talk.outcomes[o][i] for o in outcomes), _rate(talk.outcomes, outcomes[0], i)]
                      for i, day in enumerate(talk.days)]),
        "procedures": (["Mã", "Thủ tục", "Số cuộc trò chuyện"],
                       [[r, _name(request, r), n] for r, n in talk.procedures.most_common(15)]),
        "ratings": (["Mã", "Thủ tục", "👍", "👎", "% 👍"],
                    [[r, _name(request, r), up, down, round(100 * up / (up + down))] for r, up, down in rated]),
        "rated_down": (["Mã", "Thủ tục", "👎", "👍"],
                       [[r, _name(request, r), down, up] for r, up, down in
                        sorted(rated, key=lambda x: -x[2]) if down][:15]),
        "handoffs": (["Kênh", "Đã chờ (phút)"], [list(row) for row in stats.handoffs_waiting()]),
        "unanswered": (["Số lần", "Câu hỏi", "Lần cuối"], [[q.count, q.text, q.last_seen.strftime("%Y-%m-%d %H:%M")]
                                                           for q in asked]),
    }


def _rate(outcomes: dict[str, list[int]], answered: str, day: int) -> int:
    total = sum(values[day] for values in outcomes.values())
    return round(100 * outcomes[answered][day] / total) if total else 0


@staff(pages, "/dashboard")
def dashboard(request: Request, user):
    data = tables(request)
    talk = stats.conversations(envconfig.tracker_db())
    totals = [sum(values[day] for values in talk.outcomes.values()) for day in range(len(talk.days))]
    rate_days = {name: [round(100 * v / t) if t else 0 for v, t in zip(values, totals)]
                 for name, values in talk.outcomes.items()}
    pictures = {
        "messages": charts.lines(TITLES["messages"], talk.days, {c: talk.messages[c] for c in sorted(talk.messages)}),
        "outcomes": charts.lines(TITLES["outcomes"] + " (% mỗi ngày)", talk.days, rate_days, "%", total=False),
        "procedures": charts.bars(TITLES["procedures"], [(row[1], row[2]) for row in data["procedures"][1]]),
        "ratings": charts.bars(TITLES["ratings"] + " (% 👍)", [(row[1], row[4]) for row in data["ratings"][1]], "%"),
        "rated_down": charts.bars(TITLES["rated_down"], [(row[1], row[2]) for row in data["rated_down"][1]]),
        "handoffs": charts.bars(TITLES["handoffs"], [(f"{row[0]} #{i + 1}", row[1]) for i, row in
                                                     enumerate(data["handoffs"][1])], " phút"),
    }
    return page(request, "dashboard.html", tables=data, titles=TITLES, pictures=pictures)


@staff(pages, "/dashboard/export/<name>/<kind>")
def export(request: Request, user, name: str, kind: str):
    data = tables(request)
    if name not in data or kind not in ("csv", "xlsx"):
        return refused(request, 404, "Không có bảng này.")
    headers, rows = data[name]
    if kind == "csv":
        body, mime = to_csv(headers, rows), "text/csv; charset=utf-8"
    else:
        body, mime = to_xlsx(name, headers, rows), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    return response.raw(body, content_type=mime,
                        headers={"Content-Disposition": f'attachment; filename="{name}.{kind}"'})
