package emplacement_test

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"slices"
	"strings"
	"testing"
	"time"

	entsql "entgo.io/ent/dialect/sql"

	"github.com/mifmaroc/erp/ent"
	entemplacement "github.com/mifmaroc/erp/ent/emplacement"
	"github.com/mifmaroc/erp/internal/domain"
	"github.com/mifmaroc/erp/internal/emplacement"
	"github.com/mifmaroc/erp/internal/emplacement/tree"
	"github.com/mifmaroc/erp/internal/testdb"
	"github.com/mifmaroc/erp/internal/viewer"
)

func ptr[T any](v T) *T { return &v }

// chain creates places named after names, each under the one before, and returns them.
func chain(t *testing.T, s *emplacement.Service, ctx context.Context, names ...string) []*ent.Emplacement {
	t.Helper()
	var out []*ent.Emplacement
	var parent *int
	for _, n := range names {
		e, err := s.Create(ctx, ent.CreateEmplacementInput{Nom: n, Type: entemplacement.TypeZONE, ParentID: parent})
		if err != nil {
			t.Fatalf("creating %s: %v", n, err)
		}
		out, parent = append(out, e), &e.ID
	}
	return out
}

func wantCode(t *testing.T, err error, code domain.Code, naming ...string) {
	t.Helper()
	var de *domain.Error
	if !errors.As(err, &de) || de.Code != code {
		t.Fatalf("error %v, want %s", err, code)
	}
	for _, n := range naming {
		if !strings.Contains(err.Error(), n) {
			t.Errorf("%q does not name %q", err.Error(), n)
		}
	}
}

func TestService(t *testing.T) {
	db := testdb.Open(t)
	s := &emplacement.Service{Client: db.Ent, Now: func() time.Time { return time.Date(2026, 3, 1, 8, 0, 0, 0, time.UTC) },
		Log: slog.New(slog.NewTextHandler(io.Discard, nil))}
	resp := viewer.NewContext(context.Background(), &viewer.Viewer{UserID: 1, Role: domain.RoleResponsable})
	p := chain(t, s, resp, "Site", "Bâtiment", "Zone", "Local")

	t.Run("Chemin", func(t *testing.T) {
		path, err := emplacement.Chemin(resp, db.Ent, p[3].ID)
		if err != nil {
			t.Fatal(err)
		}
		var names []string
		for _, e := range path {
			names = append(names, e.Nom)
		}
		if want := []string{"Site", "Bâtiment", "Zone", "Local"}; !slices.Equal(names, want) {
			t.Errorf("chemin %v, want %v", names, want)
		}
	})
	t.Run("ErrCycle", func(t *testing.T) {
		for _, under := range p {
			_, err := s.Update(resp, p[0].ID, ent.UpdateEmplacementInput{ParentID: &under.ID})
			wantCode(t, err, domain.CodeBadUserInput, "Site", under.Nom)
		}
		_, err := s.Update(resp, p[1].ID, ent.UpdateEmplacementInput{ParentID: &p[3].ID})
		wantCode(t, err, domain.CodeBadUserInput, "Bâtiment", "Local")
	})
	t.Run("MoveAndRoot", func(t *testing.T) {
		e, err := s.Update(resp, p[3].ID, ent.UpdateEmplacementInput{ParentID: &p[1].ID, Code: ptr("  ")})
		if err != nil || e.ParentID == nil || *e.ParentID != p[1].ID || e.Code != nil {
			t.Fatalf("moving Local under Bâtiment: %+v, %v", e, err)
		}
		if e, err = s.Update(resp, p[3].ID, ent.UpdateEmplacementInput{ClearParent: true}); err != nil || e.ParentID != nil {
			t.Fatalf("making Local a root: %+v, %v", e, err)
		}
	})
	t.Run("ErrDeleteInUse", func(t *testing.T) {
		db.Ent.Equipement.Create().SetNom("Pompe").SetCode("EQ-1").SetEmplacementID(p[1].ID).SaveX(viewer.SystemContext(resp))
		wantCode(t, s.Delete(resp, p[1].ID), domain.CodeConflict, "1 places", "1 equipements")
		if err := s.Delete(resp, p[3].ID); err != nil {
			t.Fatalf("deleting an empty place: %v", err)
		}
		wantCode(t, s.Delete(resp, p[3].ID), domain.CodeNotFound)
	})
	t.Run("ErrForbidden", func(t *testing.T) {
		tech := viewer.NewContext(context.Background(), &viewer.Viewer{UserID: 2, Role: domain.RoleTechnicien})
		_, err := s.Create(tech, ent.CreateEmplacementInput{Nom: "X", Type: entemplacement.TypeZONE})
		wantCode(t, err, domain.CodeForbidden)
		wantCode(t, s.Delete(tech, p[2].ID), domain.CodeForbidden)
	})
	// Two moves committed at once can loop the tree behind Update's back; the walks must
	// still end.
	t.Run("WalkEndsOnALoop", func(t *testing.T) {
		sys := viewer.SystemContext(resp)
		db.Ent.Emplacement.UpdateOneID(p[0].ID).SetParentID(p[2].ID).ExecX(sys)
		ids, err := db.Ent.Emplacement.Query().Where(func(sel *entsql.Selector) {
			sel.Where(entsql.In(sel.C(entemplacement.FieldID), tree.Subtree(p[1].ID)))
		}).IDs(sys)
		if err != nil || len(ids) != 3 {
			t.Fatalf("subtree of a loop: %v, %v; want its 3 places", ids, err)
		}
		if _, err := emplacement.Chemin(sys, db.Ent, p[2].ID); err != nil {
			t.Fatalf("path in a loop: %v", err)
		}
	})
}
