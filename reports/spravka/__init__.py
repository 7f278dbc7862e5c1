"""Справки as documents: the document model (`document`), its wording (`narrative`), the sections by topic, and one
module per справка kind (`school`, `teacher`, `staff`, `forecast`). Builders read analytics and return documents."""
