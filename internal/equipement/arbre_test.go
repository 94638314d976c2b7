package equipement_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/mifmaroc/erp/ent"
	"github.com/mifmaroc/erp/internal/domain"
	"github.com/mifmaroc/erp/internal/equipement"
	"github.com/mifmaroc/erp/internal/testdb"
	"github.com/mifmaroc/erp/internal/viewer"
)

// TestParent: the service refuses to make an equipement part of itself or of one of its
// parts, at any depth, and leaves the tree as it was; other moves go through.
func TestParent(t *testing.T) {
	db := testdb.Open(t)
	s := &equipement.Service{Client: db.Ent, Now: func() time.Time { return time.Date(2026, 3, 1, 8, 0, 0, 0, time.UTC) }}
	ctx := viewer.NewContext(context.Background(), &viewer.Viewer{UserID: 1, Role: domain.RoleResponsable})
	var chain []*ent.Equipement
	for _, code := range []string{"L1", "M1", "MOT1", "ROT1"} {
		in := ent.CreateEquipementInput{Nom: code, Code: code}
		if len(chain) > 0 {
			in.ParentID = &chain[len(chain)-1].ID
		}
		e, err := s.Create(ctx, in)
		if err != nil {
			t.Fatalf("creating %s: %v", code, err)
		}
		chain = append(chain, e)
	}
	other, err := s.Create(ctx, ent.CreateEquipementInput{Nom: "Autre", Code: "AUTRE"})
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name          string
		id, parent    int
		code          domain.Code // "": accepted
		naming        []string
		parentAfterID int
	}{
		{"ErrSelf", chain[1].ID, chain[1].ID, domain.CodeBadUserInput, []string{"M1"}, chain[0].ID},
		{"ErrChild", chain[1].ID, chain[2].ID, domain.CodeBadUserInput, []string{"M1", "MOT1"}, chain[0].ID},
		{"ErrDepth3", chain[0].ID, chain[3].ID, domain.CodeBadUserInput, []string{"L1", "ROT1"}, 0},
		{"ErrUnknown", chain[1].ID, 999999999, domain.CodeNotFound, nil, chain[0].ID},
		{"Sideways", chain[2].ID, other.ID, "", nil, other.ID},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := s.Update(ctx, tc.id, ent.UpdateEquipementInput{ParentID: &tc.parent})
			var de *domain.Error
			switch {
			case tc.code == "" && err != nil:
				t.Fatalf("refused: %v", err)
			case tc.code != "" && (!errors.As(err, &de) || de.Code != tc.code):
				t.Fatalf("error %v, want %s", err, tc.code)
			}
			for _, n := range tc.naming {
				if !strings.Contains(err.Error(), n) {
					t.Errorf("%q does not name %s", err.Error(), n)
				}
			}
			got := db.Ent.Equipement.GetX(viewer.SystemContext(ctx), tc.id)
			if (got.ParentID == nil) != (tc.parentAfterID == 0) || (got.ParentID != nil && *got.ParentID != tc.parentAfterID) {
				t.Errorf("parent after: %v, want %d", got.ParentID, tc.parentAfterID)
			}
		})
	}
}
