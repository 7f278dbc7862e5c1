"""Exporters: lay a document of `reports.spravka.document` out as docx, xlsx or pdf, with charts. They know only the
document model, never the builders."""
