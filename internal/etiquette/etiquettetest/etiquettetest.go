// Package etiquettetest reads QR codes back for tests, as a phone's camera would: the tests
// of the codes themselves and of the label sheets share it.
package etiquettetest

import (
	"bytes"
	"image"
	_ "image/png" // the codes are PNG
	"testing"

	"github.com/makiuchi-d/gozxing"
	gzqr "github.com/makiuchi-d/gozxing/qrcode"
)

// Decode reads the QR code of a PNG image back.
func Decode(t testing.TB, png []byte) string {
	t.Helper()
	img, _, err := image.Decode(bytes.NewReader(png))
	if err != nil {
		t.Fatalf("not an image: %v", err)
	}
	bmp, err := gozxing.NewBinaryBitmapFromImage(img)
	if err != nil {
		t.Fatal(err)
	}
	res, err := gzqr.NewQRCodeReader().Decode(bmp, nil)
	if err != nil {
		t.Fatalf("no QR code read: %v", err)
	}
	return res.GetText()
}
