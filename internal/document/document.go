// Package document stores the files attached to interventions and to equipment, and the
// photos attached to work requests. A file is checked by its content (pdf, png or jpeg only, png or jpeg for a
// photo, and the name's extension must agree), streamed to a
// temporary file under the upload root while its size is bounded and its SHA-256 computed,
// then its row is written and the file renamed into place, under a random name, in one
// transaction that commits only once the file is there: a failed upload (a full disk
// included) leaves neither a row nor a file, and a crash at the worst moment leaves at most a
// file without a row, never a row without its file. Files are served by signed, expiring URLs.
package document

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/google/uuid"

	"github.com/mifmaroc/erp/ent"
	entdocument "github.com/mifmaroc/erp/ent/document"
	"github.com/mifmaroc/erp/ent/equipement"
	"github.com/mifmaroc/erp/internal/database"
	"github.com/mifmaroc/erp/internal/domain"
	"github.com/mifmaroc/erp/internal/viewer"
)

// URLPrefix is where the files are served.
const URLPrefix = "/static/uploads/"

// kinds are the accepted contents, by detected MIME type, with the extensions a name may
// carry for each.
var kinds = map[string][]string{
	"application/pdf": {".pdf"},
	"image/png":       {".png"},
	"image/jpeg":      {".jpg", ".jpeg"},
}

// Store keeps the files under Root.
type Store struct {
	Client   *ent.Client
	Root     string        // UPLOAD_DIRECTORY
	MaxBytes int64         // MAX_UPLOAD_SIZE_MB
	Key      []byte        // signs the URLs
	URLTTL   time.Duration // how long a signed URL works
	Now      func() time.Time
	Log      *slog.Logger
	// CreateTemp creates the temporary file of an upload (nil: os.CreateTemp); tests put a
	// failing disk behind it.
	CreateTemp func(dir, pattern string) (*os.File, error)
}

// Upload is a file as received.
type Upload struct {
	Filename string
	Content  io.Reader
}

// Save stores f for intervention id. Errors: NOT_FOUND (intervention not visible),
// BAD_USER_INPUT (type, lying extension, size), LOCKED (archived or cancelled intervention);
// a full disk is an error wrapping syscall.ENOSPC (INSUFFICIENT_STORAGE for the API).
func (s *Store) Save(ctx context.Context, interventionID int, f Upload) (*ent.Document, error) {
	v := viewer.FromContext(ctx)
	iv, err := s.Client.Intervention.Get(ctx, interventionID)
	if ent.IsNotFound(err) {
		return nil, domain.Errorf(domain.CodeNotFound, "intervention %d not found", interventionID)
	} else if err != nil {
		return nil, err
	}
	if iv.Statut == domain.StatutArchivee || iv.Statut == domain.StatutAnnulee {
		return nil, domain.Errorf(domain.CodeLocked, "the intervention is %s: no more documents", iv.Statut)
	}
	if v.Is(domain.RoleTechnicien) && (iv.TechnicienID == nil || *iv.TechnicienID != v.TechnicienID) {
		return nil, domain.Errorf(domain.CodeForbidden, "only the assigned technician adds documents")
	}
	doc, err := s.store(ctx, f, kinds, "PDF, PNG and JPEG files", func(c *ent.DocumentCreate) { c.SetInterventionID(interventionID) })
	if err != nil {
		return nil, err
	}
	s.Log.InfoContext(ctx, "document uploaded", "event", "document_uploaded", "document_id", doc.ID,
		"intervention_id", interventionID, "size", doc.Size, "mime", doc.MimeType, "user_id", v.UserID)
	return doc, nil
}

// SaveEquipement stores f, a PDF, PNG or JPEG file, for equipement equipementID, as a
// categorie (MANUEL, PHOTO, CERTIFICAT, AUTRE): staff and technicians, who maintain the
// equipment, may; a client reads his equipment's files but does not add to its record.
// Whoever reads the equipement reads them (internal/access). Errors: NOT_FOUND (equipement
// not visible), FORBIDDEN, BAD_USER_INPUT (type, lying extension, size); a full disk as for
// Save.
func (s *Store) SaveEquipement(ctx context.Context, equipementID int, categorie entdocument.Categorie, f Upload) (*ent.Document, error) {
	if err := viewer.Require(ctx, "add documents to equipment", domain.RoleAdmin, domain.RoleResponsable, domain.RoleTechnicien); err != nil {
		return nil, err
	}
	if err := entdocument.CategorieValidator(categorie); err != nil {
		return nil, domain.Errorf(domain.CodeBadUserInput, "categorie: %v", err)
	}
	ok, err := s.Client.Equipement.Query().Where(equipement.ID(equipementID)).Exist(ctx)
	switch {
	case err != nil:
		return nil, fmt.Errorf("reading equipement %d: %w", equipementID, err)
	case !ok:
		return nil, domain.Errorf(domain.CodeNotFound, "equipement %d not found", equipementID)
	}
	doc, err := s.store(ctx, f, kinds, "PDF, PNG and JPEG files", func(c *ent.DocumentCreate) {
		c.SetEquipementID(equipementID).SetCategorie(categorie)
	})
	if err != nil {
		return nil, err
	}
	s.Log.InfoContext(ctx, "document uploaded", "event", "document_uploaded", "document_id", doc.ID,
		"equipement_id", equipementID, "size", doc.Size, "mime", doc.MimeType, "user_id", viewer.FromContext(ctx).UserID)
	return doc, nil
}

// photos are the contents a work request takes: pictures of the problem.
var photos = map[string][]string{
	"image/png":  kinds["image/png"],
	"image/jpeg": kinds["image/jpeg"],
}

// SavePhotoDemande stores f, a PNG or JPEG photo, for work request demandeID while it is
// NOUVELLE: its submitter or staff. Whoever reads the request reads it (internal/access);
// approval attaches it to the new intervention too (internal/demande). Errors: NOT_FOUND
// (request not visible), FORBIDDEN (not the submitter), LOCKED (triaged), BAD_USER_INPUT
// (type, lying extension, size); a full disk as for Save.
func (s *Store) SavePhotoDemande(ctx context.Context, demandeID int, f Upload) (*ent.Document, error) {
	v := viewer.FromContext(ctx)
	if v == nil {
		return nil, domain.Errorf(domain.CodeUnauthenticated, "authentication required")
	}
	d, err := s.Client.DemandeIntervention.Get(ctx, demandeID)
	if ent.IsNotFound(err) {
		return nil, domain.Errorf(domain.CodeNotFound, "demande %d not found", demandeID)
	} else if err != nil {
		return nil, fmt.Errorf("reading request %d: %w", demandeID, err)
	}
	if !v.Staff() && d.DemandeurID != v.UserID {
		return nil, domain.Errorf(domain.CodeForbidden, "only its submitter, ADMIN and RESPONSABLE add photos to a request")
	}
	if d.Statut != domain.DemandeNouvelle {
		return nil, domain.Errorf(domain.CodeLocked, "the request is %s: photos are added before triage", d.Statut)
	}
	doc, err := s.store(ctx, f, photos, "PNG and JPEG photos", func(c *ent.DocumentCreate) { c.SetDemandeID(demandeID) })
	if err != nil {
		return nil, err
	}
	s.Log.InfoContext(ctx, "document uploaded", "event", "document_uploaded", "document_id", doc.ID,
		"demande_id", demandeID, "size", doc.Size, "mime", doc.MimeType, "user_id", v.UserID)
	return doc, nil
}

// store checks f against accepted (named so in errors), writes it and its row, which attach
// sets where it belongs.
func (s *Store) store(ctx context.Context, f Upload, accepted map[string][]string, named string, attach func(*ent.DocumentCreate)) (*ent.Document, error) {
	v := viewer.FromContext(ctx)
	name := SanitizeFilename(f.Filename)
	head := make([]byte, 512)
	n, err := io.ReadFull(f.Content, head)
	if err != nil && !errors.Is(err, io.ErrUnexpectedEOF) && !errors.Is(err, io.EOF) {
		return nil, fmt.Errorf("reading the upload: %w", err)
	}
	head = head[:n]
	if n == 0 {
		return nil, domain.Errorf(domain.CodeBadUserInput, "the file is empty")
	}
	mime := http.DetectContentType(head)
	exts, ok := accepted[mime]
	if !ok {
		return nil, domain.Errorf(domain.CodeBadUserInput, "only %s are accepted (this one is %s)", named, mime)
	}
	ext := strings.ToLower(filepath.Ext(name))
	if !slices.Contains(exts, ext) {
		return nil, domain.Errorf(domain.CodeBadUserInput, "the name %q does not match its content (%s): expected %s", name, mime, strings.Join(exts, " or "))
	}

	tmpDir := filepath.Join(s.Root, ".tmp")
	if err := os.MkdirAll(tmpDir, 0o750); err != nil {
		return nil, fmt.Errorf("preparing the upload folder: %w", err)
	}
	createTemp := s.CreateTemp
	if createTemp == nil {
		createTemp = os.CreateTemp
	}
	tmp, err := createTemp(tmpDir, "upload-*")
	if err != nil {
		return nil, fmt.Errorf("creating a temporary file: %w", err)
	}
	kept := false
	defer func() {
		if !kept {
			_ = tmp.Close()
			_ = os.Remove(tmp.Name())
		}
	}()
	hash := sha256.New()
	size, err := io.Copy(io.MultiWriter(tmp, hash), io.LimitReader(io.MultiReader(bytes.NewReader(head), f.Content), s.MaxBytes+1))
	if err != nil {
		return nil, fmt.Errorf("writing the upload: %w", err)
	}
	if size > s.MaxBytes {
		return nil, domain.Errorf(domain.CodeBadUserInput, "the file is too large: at most %d MiB", s.MaxBytes>>20)
	}
	if err := tmp.Sync(); err != nil {
		return nil, fmt.Errorf("writing the upload: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return nil, fmt.Errorf("writing the upload: %w", err)
	}

	id := uuid.NewString()
	rel := path.Join(id[:2], id+exts[0])
	final := filepath.Join(s.Root, filepath.FromSlash(rel))
	var (
		doc   *ent.Document
		moved bool
	)
	err = database.WithTx(ctx, s.Client, func(tx *ent.Client) error {
		c := tx.Document.Create()
		attach(c)
		d, err := c.
			SetFilename(name).
			SetPath(rel).
			SetMimeType(mime).
			SetSize(size).
			SetSha256(hex.EncodeToString(hash.Sum(nil))).
			SetDateUpload(s.Now()).
			SetUploadedByID(v.UserID).
			Save(ctx)
		if err != nil {
			return fmt.Errorf("recording the document: %w", err)
		}
		if err := os.MkdirAll(filepath.Dir(final), 0o750); err != nil {
			return fmt.Errorf("moving the upload into place: %w", err)
		}
		if err := os.Rename(tmp.Name(), final); err != nil {
			return fmt.Errorf("moving the upload into place: %w", err)
		}
		moved, doc = true, d
		return nil
	})
	if err != nil {
		if moved {
			// The commit failed: the file must not outlive its row.
			if rerr := os.Remove(final); rerr != nil {
				s.Log.ErrorContext(ctx, "document file left without its row", "path", rel, "error", rerr)
			}
		}
		return nil, err
	}
	kept = true
	return doc.Unwrap(), nil // committed: edges are read outside the transaction
}

// Delete removes a document, its row then its file. The uploader, ADMIN and RESPONSABLE may.
func (s *Store) Delete(ctx context.Context, id int) error {
	v := viewer.FromContext(ctx)
	doc, err := s.Client.Document.Get(ctx, id)
	if ent.IsNotFound(err) {
		return domain.Errorf(domain.CodeNotFound, "document %d not found", id)
	} else if err != nil {
		return err
	}
	if !v.Staff() && (doc.UploadedByID == nil || *doc.UploadedByID != v.UserID) {
		return domain.Errorf(domain.CodeForbidden, "only the uploader, ADMIN and RESPONSABLE delete a document")
	}
	if err := s.Client.Document.DeleteOneID(id).Exec(ctx); err != nil {
		return err
	}
	if err := os.Remove(filepath.Join(s.Root, filepath.FromSlash(doc.Path))); err != nil && !errors.Is(err, os.ErrNotExist) {
		s.Log.ErrorContext(ctx, "document file not removed", "document_id", id, "path", doc.Path, "error", err)
	}
	s.Log.InfoContext(ctx, "document deleted", "event", "document_deleted", "document_id", id, "user_id", v.UserID)
	return nil
}

// URL is the signed address that serves doc until URLTTL from now.
func (s *Store) URL(doc *ent.Document) string {
	exp := s.Now().Add(s.URLTTL).Unix()
	return URLPrefix + doc.Path + "?exp=" + strconv.FormatInt(exp, 10) + "&sig=" + s.sign(doc.Path, exp)
}

func (s *Store) sign(rel string, exp int64) string {
	m := hmac.New(sha256.New, s.Key)
	_, _ = fmt.Fprintf(m, "document:%s:%d", rel, exp)
	return hex.EncodeToString(m.Sum(nil))
}

// Verify reports whether sig signs rel until exp, and exp is not past.
func (s *Store) Verify(rel, exp, sig string) bool {
	e, err := strconv.ParseInt(exp, 10, 64)
	if err != nil || s.Now().Unix() > e {
		return false
	}
	want := s.sign(rel, e)
	return hmac.Equal([]byte(want), []byte(sig))
}

// SanitizeFilename keeps the last element of a client's file name, without control or path
// characters, at most 255 bytes; it is only ever displayed, never used as a path.
func SanitizeFilename(name string) string {
	name = strings.ReplaceAll(name, "\\", "/")
	name = path.Base(name)
	name = strings.Map(func(r rune) rune {
		switch {
		case unicode.IsControl(r), r == '/', r == '"', r == '<', r == '>', r == '|', r == ':', r == '*', r == '?':
			return -1
		}
		return r
	}, name)
	name = strings.TrimLeft(strings.TrimSpace(name), ".")
	if name == "" {
		name = "document"
	}
	for len(name) > 255 {
		ext := filepath.Ext(name)
		r := []rune(strings.TrimSuffix(name, ext))
		name = string(r[:len(r)-1]) + ext
	}
	return name
}
