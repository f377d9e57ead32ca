"""What selfscore writes and shows: the atomic writer (files), the table of formats (formats),
terminal/markdown/JSON tables (render), 自评报告 text (narrative), Excel and Word (xlsx, docx),
templates, and the checks of filled tables (verify, audit).  Imports inputs and core only.
"""
