"""The workbook behind a native (editable) chart: every cell written with its type, nothing as a formula.

A category, series name or label comes from a CSV downloaded from a data portal, and the deck's
embedded workbook opens in Excel when a lecturer clicks "Edit Data". python-pptx writes that
workbook through XlsxWriter's ``write()``, which turns any string starting with ``=`` into a live
formula (``=HYPERLINK(...)``, ``=cmd|' /C calc'!A0`` DDE payloads) and any URL-looking string into
a hyperlink. Here text is written as text (a shared string), numbers as numbers, empty as empty;
text that a spreadsheet would read as a formula when the cell is edited (a leading ``=``, ``+``,
``-``, ``@``, tab or carriage return, or their full-width forms: OWASP's CSV-injection list) is
also given the quotePrefix style, as Excel's leading apostrophe does, so it stays text after an
edit too. The cell still holds the characters as written: the slide, the chart's cached values
and the picture show them unchanged.
"""
from __future__ import annotations

from contextlib import contextmanager
from numbers import Real

from pptx.chart.data import CategoryChartData
from pptx.chart.xlsx import CategoryWorkbookWriter
from pptx.util import lazyproperty
from xlsxwriter import Workbook

# What spreadsheets read as the start of a formula (or DDE call) when the text is typed or edited.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n", "\uff1d", "\uff0b", "\uff0d", "\uff20")
# Never interpret a string: no formulas, no hyperlinks, no numbers out of text.
WORKBOOK_OPTIONS = {"in_memory": True, "strings_to_formulas": False, "strings_to_urls": False,
                    "strings_to_numbers": False}


def looks_like_formula(text: str) -> bool:
    return text.startswith(FORMULA_STARTS)


class TypedWorkbookWriter(CategoryWorkbookWriter):
    """python-pptx's category layout (its cell references stay the authority), typed cells."""

    @contextmanager
    def _open_worksheet(self, xlsx_file):
        workbook = Workbook(xlsx_file, WORKBOOK_OPTIONS)
        worksheet = workbook.add_worksheet()
        yield workbook, worksheet
        workbook.close()

    def _populate_worksheet(self, workbook, worksheet):
        self._text_formats = {False: None, True: workbook.add_format({"quote_prefix": True})}
        categories = self._chart_data.categories
        depth = categories.depth
        for idx, level in enumerate(categories.levels):
            col = depth - idx - 1
            worksheet.set_column(col, col, 10)
            for off, name in level:
                self._cell(worksheet, off + 1, col, name)
        for idx, series in enumerate(self._chart_data):
            col = idx + depth
            self._cell(worksheet, 0, col, series.name)
            for row, value in enumerate(series.values, 1):
                self._cell(worksheet, row, col, value)

    def _cell(self, worksheet, row: int, col: int, value) -> None:
        if value is None:
            return  # a missing value stays an empty cell (a gap in the chart), never zero
        if isinstance(value, Real) and not isinstance(value, bool):
            worksheet.write_number(row, col, value)
            return
        text = str(value)
        fmt = self._text_formats[looks_like_formula(text)]
        if fmt is None:
            worksheet.write_string(row, col, text)
        else:
            worksheet.write_string(row, col, text, fmt)


class TypedChartData(CategoryChartData):
    """Category chart data whose embedded workbook is written by ``TypedWorkbookWriter``."""

    @lazyproperty
    def _workbook_writer(self):
        return TypedWorkbookWriter(self)
