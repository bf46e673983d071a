"""The results workbook: ranking, prizes, every counted answer, and the round's statistics.

Sheets: "Xếp hạng", "Giải thưởng", "Thông tin", "Chi tiết", "Thống kê", "Theo ngày".
"""

from handlers.reports.prizes import PRIZE_HEADERS
from handlers.reports.workbook import RANKING_HEADERS, results_workbook

__all__ = ["PRIZE_HEADERS", "RANKING_HEADERS", "results_workbook"]
