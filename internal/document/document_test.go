package document_test

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"io/fs"
	"mime/multipart"
	"net/http"
	"net/textproto"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/mifmaroc/erp/ent"
	"github.com/mifmaroc/erp/internal/apptest"
	"github.com/mifmaroc/erp/internal/config"
	"github.com/mifmaroc/erp/internal/document"
	"github.com/mifmaroc/erp/internal/domain"
)

// Minimal files with the right magic bytes.
var (
	pngFile = append([]byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"), bytes.Repeat([]byte{7}, 2000)...)
	pdfFile = append([]byte("%PDF-1.7\n1 0 obj\n<<>>\nendobj\n"), bytes.Repeat([]byte("x"), 3000)...)
	exeFile = append([]byte("MZ\x90\x00\x03\x00\x00\x00"), bytes.Repeat([]byte{0}, 1000)...)
)

type docEnv struct {
	*apptest.Env
	admin, tech, client *ent.User
	iv                  *ent.Intervention
}

func newDocEnv(t *testing.T, configure ...func(*config.Config)) *docEnv {
	t.Helper()
	e := &docEnv{Env: apptest.New(t, configure...)}
	e.admin = e.User(t, "Admin", domain.RoleAdmin)
	e.tech = e.User(t, "Tech", domain.RoleTechnicien)
	e.client = e.User(t, "Client", domain.RoleClient)
	e.iv = e.Client.Intervention.Create().SetTitre("Fuite").SaveX(e.Sys)
	return e
}

type uploadResult struct {
	Status int
	Data   struct {
		UploadDocument *struct {
			ID, Filename, Path, URL, MimeType, Sha256 string
			Size                                      int
		}
	}
	Errors []struct {
		Message    string
		Extensions struct{ Code string }
	}
}

// upload sends a GraphQL multipart request (the spec apollo-upload-client follows).
func (e *docEnv) upload(t *testing.T, as *ent.User, interventionID int, filename string, content []byte) uploadResult {
	t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	ops := fmt.Sprintf(`{"query":"mutation($id: ID!, $f: Upload!) { uploadDocument(interventionId: $id, file: $f) { id filename path url mimeType sha256 size } }","variables":{"id":"%d","f":null}}`, interventionID)
	_ = mw.WriteField("operations", ops)
	_ = mw.WriteField("map", `{"0":["variables.f"]}`)
	h := textproto.MIMEHeader{}
	h.Set("Content-Disposition", fmt.Sprintf(`form-data; name="0"; filename=%q`, filename))
	h.Set("Content-Type", "application/octet-stream")
	part, _ := mw.CreatePart(h)
	_, _ = part.Write(content)
	_ = mw.Close()
	req, _ := http.NewRequest(http.MethodPost, e.URL+"/graphql", &body)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header.Set("Authorization", "Bearer "+e.Token(t, as))
	res, err := apptest.HTTP.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = res.Body.Close() }()
	var out uploadResult
	raw, _ := io.ReadAll(res.Body)
	if err := json.Unmarshal(raw, &out); err != nil {
		t.Fatalf("decoding %d: %v\n%s", res.StatusCode, err, raw)
	}
	out.Status = res.StatusCode
	return out
}

// filesOnDisk lists the files under the upload root, temporaries included.
func (e *docEnv) filesOnDisk(t *testing.T) []string {
	t.Helper()
	var out []string
	root := e.Deps.Documents.Root
	_ = filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			rel, _ := filepath.Rel(root, p)
			out = append(out, rel)
		}
		return nil
	})
	return out
}

func get(t *testing.T, url string) (int, []byte, http.Header) {
	t.Helper()
	res, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = res.Body.Close() }()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, b, res.Header
}

func TestUploadAndDownload(t *testing.T) {
	e := newDocEnv(t)
	tests := []struct {
		name, filename, mime string
		content              []byte
	}{
		{"PNG", "photo fuite.png", "image/png", pngFile},
		{"PDF", "Rapport d'intervention.PDF", "application/pdf", pdfFile},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := e.upload(t, e.admin, e.iv.ID, tt.filename, tt.content)
			d := r.Data.UploadDocument
			if len(r.Errors) > 0 || d == nil {
				t.Fatalf("upload = %d %+v", r.Status, r.Errors)
			}
			sum := sha256.Sum256(tt.content)
			if d.Filename != tt.filename || d.MimeType != tt.mime || d.Size != len(tt.content) || d.Sha256 != hex.EncodeToString(sum[:]) {
				t.Errorf("document = %+v", d)
			}
			if strings.Contains(d.Path, tt.filename) || !strings.HasPrefix(d.URL, document.URLPrefix+d.Path+"?") {
				t.Errorf("path %q / url %q: want a random server name and a signed URL of that path", d.Path, d.URL)
			}
			status, body, h := get(t, e.URL+d.URL)
			if status != http.StatusOK || !bytes.Equal(body, tt.content) {
				t.Fatalf("GET url = %d, %d bytes; want 200 and the same bytes", status, len(body))
			}
			if h.Get("Content-Type") != tt.mime || h.Get("X-Content-Type-Options") != "nosniff" ||
				!strings.Contains(h.Get("Content-Disposition"), "inline") {
				t.Errorf("headers = %v", h)
			}
		})
	}
	if files := e.filesOnDisk(t); len(files) != 2 {
		t.Errorf("files on disk = %v, want the 2 uploads and no temporary", files)
	}
}

func TestUploadRefusals(t *testing.T) {
	e := newDocEnv(t)
	other := e.Client.Intervention.Create().SetTitre("Autre").SaveX(e.Sys)
	big := append(append([]byte{}, pdfFile...), bytes.Repeat([]byte("y"), 11<<20)...)
	// Passes the request-size guard (the form's parts have room) but not the file limit.
	justOver := append(append([]byte{}, pdfFile...), bytes.Repeat([]byte("y"), 10<<20-len(pdfFile)+1)...)
	tests := []struct {
		name     string
		as       *ent.User
		iv       int
		filename string
		content  []byte
		code     string
	}{
		{"RenamedExe", e.admin, e.iv.ID, "facture.pdf", exeFile, "BAD_USER_INPUT"},
		{"LyingExtension", e.admin, e.iv.ID, "photo.png", pdfFile, "BAD_USER_INPUT"},
		{"ExeName", e.admin, e.iv.ID, "setup.exe", pngFile, "BAD_USER_INPUT"},
		{"TooLarge", e.admin, e.iv.ID, "gros.pdf", big, "BAD_USER_INPUT"},
		{"JustOverLimit", e.admin, e.iv.ID, "limite.pdf", justOver, "BAD_USER_INPUT"},
		{"Empty", e.admin, e.iv.ID, "vide.pdf", nil, "BAD_USER_INPUT"},
		{"UnknownIntervention", e.admin, e.iv.ID + 9999, "a.png", pngFile, "NOT_FOUND"},
		{"TechnicianNotAssigned", e.tech, e.iv.ID, "a.png", pngFile, "NOT_FOUND"},
		{"ClientNotHis", e.client, other.ID, "a.png", pngFile, "NOT_FOUND"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := e.upload(t, tt.as, tt.iv, tt.filename, tt.content)
			if len(r.Errors) == 0 || r.Errors[0].Extensions.Code != tt.code {
				t.Fatalf("upload = %d %+v, want %s", r.Status, r.Errors, tt.code)
			}
			if n := e.Client.Document.Query().CountX(e.Sys); n != 0 {
				t.Errorf("%d document rows after a refusal", n)
			}
			if files := e.filesOnDisk(t); len(files) != 0 {
				t.Errorf("files left on disk: %v", files)
			}
		})
	}
}

func TestTraversalNameIsOnlyDisplayed(t *testing.T) {
	e := newDocEnv(t)
	r := e.upload(t, e.admin, e.iv.ID, "../../../etc/passwd.png", pngFile)
	d := r.Data.UploadDocument
	if d == nil {
		t.Fatalf("upload = %+v", r.Errors)
	}
	if d.Filename != "passwd.png" || strings.Contains(d.Path, "..") {
		t.Errorf("filename %q, path %q: want the base name only and a server path", d.Filename, d.Path)
	}
	// A crafted path, even signed, never leaves the upload root.
	sig := e.Deps.Documents.URL(&ent.Document{Path: "../../../etc/passwd"})
	if status, _, _ := get(t, e.URL+sig); status == http.StatusOK {
		t.Errorf("traversal URL answered 200")
	}
	if status, _, _ := get(t, e.URL+document.URLPrefix); status == http.StatusOK {
		t.Errorf("directory listing answered 200")
	}
}

func TestSignedURL(t *testing.T) {
	e := newDocEnv(t)
	d := e.upload(t, e.admin, e.iv.ID, "plan.pdf", pdfFile).Data.UploadDocument
	if d == nil {
		t.Fatal("upload failed")
	}
	base, query, _ := strings.Cut(d.URL, "?")
	tampered := strings.Replace(query, "sig=", "sig=0", 1)
	tests := []struct {
		name string
		url  string
	}{
		{"NoSignature", base},
		{"TamperedSignature", base + "?" + tampered},
		{"OtherFile", document.URLPrefix + "ab/other.pdf?" + query},
		{"ExtendedExpiry", base + "?" + strings.Replace(query, "exp=", "exp=9", 1)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if status, _, _ := get(t, e.URL+tt.url); status != http.StatusForbidden {
				t.Errorf("GET = %d, want 403", status)
			}
		})
	}
	t.Run("Expired", func(t *testing.T) {
		e.Clock.Advance(e.Deps.Documents.URLTTL + time.Second)
		if status, _, _ := get(t, e.URL+d.URL); status != http.StatusForbidden {
			t.Errorf("GET after expiry = %d, want 403", status)
		}
	})
}

// A link lives UPLOAD_URL_TTL from when the API gave it, on the server's clock running as it
// does in production: it works a while later, and stops once its lifetime is over.
func TestSignedURLLifetime(t *testing.T) {
	type download struct {
		name  string
		after time.Duration // between the upload and the download
		want  int
	}
	tests := []struct {
		ttl       string // UPLOAD_URL_TTL; empty: the default (15m)
		downloads []download
	}{
		{"", []download{
			{"Immediately", 0, http.StatusOK},
			{"TwoSecondsLater", 2 * time.Second, http.StatusOK},
			{"AMinuteLater", time.Minute, http.StatusOK},
			{"JustBeforeExpiry", 15*time.Minute - 2*time.Second, http.StatusOK},
			{"Expired", 15*time.Minute + 2*time.Second, http.StatusForbidden},
		}},
		{"1s", []download{
			{"Immediately", 0, http.StatusOK},
			{"Expired", 2 * time.Second, http.StatusForbidden},
		}},
	}
	for _, tt := range tests {
		t.Run("TTL"+tt.ttl, func(t *testing.T) {
			cfg, err := config.Load(func(k string) (string, bool) {
				if k == "UPLOAD_URL_TTL" && tt.ttl != "" {
					return tt.ttl, true
				}
				return "", false
			})
			if err != nil {
				t.Fatal(err)
			}
			e := newDocEnv(t, func(c *config.Config) { c.UploadURLTTL = cfg.UploadURLTTL })
			e.Clock.Run() // the real clock, not a frozen one
			for _, d := range tt.downloads {
				t.Run(d.name, func(t *testing.T) {
					doc := e.upload(t, e.admin, e.iv.ID, "plan.pdf", pdfFile).Data.UploadDocument
					if doc == nil {
						t.Fatal("upload failed")
					}
					e.Clock.Advance(d.after)
					if status, _, _ := get(t, e.URL+doc.URL); status != d.want {
						t.Errorf("GET %s after the link was issued = %d, want %d", d.after, status, d.want)
					}
				})
			}
		})
	}
}

func TestDeleteDocument(t *testing.T) {
	e := newDocEnv(t)
	e.Client.Intervention.UpdateOne(e.iv).SetTechnicien(e.Client.Technicien.Create().SetUser(e.tech).SaveX(e.Sys)).ExecX(e.Sys)
	byTech := e.upload(t, e.tech, e.iv.ID, "photo.png", pngFile).Data.UploadDocument
	byAdmin := e.upload(t, e.admin, e.iv.ID, "plan.pdf", pdfFile).Data.UploadDocument
	if byTech == nil || byAdmin == nil {
		t.Fatal("uploads failed")
	}
	del := `mutation($id: ID!) { deleteDocument(id: $id) }`

	if err := e.As(t, e.tech).MustFail(del, map[string]any{"id": byAdmin.ID}); err.Code() != "FORBIDDEN" {
		t.Errorf("technician deleting the admin's document: %q, want FORBIDDEN", err.Code())
	}
	var got struct{ DeleteDocument string }
	e.As(t, e.tech).MustData(del, map[string]any{"id": byTech.ID}, &got)
	if got.DeleteDocument != byTech.ID {
		t.Errorf("deleteDocument = %q", got.DeleteDocument)
	}
	files := e.filesOnDisk(t)
	if len(files) != 1 || filepath.ToSlash(files[0]) != byAdmin.Path {
		t.Errorf("files on disk = %v, want only %s", files, byAdmin.Path)
	}
	if status, _, _ := get(t, e.URL+byTech.URL); status == http.StatusOK {
		t.Errorf("a deleted document is still served")
	}
	if n := e.Client.Document.Query().CountX(e.Sys); n != 1 {
		t.Errorf("%d rows, want 1", n)
	}
	id, _ := strconv.Atoi(byAdmin.ID)
	if err := e.As(t, e.admin).MustFail(del, map[string]any{"id": strconv.Itoa(id + 999)}); err.Code() != "NOT_FOUND" {
		t.Errorf("unknown document: %q, want NOT_FOUND", err.Code())
	}
}

func TestSanitizeFilename(t *testing.T) {
	tests := []struct{ in, want string }{
		{"rapport.pdf", "rapport.pdf"},
		{`C:\Users\x\photo.png`, "photo.png"},
		{"../../x.pdf", "x.pdf"},
		{"a\x00b\nc.pdf", "abc.pdf"},
		{"...", "document"},
		{".htaccess", "htaccess"},
		{strings.Repeat("é", 300) + ".pdf", strings.Repeat("é", 125) + ".pdf"},
	}
	for _, tt := range tests {
		if got := document.SanitizeFilename(tt.in); got != tt.want {
			t.Errorf("SanitizeFilename(%.40q) = %.40q, want %.40q", tt.in, got, tt.want)
		}
	}
}

// TestUploadStorageFailures fails the disk under an upload through the real GraphQL
// multipart request: with a real ENOSPC from the kernel (the temporary file is /dev/full),
// and with the file gone when it is moved into place, after its row was written. Each time
// the user gets a clear error, and neither a file nor a row is left.
func TestUploadStorageFailures(t *testing.T) {
	if _, err := os.Stat("/dev/full"); err != nil {
		t.Skip("needs /dev/full (Linux)")
	}
	tests := []struct {
		name       string
		createTemp func(dir, pattern string) (*os.File, error)
		code       string
		message    string
	}{
		{
			name: "DiskFull",
			// A link in the temporary folder to /dev/full: writes fail with ENOSPC, and the
			// clean-up removes the link, as it would a real temporary file.
			createTemp: func(dir, pattern string) (*os.File, error) {
				name := filepath.Join(dir, strings.Replace(pattern, "*", "full", 1))
				if err := os.Symlink("/dev/full", name); err != nil {
					return nil, err
				}
				return os.OpenFile(name, os.O_WRONLY, 0)
			},
			code:    "INSUFFICIENT_STORAGE",
			message: "storage is full",
		},
		{
			name: "FileGoneBeforeRename",
			// Written and synced, but unlinked: the rename into place fails after the row
			// was written in the transaction.
			createTemp: func(dir, pattern string) (*os.File, error) {
				f, err := os.CreateTemp(dir, pattern)
				if err == nil {
					err = os.Remove(f.Name())
				}
				return f, err
			},
			code:    "INTERNAL_SERVER_ERROR",
			message: "internal error",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newDocEnv(t)
			e.Deps.Documents.CreateTemp = tt.createTemp
			r := e.upload(t, e.admin, e.iv.ID, "photo.png", pngFile)
			if len(r.Errors) == 0 || r.Errors[0].Extensions.Code != tt.code || !strings.Contains(r.Errors[0].Message, tt.message) {
				t.Fatalf("upload = %d %+v, want %s (%q)", r.Status, r.Errors, tt.code, tt.message)
			}
			if r.Data.UploadDocument != nil {
				t.Errorf("data = %+v, want none", r.Data.UploadDocument)
			}
			if n := e.Client.Document.Query().CountX(e.Sys); n != 0 {
				t.Errorf("%d document rows left", n)
			}
			if files := e.filesOnDisk(t); len(files) != 0 {
				t.Errorf("files left in the upload folder: %v", files)
			}
			// The disk is fine again: the same upload goes through.
			e.Deps.Documents.CreateTemp = nil
			if r := e.upload(t, e.admin, e.iv.ID, "photo.png", pngFile); len(r.Errors) > 0 {
				t.Errorf("upload once the disk is fine: %+v", r.Errors)
			}
		})
	}
}
