"""Google Sheets: the store over a spreadsheet (`store`), the HTTP session with retries and quota (`http`), and the
pure builders of Sheets API requests (`sheet_requests`). The only package that imports gspread."""
