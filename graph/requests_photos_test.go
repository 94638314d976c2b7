package graph_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/textproto"
	"strconv"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/mifmaroc/erp/ent"
	"github.com/mifmaroc/erp/internal/domain"
	"github.com/mifmaroc/erp/internal/gqltest"
)

// Minimal files with the right magic bytes.
var (
	photoPNG  = append([]byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"), bytes.Repeat([]byte{7}, 2000)...)
	photoJPEG = append([]byte("\xff\xd8\xff\xe0\x00\x10JFIF\x00"), bytes.Repeat([]byte{9}, 2000)...)
	notPhoto  = append([]byte("%PDF-1.7\n1 0 obj\n<<>>\nendobj\n"), bytes.Repeat([]byte("x"), 3000)...)
)

const (
	photoUpload = `mutation($d: ID!, $f: Upload!) { uploadPhotoDemande(demandeId: $d, file: $f) { id filename mimeType url demandeID interventionID } }`
	photosOf    = `query($d: ID!) { node(id: $d) { ... on DemandeIntervention { documents { filename url } } } }`
)

// uploadPhoto sends filename as a photo of request d, as u, in a GraphQL multipart request.
func (w *reqWorld) uploadPhoto(t *testing.T, u *ent.User, d *ent.DemandeIntervention, filename string, content []byte) gqltest.Response {
	t.Helper()
	ops, err := json.Marshal(map[string]any{"query": photoUpload, "variables": map[string]any{"d": strconv.Itoa(d.ID), "f": nil}})
	if err != nil {
		t.Fatal(err)
	}
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	_ = mw.WriteField("operations", string(ops))
	_ = mw.WriteField("map", `{"0":["variables.f"]}`)
	h := textproto.MIMEHeader{}
	h.Set("Content-Disposition", fmt.Sprintf(`form-data; name="0"; filename=%q`, filename))
	h.Set("Content-Type", "application/octet-stream")
	part, _ := mw.CreatePart(h)
	_, _ = part.Write(content)
	_ = mw.Close()
	req, _ := http.NewRequest(http.MethodPost, w.env.URL+"/graphql", &body)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header.Set("Authorization", "Bearer "+w.env.Token(t, u))
	req.Header.Set("Accept-Language", "en")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = res.Body.Close() }()
	raw, _ := io.ReadAll(res.Body)
	out := gqltest.Response{Status: res.StatusCode}
	if err := json.Unmarshal(raw, &out); err != nil {
		t.Fatalf("decoding %d: %v\n%s", res.StatusCode, err, raw)
	}
	return out
}

// photos are the names of the photos u reads on d; nil when he does not read d.
func (w *reqWorld) photos(t *testing.T, u *ent.User, d *ent.DemandeIntervention) []string {
	t.Helper()
	var got struct {
		Node *struct {
			Documents []struct{ Filename, URL string }
		}
	}
	res := w.env.As(t, u).Do(photosOf, map[string]any{"d": strconv.Itoa(d.ID)})
	switch code := firstCode(res.Errors); {
	case code == "NOT_FOUND":
		return nil // the request is not his to read
	case code != "":
		t.Fatalf("reading the photos: %+v", res.Errors)
	}
	if err := json.Unmarshal(res.Data, &got); err != nil {
		t.Fatal(err)
	}
	out := []string{}
	for _, p := range got.Node.Documents {
		if p.URL == "" {
			t.Errorf("%s has no link", p.Filename)
		}
		out = append(out, p.Filename)
	}
	return out
}

// TestPhotoDemande: the submitter or staff attach photos (images only) to a NOUVELLE
// request; whoever reads the request reads them; its approval attaches them to the new
// intervention, where its technician reads them too.
func TestPhotoDemande(t *testing.T) {
	w := newReqWorld(t)
	cases := []struct {
		name     string
		as       func(*reqWorld) *ent.User
		d        func(*reqWorld) *ent.DemandeIntervention
		filename string
		content  []byte
		code     string // "": accepted
	}{
		{"Submitter", func(w *reqWorld) *ent.User { return w.clientA }, func(w *reqWorld) *ent.DemandeIntervention { return w.dA }, "fuite.png", photoPNG, ""},
		{"Staff", func(w *reqWorld) *ent.User { return w.responsable }, func(w *reqWorld) *ent.DemandeIntervention { return w.dA }, "vanne.jpg", photoJPEG, ""},
		{"TechnicianOwn", func(w *reqWorld) *ent.User { return w.techUserA }, func(w *reqWorld) *ent.DemandeIntervention { return w.dTech }, "bruit.jpeg", photoJPEG, ""},
		{"PDF", func(w *reqWorld) *ent.User { return w.clientA }, func(w *reqWorld) *ent.DemandeIntervention { return w.dA }, "devis.pdf", notPhoto, "BAD_USER_INPUT"},
		{"LyingExtension", func(w *reqWorld) *ent.User { return w.clientA }, func(w *reqWorld) *ent.DemandeIntervention { return w.dA }, "fuite.jpg", photoPNG, "BAD_USER_INPUT"},
		{"Colleague", func(w *reqWorld) *ent.User { return w.colleague }, func(w *reqWorld) *ent.DemandeIntervention { return w.dA }, "autre.png", photoPNG, "FORBIDDEN"},
		{"OtherCompany", func(w *reqWorld) *ent.User { return w.clientB }, func(w *reqWorld) *ent.DemandeIntervention { return w.dA }, "autre.png", photoPNG, "NOT_FOUND"},
		{"TechnicianOthers", func(w *reqWorld) *ent.User { return w.techUserA }, func(w *reqWorld) *ent.DemandeIntervention { return w.dA }, "autre.png", photoPNG, "NOT_FOUND"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			before := w.env.Client.Document.Query().CountX(w.env.Sys)
			res := w.uploadPhoto(t, tc.as(w), tc.d(w), tc.filename, tc.content)
			after := w.env.Client.Document.Query().CountX(w.env.Sys)
			if code := firstCode(res.Errors); code != tc.code {
				t.Fatalf("got %s %+v, want %q", res.Data, res.Errors, tc.code)
			}
			if tc.code != "" {
				if after != before {
					t.Errorf("a refused photo was stored")
				}
				return
			}
			var got struct {
				UploadPhotoDemande struct {
					Filename, MimeType, URL string
					DemandeID               string
					InterventionID          *string
				}
			}
			if err := json.Unmarshal(res.Data, &got); err != nil {
				t.Fatal(err)
			}
			if p := got.UploadPhotoDemande; p.Filename != tc.filename || p.DemandeID != strconv.Itoa(tc.d(w).ID) || p.InterventionID != nil || p.URL == "" {
				t.Errorf("photo %+v", p)
			}
		})
	}

	for _, tc := range []struct {
		name string
		u    *ent.User
		want []string
	}{
		{"Submitter", w.clientA, []string{"fuite.png", "vanne.jpg"}},
		{"Colleague", w.colleague, []string{"fuite.png", "vanne.jpg"}},
		{"Admin", w.admin, []string{"fuite.png", "vanne.jpg"}},
		{"OtherCompany", w.clientB, nil},
		{"Technician", w.techUserA, nil},
	} {
		if diff := cmp.Diff(tc.want, w.photos(t, tc.u, w.dA)); diff != "" {
			t.Errorf("%s reads the photos (-want +got):\n%s", tc.name, diff)
		}
	}

	t.Run("Approved", func(t *testing.T) {
		var out struct {
			ApprouverDemande struct{ Intervention struct{ ID string } }
		}
		w.env.As(t, w.responsable).MustData(`mutation($id: ID!, $t: ID) { approuverDemande(id: $id, priorite: HAUTE, technicienId: $t) {
  intervention { id } } }`, map[string]any{"id": strconv.Itoa(w.dA.ID), "t": strconv.Itoa(w.techB.ID)}, &out)
		const q = `query($iv: ID!) { node(id: $iv) { ... on Intervention { documents { filename } } } }`
		for _, u := range []*ent.User{w.techUserB, w.clientA, w.colleague, w.admin} {
			var got struct {
				Node struct{ Documents []struct{ Filename string } }
			}
			w.env.As(t, u).MustData(q, map[string]any{"iv": out.ApprouverDemande.Intervention.ID}, &got)
			var names []string
			for _, d := range got.Node.Documents {
				names = append(names, d.Filename)
			}
			if diff := cmp.Diff([]string{"fuite.png", "vanne.jpg"}, names); diff != "" {
				t.Errorf("%s reads the intervention's documents (-want +got):\n%s", u.NomComplet, diff)
			}
		}
		// The request keeps them, for whoever follows it.
		if diff := cmp.Diff([]string{"fuite.png", "vanne.jpg"}, w.photos(t, w.colleague, w.dA)); diff != "" {
			t.Errorf("the request's photos after approval (-want +got):\n%s", diff)
		}
		res := w.uploadPhoto(t, w.clientA, w.dA, "tard.png", photoPNG)
		if code := firstCode(res.Errors); code != "LOCKED" {
			t.Errorf("a photo after triage: got %q %+v, want LOCKED", code, res.Errors)
		}
	})
}

// TestPhotoDemandeNonInterference is TestNonInterference for the photos of requests: the
// questions that reach documents, asked before and after photos appear on requests a viewer
// may not read.
func TestPhotoDemandeNonInterference(t *testing.T) {
	probes := probesThrough(t, "ocument")
	add := func(t *testing.T, w *reqWorld, d *ent.DemandeIntervention, by *ent.User, name string) *ent.Document {
		t.Helper()
		return w.env.Client.Document.Create().SetDemande(d).SetUploadedBy(by).SetFilename(name + ".png").
			SetPath("d/" + name + strconv.Itoa(d.ID) + ".png").SetMimeType("image/png").SetSize(10).SetSha256("00").SaveX(w.env.Sys)
	}
	cases := []struct {
		role   domain.Role
		viewer func(*reqWorld) *ent.User
		own    func(*reqWorld) *ent.DemandeIntervention
		hidden func(*reqWorld) []*ent.DemandeIntervention
	}{
		{domain.RoleClient, func(w *reqWorld) *ent.User { return w.colleague },
			func(w *reqWorld) *ent.DemandeIntervention { return w.dA },
			func(w *reqWorld) []*ent.DemandeIntervention { return []*ent.DemandeIntervention{w.dB, w.dTech} }},
		{domain.RoleTechnicien, func(w *reqWorld) *ent.User { return w.techUserA },
			func(w *reqWorld) *ent.DemandeIntervention { return w.dTech },
			func(w *reqWorld) []*ent.DemandeIntervention { return []*ent.DemandeIntervention{w.dA, w.dB} }},
	}
	for _, tc := range cases {
		t.Run(string(tc.role), func(t *testing.T) {
			t.Parallel()
			w := newReqWorld(t)
			p := add(t, w, tc.own(w), w.admin, "visible")
			probes := append(w.nodeProbes(), probes...)
			probes = append(probes, probe{node: strconv.Itoa(p.ID)}, probe{node: strconv.Itoa(tc.own(w).ID)})
			requireUnseen(t, w.world, tc.viewer(w), probes, "photos of requests", func() {
				for _, d := range tc.hidden(w) {
					add(t, w, d, w.clientB, marker)
				}
			})
		})
	}
}
