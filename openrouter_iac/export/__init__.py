"""`orctl export`: the live account as orctl config files."""

from openrouter_iac.export.document import ORGANIZATION_FILE, SCHEMA_FILE, ExportResult, export_account

__all__ = ["ORGANIZATION_FILE", "SCHEMA_FILE", "ExportResult", "export_account"]
