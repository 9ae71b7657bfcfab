from zoneinfo import ZoneInfo

from flask import Response, jsonify
from flask_openapi3 import Tag

from hall.adapters import report_files
from hall.entrypoints.api import api
from hall.entrypoints.api.common import caller, ctx
from hall.entrypoints.api.schemas import ReportQuery
from hall.service_layer import reports

tag = Tag(name="reports", description="报表 Reports")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@api.get("/reports/daily", tags=[tag], summary="The day's figures per category, window and clerk (supervisor)")
def daily(query: ReportQuery):
    actor = caller()
    c = ctx()
    day = query.date
    if day is None:
        with c.transaction() as uow:
            day = c.clock().astimezone(ZoneInfo(c.settings(uow).timezone)).date()
    report = reports.daily(c, actor, day)
    if query.format == "json":
        return jsonify(report)
    name = f"hall-report-{day.isoformat()}.{query.format}"
    body, mime = (report_files.to_csv(report), "text/csv; charset=utf-8") if query.format == "csv" \
        else (report_files.to_xlsx(report), XLSX)
    return Response(body, mimetype=mime, headers={"Content-Disposition": f'attachment; filename="{name}"'})
