"""The numbers: facts of results, groups, indicators (успеваемость, качество, СОУ, средний балл), marks, periods,
roll-ups, dynamics, tasks and content elements, risk, objectivity, forecasts, teachers, staff, portfolios and the
dashboard's blocks. Pure pandas over frames; nothing here knows a document or a file."""
