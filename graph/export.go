package graph

import (
	"github.com/mifmaroc/erp/graph/model"
	"github.com/mifmaroc/erp/internal/export"
)

func exportFormat(f model.ExportFormat) export.Format {
	if f == model.ExportFormatXlsx {
		return export.XLSX
	}
	return export.CSV
}

func exportSeparator(s *model.ExportSeparateur) export.Separator {
	if s != nil && *s == model.ExportSeparateurPointVirgule {
		return export.Semicolon
	}
	return export.Comma
}
