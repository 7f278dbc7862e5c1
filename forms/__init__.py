"""Schema-driven NiceGUI forms, the results-entry grid and xlsx templates with validated import.

Nothing here touches a store: forms produce rows of cell texts (`changes.RowChange`) and hand them to a callback
the app page supplies; the page turns them into write commands. Imports: sheets_schema, nicegui, pandas, openpyxl,
python_calamine, pydantic and the standard library only.
"""
