"""A commune's participant list for a session: its columns (columns), reading the file
(reading), checking the rows (checks), what the check says (report), saving (services) and the
template and export workbooks (workbook)."""
