package report

import (
	"context"
	"fmt"
	"net/url"
	"strconv"

	"github.com/mifmaroc/erp/ent"
	entemplacement "github.com/mifmaroc/erp/ent/emplacement"
	entequipement "github.com/mifmaroc/erp/ent/equipement"
	"github.com/mifmaroc/erp/internal/domain"
	"github.com/mifmaroc/erp/internal/emplacement/tree"
	"github.com/mifmaroc/erp/internal/etiquette"
	"github.com/mifmaroc/erp/internal/viewer"
)

// Paths of the QR codes and label sheets.
const (
	QRCodePrefix   = "/equipements/" // + id + "/qrcode." + format
	EtiquettesPath = "/reports/etiquettes.pdf"
)

// QR code formats (the file extensions of their paths).
const (
	FormatPNG = "png"
	FormatSVG = "svg"
)

// MaxEtiquettes bounds a label sheet: a whole site's thousands of labels would take long to
// write and nobody prints them at once; a smaller place answers.
const MaxEtiquettes = 2000

// QRCodePath is the path of equipement id's QR code in format.
func QRCodePath(id int, format string) string {
	return QRCodePrefix + strconv.Itoa(id) + "/qrcode." + format
}

// equipement is equipement id as the viewer of ctx reads it: NOT_FOUND when he may not.
func (s *Service) equipement(ctx context.Context, id int) (*ent.Equipement, error) {
	e, err := s.Client.Equipement.Query().Where(entequipement.ID(id)).Only(ctx)
	if ent.IsNotFound(err) {
		return nil, domain.Errorf(domain.CodeNotFound, "equipement %d not found", id)
	} else if err != nil {
		return nil, fmt.Errorf("reading equipement %d: %w", id, err)
	}
	return e, nil
}

// checkFormat refuses a format other than png and svg.
func checkFormat(format string) error {
	if format != FormatPNG && format != FormatSVG {
		return domain.Errorf(domain.CodeBadUserInput, "format %q: use png or svg", format)
	}
	return nil
}

// QRCode is the QR code of equipement id, carrying the frontend URL of its record
// (EquipementURL), as a PNG or SVG image. Errors: NOT_FOUND (an equipement the viewer may not
// read, as one that does not exist), BAD_USER_INPUT (another format).
func (s *Service) QRCode(ctx context.Context, id int, format string) ([]byte, error) {
	if err := checkFormat(format); err != nil {
		return nil, err
	}
	e, err := s.equipement(ctx, id)
	if err != nil {
		return nil, err
	}
	if format == FormatSVG {
		return etiquette.SVG(s.EquipementURL.URL(e.Code))
	}
	return etiquette.PNG(s.EquipementURL.URL(e.Code))
}

// QRCodeLink is a link to equipement id's QR code in format, signed for the viewer of ctx as
// BonLink is. Errors: UNAUTHENTICATED, NOT_FOUND, BAD_USER_INPUT.
func (s *Service) QRCodeLink(ctx context.Context, id int, format string) (string, error) {
	v := viewer.FromContext(ctx)
	if v == nil {
		return "", domain.Errorf(domain.CodeUnauthenticated, "sign in to get a QR code")
	}
	if err := checkFormat(format); err != nil {
		return "", err
	}
	if _, err := s.equipement(ctx, id); err != nil {
		return "", err
	}
	return s.Links.Sign(QRCodePath(id, format), nil, v.UserID), nil
}

// place is place id as the viewer of ctx reads it: NOT_FOUND when he may not.
func (s *Service) place(ctx context.Context, id int) (*ent.Emplacement, error) {
	p, err := s.Client.Emplacement.Query().Where(entemplacement.ID(id)).Only(ctx)
	if ent.IsNotFound(err) {
		return nil, domain.Errorf(domain.CodeNotFound, "emplacement %d not found", id)
	} else if err != nil {
		return nil, fmt.Errorf("reading emplacement %d: %w", id, err)
	}
	return p, nil
}

// Etiquettes is the sheet of labels of the equipment under place emplacementID (in it or in
// a place below, to any depth) that the viewer of ctx reads, in the order of their codes:
// for each, its QR code, code, name and place, to cut out and stick on the machines.
// Errors: NOT_FOUND (a place he may not read), BAD_USER_INPUT (more than MaxEtiquettes).
func (s *Service) Etiquettes(ctx context.Context, emplacementID int) ([]byte, error) {
	p, err := s.place(ctx, emplacementID)
	if err != nil {
		return nil, err
	}
	eqs, err := s.Client.Equipement.Query().
		Where(tree.EquipementsUnder(emplacementID)).
		WithEmplacement().
		Order(ent.Asc(entequipement.FieldCode), ent.Asc(entequipement.FieldID)).
		Limit(MaxEtiquettes + 1).
		All(ctx)
	if err != nil {
		return nil, fmt.Errorf("reading the equipment under emplacement %d: %w", emplacementID, err)
	}
	if len(eqs) > MaxEtiquettes {
		return nil, domain.Errorf(domain.CodeBadUserInput, "more than %d equipements under %s: print the labels of a smaller place", MaxEtiquettes, p.Nom)
	}
	sub := p.Nom
	if p.Code != nil && *p.Code != "" {
		sub += " (" + *p.Code + ")"
	}
	d := newDoc(s.Company, s.Zone, "Étiquettes", sub, s.Now())
	if err := s.writeEtiquettes(d, eqs); err != nil {
		return nil, err
	}
	return d.bytes()
}

// EtiquettesLink is a link to the label sheet of place emplacementID, signed for the viewer
// of ctx as BonLink is. Errors: UNAUTHENTICATED, NOT_FOUND.
func (s *Service) EtiquettesLink(ctx context.Context, emplacementID int) (string, error) {
	v := viewer.FromContext(ctx)
	if v == nil {
		return "", domain.Errorf(domain.CodeUnauthenticated, "sign in to get labels")
	}
	if _, err := s.place(ctx, emplacementID); err != nil {
		return "", err
	}
	return s.Links.Sign(EtiquettesPath, url.Values{"emplacement": {strconv.Itoa(emplacementID)}}, v.UserID), nil
}

// Label layout (mm): three columns of labels of 60 × 34, the QR code 30 mm square at their
// left, big enough for a phone at arm's length.
const (
	labelW, labelH = width / 3, 34.0
	qrSide         = 30.0
)

// writeEtiquettes draws one label per equipement, row after row.
func (s *Service) writeEtiquettes(d *doc, eqs []*ent.Equipement) error {
	if len(eqs) == 0 {
		d.paragraph("Aucun équipement sous cet emplacement.")
		return nil
	}
	d.SetLineWidth(0.1)
	d.SetDrawColor(170, 170, 170)
	for i, e := range eqs {
		col := i % 3
		if col == 0 {
			if i > 0 {
				d.SetY(d.GetY() + labelH)
			}
			d.ensure(labelH)
		}
		x, y := margin+float64(col)*labelW, d.GetY()
		d.SetDashPattern([]float64{1, 1}, 0) // where to cut
		d.Rect(x, y, labelW, labelH, "D")
		d.SetDashPattern(nil, 0)
		if err := drawQR(d, s.EquipementURL.URL(e.Code), x+2, y+2, qrSide); err != nil {
			return err
		}
		tx, tw := x+qrSide+3, labelW-qrSide-5
		d.SetXY(tx, y+4)
		d.SetFont(family, "B", 10)
		d.CellFormat(tw, 5, fit(d, e.Code, tw), "", 2, "L", false, 0, "")
		d.SetFont(family, "", smallPt+0.5)
		for _, l := range firstLines(d.SplitText(e.Nom, tw), 3) {
			d.SetX(tx)
			d.CellFormat(tw, 3.8, l, "", 2, "L", false, 0, "")
		}
		if pl := e.Edges.Emplacement; pl != nil {
			d.SetX(tx)
			d.SetTextColor(100, 100, 100)
			d.SetFont(family, "", smallPt)
			d.CellFormat(tw, 3.6, fit(d, pl.Nom, tw), "", 2, "L", false, 0, "")
			d.SetTextColor(0, 0, 0)
		}
		d.SetY(y)
	}
	return nil
}

// firstLines is the first n of lines, the last cut with an ellipsis when some are left out.
func firstLines(lines []string, n int) []string {
	if len(lines) <= n {
		return lines
	}
	out := append([]string(nil), lines[:n]...)
	out[n-1] += "…"
	return out
}

// drawQR draws content's QR code, quiet zone included, side mm wide with its top left corner
// at (x, y): the same modules as the PNG and SVG, drawn as vectors so that it prints sharp.
func drawQR(d *doc, content string, x, y, side float64) error {
	q, err := etiquette.Code(content)
	if err != nil {
		return err
	}
	m := etiquette.Modules(q)
	unit := side / float64(len(m))
	d.SetFillColor(0, 0, 0)
	for _, r := range etiquette.Runs(m) {
		d.Rect(x+float64(r.X)*unit, y+float64(r.Y)*unit, float64(r.W)*unit, unit, "F")
	}
	return nil
}
