// Package clientele manages the client companies (Societe) and their maintenance contracts
// (Contrat): their life cycle (create, update, archive, delete while nothing refers to
// them), the link of CLIENT accounts to their company, and the contract terms other
// domains read: whether a contract applies on a date, its SLA hours per priority, and which
// contract covers an equipment. Only ADMIN and RESPONSABLE write them; who reads which rows
// is internal/access's rule.
package clientele

import (
	"context"
	"fmt"
	"log/slog"
	"strings"

	"github.com/mifmaroc/erp/ent"
	"github.com/mifmaroc/erp/ent/contrat"
	"github.com/mifmaroc/erp/ent/equipement"
	"github.com/mifmaroc/erp/ent/intervention"
	"github.com/mifmaroc/erp/ent/user"
	"github.com/mifmaroc/erp/internal/database"
	"github.com/mifmaroc/erp/internal/domain"
	"github.com/mifmaroc/erp/internal/viewer"
)

// Service writes companies and contracts.
type Service struct {
	Client *ent.Client
	Log    *slog.Logger
}

var staff = []domain.Role{domain.RoleAdmin, domain.RoleResponsable}

// CreateSociete adds an active company. Errors: CONFLICT (code taken), BAD_USER_INPUT,
// FORBIDDEN.
func (s *Service) CreateSociete(ctx context.Context, in ent.CreateSocieteInput) (*ent.Societe, error) {
	if err := viewer.Require(ctx, "create clients", staff...); err != nil {
		return nil, err
	}
	in.Nom, in.Code = strings.TrimSpace(in.Nom), strings.TrimSpace(in.Code)
	out, err := s.Client.Societe.Create().SetInput(in).Save(ctx)
	if ent.IsConstraintError(err) {
		return nil, domain.Errorf(domain.CodeConflict, "a client with code %s already exists", in.Code)
	}
	if err != nil {
		return nil, err
	}
	s.audit(ctx, "client created", "societe_created", "societe_id", out.ID)
	return out, nil
}

// UpdateSociete changes a company; actif false archives it, true restores it. Errors:
// NOT_FOUND, CONFLICT (code taken), BAD_USER_INPUT, FORBIDDEN.
func (s *Service) UpdateSociete(ctx context.Context, id int, in ent.UpdateSocieteInput) (*ent.Societe, error) {
	if err := viewer.Require(ctx, "change clients", staff...); err != nil {
		return nil, err
	}
	if in.Nom != nil {
		t := strings.TrimSpace(*in.Nom)
		in.Nom = &t
	}
	if in.Code != nil {
		t := strings.TrimSpace(*in.Code)
		in.Code = &t
	}
	out, err := s.Client.Societe.UpdateOneID(id).SetInput(in).Save(ctx)
	switch {
	case ent.IsNotFound(err):
		return nil, domain.Errorf(domain.CodeNotFound, "client %d not found", id)
	case ent.IsConstraintError(err):
		return nil, domain.Errorf(domain.CodeConflict, "another client already has this code")
	case err != nil:
		return nil, err
	}
	if in.Actif != nil {
		s.audit(ctx, "client activity changed", map[bool]string{true: "societe_restored", false: "societe_archived"}[*in.Actif], "societe_id", id)
	}
	return out, nil
}

// ArchiveSociete is UpdateSociete with actif false: the company keeps its history and its
// accounts may still read it, but it takes no new intervention or contract.
func (s *Service) ArchiveSociete(ctx context.Context, id int) (*ent.Societe, error) {
	actif := false
	return s.UpdateSociete(ctx, id, ent.UpdateSocieteInput{Actif: &actif})
}

// DeleteSociete removes a company nothing refers to. Otherwise CONFLICT, naming what refers
// to it (interventions, contracts, equipment, accounts), and nothing is deleted: archive it
// instead.
func (s *Service) DeleteSociete(ctx context.Context, id int) error {
	if err := viewer.Require(ctx, "delete clients", staff...); err != nil {
		return err
	}
	return database.WithTx(ctx, s.Client, func(tx *ent.Client) error {
		soc, err := tx.Societe.Get(ctx, id)
		if ent.IsNotFound(err) {
			return domain.Errorf(domain.CodeNotFound, "client %d not found", id)
		} else if err != nil {
			return err
		}
		refs, err := database.InUse(viewer.SystemContext(ctx),
			database.Use{What: "interventions", Count: tx.Intervention.Query().Where(intervention.ClientID(id)).Count},
			database.Use{What: "contrats", Count: tx.Contrat.Query().Where(contrat.ClientID(id)).Count},
			database.Use{What: "equipements", Count: tx.Equipement.Query().Where(equipement.ClientID(id)).Count},
			database.Use{What: "users", Count: tx.User.Query().Where(user.SocieteID(id)).Count})
		if err != nil {
			return fmt.Errorf("client %d: %w", id, err)
		}
		if len(refs) > 0 {
			return domain.Errorf(domain.CodeConflict, "client %s is referred to by %s: it cannot be deleted (archive it instead)",
				soc.Code, strings.Join(refs, ", "))
		}
		if err := tx.Societe.DeleteOneID(id).Exec(ctx); err != nil {
			return fmt.Errorf("deleting client %d: %w", id, err)
		}
		s.audit(ctx, "client deleted", "societe_deleted", "societe_id", id)
		return nil
	})
}

// TakesWork checks that company id exists for the caller (NOT_FOUND) and is not archived
// (CONFLICT): only an active company gets new interventions and contracts.
func TakesWork(ctx context.Context, c *ent.Client, id int) (*ent.Societe, error) {
	soc, err := c.Societe.Get(ctx, id)
	if ent.IsNotFound(err) {
		return nil, domain.Errorf(domain.CodeNotFound, "client %d not found", id)
	} else if err != nil {
		return nil, err
	}
	if !soc.Actif {
		return nil, domain.Errorf(domain.CodeConflict, "client %s is archived: it takes no new intervention or contract", soc.Code)
	}
	return soc, nil
}

func (s *Service) audit(ctx context.Context, msg, event string, args ...any) {
	by := 0
	if v := viewer.FromContext(ctx); v != nil {
		by = v.UserID
	}
	if s.Log != nil {
		s.Log.InfoContext(ctx, msg, append([]any{"event", event, "by_user_id", by}, args...)...)
	}
}
