"""Reading what officers and systems hand in, at the edge: files and their encodings (files),
bounded .xlsx and cell reading with one header table (xlsx, cells), TOML cases and specs (load),
the 自评表 sheet (sheet*), project forms (project_sheet, project_list), template markers (marker)
and budget-system target exports (import_targets/).  Imports only :mod:`selfscore.core`.
"""
