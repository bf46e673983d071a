"""The results workbook (ranking, prizes, the round's statistics) and, beside it, every
counted answer in a compressed CSV (detail_csv).

Sheets: "Xếp hạng" (and "Xếp hạng (2)"… past Excel's row limit), "Giải thưởng", "Thông tin",
"Thống kê", "Theo ngày".
"""

from handlers.reports.prizes import PRIZE_HEADERS
from handlers.reports.workbook import RANKING_HEADERS, results_workbook

__all__ = ["PRIZE_HEADERS", "RANKING_HEADERS", "results_workbook"]
