package httpserver

import (
	"context"
	"net/http"
	"strconv"

	"github.com/mifmaroc/erp/internal/domain"
	"github.com/mifmaroc/erp/internal/report"
)

// The QR codes of the equipment and their label sheets, authorised as the reports are (a
// bearer token or a link signed by qrCodeLink and etiquettesLink).
func (rr reportRoutes) registerEtiquettes(mux *http.ServeMux) {
	mux.HandleFunc("GET "+report.QRCodePrefix+"{id}/qrcode."+report.FormatPNG, rr.qrcode(report.FormatPNG, "image/png"))
	mux.HandleFunc("GET "+report.QRCodePrefix+"{id}/qrcode."+report.FormatSVG, rr.qrcode(report.FormatSVG, "image/svg+xml"))
	mux.HandleFunc("GET "+report.EtiquettesPath, rr.etiquettes)
}

func (rr reportRoutes) qrcode(format, contentType string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		id, err := strconv.Atoi(r.PathValue("id"))
		if err != nil {
			rr.fail(w, r, domain.Errorf(domain.CodeNotFound, "no QR code at %s", r.URL.Path))
			return
		}
		rr.serveAs(w, r, contentType, "qrcode-"+strconv.Itoa(id)+"."+format, func(ctx context.Context) ([]byte, error) {
			return rr.svc.QRCode(ctx, id, format)
		})
	}
}

func (rr reportRoutes) etiquettes(w http.ResponseWriter, r *http.Request) {
	id, err := strconv.Atoi(r.URL.Query().Get("emplacement"))
	if err != nil {
		rr.fail(w, r, domain.Errorf(domain.CodeBadUserInput, "emplacement=%q: give the id of a place", r.URL.Query().Get("emplacement")))
		return
	}
	rr.serve(w, r, "etiquettes-"+strconv.Itoa(id)+".pdf", func(ctx context.Context) ([]byte, error) {
		return rr.svc.Etiquettes(ctx, id)
	})
}
