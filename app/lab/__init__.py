"""The municipal lab's site: its context (own workbook, accounts, warehouse) and its pages."""
