package report

import (
	"time"

	"github.com/mifmaroc/erp/ent"
	"github.com/mifmaroc/erp/internal/etiquette"
	"github.com/mifmaroc/erp/internal/localtime"
	"github.com/mifmaroc/erp/internal/stats"
)

// Service writes the reports on one database: Bon (bon.go), Mensuel (mensuel.go), the
// equipment's QR codes and label sheets (etiquettes.go), and the signed links to them (link.go).
type Service struct {
	Client  *ent.Client
	Dialect string
	Stats   *stats.Service // the monthly report's figures
	Company Company        // the header of every page
	Zone    localtime.Zone // the users' zone: dates, months and weeks
	Now     func() time.Time
	Links   Links
	// EquipementURL is the frontend page of an equipement that its QR code carries
	// (etiquettes.go; EQUIPEMENT_URL_TEMPLATE).
	EquipementURL etiquette.Template
}
