// Package emplacement holds the tree of places a maintenance team works in (site → bâtiment
// → zone, to any depth), where each equipement sits, and the walks of that tree that filters
// use ("everything under this place", tree.go). Only staff write places; who reads them is
// internal/access's rule.
package emplacement

import (
	"context"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	entsql "entgo.io/ent/dialect/sql"

	"github.com/mifmaroc/erp/ent"
	"github.com/mifmaroc/erp/ent/emplacement"
	"github.com/mifmaroc/erp/ent/equipement"
	"github.com/mifmaroc/erp/ent/user"
	"github.com/mifmaroc/erp/internal/access"
	"github.com/mifmaroc/erp/internal/database"
	"github.com/mifmaroc/erp/internal/domain"
	"github.com/mifmaroc/erp/internal/emplacement/tree"
	"github.com/mifmaroc/erp/internal/viewer"
)

// Service writes places. Every read goes through the caller's context, so a place the caller
// may not see is NOT_FOUND.
type Service struct {
	Client *ent.Client
	Now    func() time.Time
	Log    *slog.Logger
}

var staff = []domain.Role{domain.RoleAdmin, domain.RoleResponsable}

// checkNom trims a name and checks its length.
func checkNom(nom *string) error {
	*nom = strings.TrimSpace(*nom)
	if n := utf8.RuneCountInString(*nom); n == 0 || n > 200 {
		return domain.Errorf(domain.CodeBadUserInput, "nom: from 1 to 200 characters")
	}
	return nil
}

// checkCode trims a code; an empty one means none (nil).
func checkCode(code *string) (*string, error) {
	if code == nil {
		return nil, nil
	}
	c := strings.TrimSpace(*code)
	switch n := utf8.RuneCountInString(c); {
	case n == 0:
		return nil, nil
	case n > 64:
		return nil, domain.Errorf(domain.CodeBadUserInput, "code: at most 64 characters")
	}
	return &c, nil
}

// Create records a place, under in.ParentID when set. Staff only. Errors: FORBIDDEN,
// BAD_USER_INPUT, NOT_FOUND (parent), CONFLICT (code taken).
func (s *Service) Create(ctx context.Context, in ent.CreateEmplacementInput) (*ent.Emplacement, error) {
	if err := viewer.Require(ctx, "write places", staff...); err != nil {
		return nil, err
	}
	if err := checkNom(&in.Nom); err != nil {
		return nil, err
	}
	code, err := checkCode(in.Code)
	if err != nil {
		return nil, err
	}
	in.Code = code
	var e *ent.Emplacement
	err = database.WithTx(ctx, s.Client, func(tx *ent.Client) error {
		if in.ParentID == nil && viewer.FromContext(ctx).Scoped() {
			return errAboveSites
		}
		if in.ParentID != nil {
			if _, err := writable(ctx, tx, *in.ParentID); err != nil {
				return err
			}
		}
		var err error
		e, err = tx.Emplacement.Create().SetInput(in).SetCreatedAt(s.Now()).SetUpdatedAt(s.Now()).Save(ctx)
		return err
	})
	if ent.IsConstraintError(err) && in.Code != nil {
		return nil, domain.Errorf(domain.CodeConflict, "a place already has the code %q", *in.Code)
	} else if err != nil {
		return nil, fmt.Errorf("creating place %q: %w", in.Nom, err)
	}
	s.Log.InfoContext(ctx, "place created", "event", "emplacement_created", "emplacement_id", e.ID)
	return e.Unwrap(), nil
}

// Update renames, retypes, archives or moves place id; its children and equipment move with
// it. Moving a place under itself or one of its descendants is refused. Staff only. Errors:
// FORBIDDEN, NOT_FOUND, BAD_USER_INPUT (naming the places of a cycle), CONFLICT (code taken).
func (s *Service) Update(ctx context.Context, id int, in ent.UpdateEmplacementInput) (*ent.Emplacement, error) {
	if err := viewer.Require(ctx, "write places", staff...); err != nil {
		return nil, err
	}
	if in.Nom != nil {
		if err := checkNom(in.Nom); err != nil {
			return nil, err
		}
	}
	if in.Code != nil {
		code, err := checkCode(in.Code)
		if err != nil {
			return nil, err
		}
		// An empty code clears it, as a form sends it.
		in.Code, in.ClearCode = code, in.ClearCode || code == nil
	}
	var e *ent.Emplacement
	err := database.WithTx(ctx, s.Client, func(tx *ent.Client) error {
		place, err := writable(ctx, tx, id)
		if err != nil {
			return err
		}
		if in.ClearParent && viewer.FromContext(ctx).Scoped() {
			return errAboveSites
		}
		if in.ParentID != nil {
			if err := checkMove(ctx, tx, place, *in.ParentID); err != nil {
				return err
			}
		}
		e, err = tx.Emplacement.UpdateOneID(id).SetInput(in).SetUpdatedAt(s.Now()).Save(ctx)
		return err
	})
	switch {
	case ent.IsConstraintError(err):
		return nil, domain.Errorf(domain.CodeConflict, "another place has that code")
	case err != nil:
		return nil, fmt.Errorf("updating place %d: %w", id, err)
	}
	s.Log.InfoContext(ctx, "place updated", "event", "emplacement_updated", "emplacement_id", id)
	return e.Unwrap(), nil
}

// checkMove refuses to put place under parentID when that is the place itself or one of the
// places under it: the tree would become a loop, cut off from every site.
func checkMove(ctx context.Context, tx *ent.Client, place *ent.Emplacement, parentID int) error {
	parent, err := writable(ctx, tx, parentID)
	if err != nil {
		return err
	}
	if parent.ID == place.ID {
		return domain.Errorf(domain.CodeBadUserInput, "parentID: the place %q cannot be put under itself", place.Nom)
	}
	under, err := tx.Emplacement.Query().
		Where(emplacement.ID(parent.ID), func(s *entsql.Selector) {
			s.Where(entsql.In(s.C(emplacement.FieldID), tree.Subtree(place.ID)))
		}).
		Exist(ctx)
	if err != nil {
		return fmt.Errorf("walking the places under %d: %w", place.ID, err)
	}
	if under {
		return domain.Errorf(domain.CodeBadUserInput, "parentID: the place %q is under %q, which cannot be put under it", parent.Nom, place.Nom)
	}
	return nil
}

// Delete removes a place that holds nothing: a place with places or equipment in it is
// refused with CONFLICT, naming them, and nothing is deleted (archive it with actif false
// instead). Staff only. Errors: FORBIDDEN, NOT_FOUND, CONFLICT.
func (s *Service) Delete(ctx context.Context, id int) error {
	if err := viewer.Require(ctx, "delete places", staff...); err != nil {
		return err
	}
	err := database.WithTx(ctx, s.Client, func(tx *ent.Client) error {
		place, err := writable(ctx, tx, id)
		if err != nil {
			return err
		}
		// A responsable scoped to a deleted place would lose his scope, and with it every
		// limit on what he sees.
		refs, err := database.InUse(viewer.SystemContext(ctx),
			database.Use{What: "places", Count: tx.Emplacement.Query().Where(emplacement.ParentID(id)).Count},
			database.Use{What: "equipements", Count: tx.Equipement.Query().Where(equipement.EmplacementID(id)).Count},
			database.Use{What: "responsables' sites", Count: tx.User.Query().Where(user.HasSitesWith(emplacement.ID(id))).Count},
		)
		if err != nil {
			return err
		}
		if len(refs) > 0 {
			return domain.Errorf(domain.CodeConflict, "the place %q holds %s: move or delete them first, or archive it", place.Nom, strings.Join(refs, " and "))
		}
		return tx.Emplacement.DeleteOneID(id).Exec(ctx)
	})
	if err != nil {
		return fmt.Errorf("deleting place %d: %w", id, err)
	}
	s.Log.InfoContext(ctx, "place deleted", "event", "emplacement_deleted", "emplacement_id", id)
	return nil
}

// Chemin is the path to place id from its root, the place itself last, for breadcrumbs: the
// places above it that the caller reads (a client reads every place above his own).
func Chemin(ctx context.Context, client *ent.Client, id int) ([]*ent.Emplacement, error) {
	paths, err := Chemins(ctx, client, []int{id})
	return paths[id], err
}

// Chemins is Chemin for the places ids at once, in one statement (a list of places shows
// each one's breadcrumbs).
func Chemins(ctx context.Context, client *ent.Client, ids []int) (map[int][]*ent.Emplacement, error) {
	places, err := client.Emplacement.Query().
		Where(func(s *entsql.Selector) {
			t := entsql.Table(emplacement.Table)
			asked := entsql.Select(t.C(emplacement.FieldID)).From(t).Where(entsql.InInts(t.C(emplacement.FieldID), ids...))
			s.Where(entsql.In(s.C(emplacement.FieldID), tree.Ancestors(asked)))
		}).
		All(ctx)
	if err != nil {
		return nil, fmt.Errorf("reading the paths to places %v: %w", ids, err)
	}
	byID := make(map[int]*ent.Emplacement, len(places))
	for _, p := range places {
		byID[p.ID] = p
	}
	paths := make(map[int][]*ent.Emplacement, len(ids))
	for _, id := range ids {
		var path []*ent.Emplacement
		for p := byID[id]; p != nil && len(path) <= len(places); {
			path = append(path, p)
			if p.ParentID == nil {
				break
			}
			p = byID[*p.ParentID]
		}
		slices.Reverse(path)
		paths[id] = path
	}
	return paths, nil
}

// errAboveSites refuses a scoped responsable a root place: every place he writes is under
// his sites.
var errAboveSites = domain.Errorf(domain.CodeForbidden, "you work under your sites: a place you write goes under one of them")

// writable is get for a write: a scoped responsable writes his sites and the places under
// them, not the places above them that he reads for his breadcrumbs (FORBIDDEN).
func writable(ctx context.Context, tx *ent.Client, id int) (*ent.Emplacement, error) {
	e, err := get(ctx, tx, id)
	if err != nil {
		return nil, err
	}
	return e, CheckWritable(ctx, tx, e)
}

// CheckWritable refuses place e to a scoped responsable when it is above his sites
// (FORBIDDEN): the rule of access.WritablePlaces.
func CheckWritable(ctx context.Context, tx *ent.Client, e *ent.Emplacement) error {
	p := access.WritablePlaces(viewer.FromContext(ctx))
	if p == nil {
		return nil
	}
	ok, err := tx.Emplacement.Query().Where(emplacement.ID(e.ID), p).Exist(ctx)
	switch {
	case err != nil:
		return fmt.Errorf("checking place %d against the viewer's sites: %w", e.ID, err)
	case !ok:
		return domain.Errorf(domain.CodeForbidden, "the place %q is above your sites: it is not yours to change", e.Nom)
	}
	return nil
}

// get reads place id with ctx: NOT_FOUND when it does not exist or the caller may not read it.
func get(ctx context.Context, tx *ent.Client, id int) (*ent.Emplacement, error) {
	e, err := tx.Emplacement.Get(ctx, id)
	if ent.IsNotFound(err) {
		return nil, domain.Errorf(domain.CodeNotFound, "place %d not found", id)
	}
	return e, err
}
