"""Developer tools that do not ship with the product: the fake Sheets API (`python -m devtools.fake_sheets`)."""
