"""Documents the office signs and files: the Nghị định 30/2020/NĐ-CP layout (nd30), an office's own Word
template in its place (compose), printable worksheets (sheets), the nominations list and tờ trình
(nominations), the progress report (progress_report) and the consolidated workbook (workbook).
Pure builders: plain values in, bytes out; no database, no channel.
"""
