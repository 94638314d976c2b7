// Package account manages users: creation by an admin, profile and role changes,
// deactivation and deletion. Deletion anonymizes (seed §6): personal data is removed, the row
// stays so that the history it signed remains consistent.
package account

import (
	"context"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/mifmaroc/erp/ent"
	"github.com/mifmaroc/erp/ent/notification"
	"github.com/mifmaroc/erp/ent/technicien"
	"github.com/mifmaroc/erp/ent/user"
	"github.com/mifmaroc/erp/internal/auth"
	"github.com/mifmaroc/erp/internal/clientele"
	"github.com/mifmaroc/erp/internal/database"
	"github.com/mifmaroc/erp/internal/domain"
	"github.com/mifmaroc/erp/internal/viewer"
)

// Service manages accounts. Calls run with the caller's context: the access rules decide
// whether the viewer may change a given user.
type Service struct {
	Client     *ent.Client
	BcryptCost int
	Now        func() time.Time
	Log        *slog.Logger
}

// NewUser is what an admin gives to create an account.
type NewUser struct {
	Email      string
	Password   string
	Role       domain.Role
	Username   *string
	NomComplet *string
	Telephone  *string
	// SocieteID links a CLIENT account to its company (internal/clientele.CheckUserLink).
	SocieteID *int
}

// Create adds an active account. Errors: BAD_USER_INPUT (email, password policy, a company
// for another role than CLIENT), NOT_FOUND (company), CONFLICT (email taken, company
// archived), FORBIDDEN (not an admin).
func (s *Service) Create(ctx context.Context, in NewUser) (*ent.User, error) {
	if err := viewer.Require(ctx, "create accounts", domain.RoleAdmin); err != nil {
		return nil, err
	}
	email, err := auth.NormalizeEmail(in.Email)
	if err != nil {
		return nil, err
	}
	if in.SocieteID != nil {
		if err := clientele.CheckUserLink(ctx, s.Client, in.Role, *in.SocieteID); err != nil {
			return nil, err
		}
	}
	hash, err := auth.HashPassword(in.Password, s.BcryptCost)
	if err != nil {
		return nil, err
	}
	u, err := s.Client.User.Create().
		SetEmail(email).
		SetPasswordHash(hash).
		SetRole(in.Role).
		SetNillableUsername(trimmed(in.Username)).
		SetNillableNomComplet(trimmed(in.NomComplet)).
		SetNillableTelephone(trimmed(in.Telephone)).
		SetNillableSocieteID(in.SocieteID).
		Save(ctx)
	if ent.IsConstraintError(err) {
		return nil, domain.Errorf(domain.CodeConflict, "a user with email %s already exists", email)
	}
	if err != nil {
		return nil, err
	}
	s.audit(ctx, "user created", "user_created", u.ID, "role", u.Role)
	return u, nil
}

// Changes are the fields an admin may change on an account; nil leaves a field as it is.
type Changes struct {
	Email              *string
	Username           *string
	NomComplet         *string
	Telephone          *string
	Role               *domain.Role
	IsActive           *bool
	EmailNotifications *bool
	// SocieteID links the account to a client company (CLIENT only); ClearSociete unlinks
	// it. A role change away from CLIENT unlinks it too.
	SocieteID    *int
	ClearSociete bool
}

// Update changes an account. Deactivating it ends its sessions. The last active admin cannot
// be demoted or deactivated (CONFLICT). A company link follows clientele.CheckUserLink
// (BAD_USER_INPUT, NOT_FOUND, CONFLICT).
func (s *Service) Update(ctx context.Context, id int, c Changes) (*ent.User, error) {
	if err := viewer.Require(ctx, "manage other accounts", domain.RoleAdmin); err != nil {
		return nil, err
	}
	var out *ent.User
	err := database.WithTx(ctx, s.Client, func(tx *ent.Client) error {
		u, err := tx.User.Get(ctx, id)
		if err != nil {
			return err
		}
		if u.DeletedAt != nil {
			return domain.Errorf(domain.CodeConflict, "user %d was deleted", id)
		}
		demoted := c.Role != nil && *c.Role != domain.RoleAdmin
		deactivated := c.IsActive != nil && !*c.IsActive
		if u.Role == domain.RoleAdmin && u.IsActive && (demoted || deactivated) {
			if err := lastAdminGuard(ctx, tx, id); err != nil {
				return err
			}
		}
		role := u.Role
		if c.Role != nil {
			role = *c.Role
		}
		if c.SocieteID != nil && c.ClearSociete {
			return domain.Errorf(domain.CodeBadUserInput, "give societeId or clearSociete, not both")
		}
		if c.SocieteID != nil && (u.SocieteID == nil || *u.SocieteID != *c.SocieteID || role != u.Role) {
			if err := clientele.CheckUserLink(ctx, tx, role, *c.SocieteID); err != nil {
				return err
			}
		}
		upd := tx.User.UpdateOneID(id).
			SetNillableUsername(trimmed(c.Username)).
			SetNillableNomComplet(trimmed(c.NomComplet)).
			SetNillableTelephone(trimmed(c.Telephone)).
			SetNillableRole(c.Role).
			SetNillableIsActive(c.IsActive).
			SetNillableEmailNotifications(c.EmailNotifications).
			SetNillableSocieteID(c.SocieteID)
		if c.ClearSociete || (role != domain.RoleClient && c.SocieteID == nil) {
			// Only a CLIENT account reads a company's data.
			upd.ClearSocieteID()
		}
		if role != domain.RoleResponsable {
			// Sites scope a RESPONSABLE only; kept on another role, they would scope him
			// again the day he became one.
			upd.ClearSites()
		}
		if c.Email != nil {
			email, err := auth.NormalizeEmail(*c.Email)
			if err != nil {
				return err
			}
			upd.SetEmail(email)
		}
		out, err = upd.Save(ctx)
		if ent.IsConstraintError(err) && c.Email != nil {
			return domain.Errorf(domain.CodeConflict, "another user already has email %s", *c.Email)
		}
		if err != nil {
			return err
		}
		if deactivated && u.IsActive {
			if err := auth.EndSessions(ctx, tx, id, s.Now()); err != nil {
				return err
			}
		}
		if err := syncTechnicien(ctx, tx, out); err != nil {
			return err
		}
		if c.Role != nil && *c.Role != u.Role {
			s.audit(ctx, "role changed", "role_changed", id, "from", u.Role, "to", *c.Role)
		}
		if c.IsActive != nil && *c.IsActive != u.IsActive {
			s.audit(ctx, "activity changed", map[bool]string{true: "user_reactivated", false: "user_deactivated"}[*c.IsActive], id)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out.Unwrap(), nil // further queries go through the client, not the closed transaction
}

// syncTechnicien keeps u's technician profile, if he has one, active exactly while u is an
// active TECHNICIEN: a profile left behind by a role change or a deactivation takes no work.
func syncTechnicien(ctx context.Context, tx *ent.Client, u *ent.User) error {
	actif := u.Role == domain.RoleTechnicien && u.IsActive && u.DeletedAt == nil
	err := tx.Technicien.Update().
		Where(technicien.UserID(u.ID), technicien.ActifNEQ(actif)).
		SetActif(actif).
		Exec(ctx)
	if err != nil {
		return fmt.Errorf("updating the technician profile of user %d: %w", u.ID, err)
	}
	return nil
}

// Deactivate refuses every further login and token of the user.
func (s *Service) Deactivate(ctx context.Context, id int) (*ent.User, error) {
	active := false
	return s.Update(ctx, id, Changes{IsActive: &active})
}

// Delete anonymizes the account: email, names and phone are replaced or removed, the password
// is made unusable, sessions end, personal notifications are deleted and a client company
// link is cut. The row stays, so interventions and history it appears in stay consistent.
// An admin cannot delete himself, nor the last active admin (CONFLICT).
func (s *Service) Delete(ctx context.Context, id int) error {
	if err := viewer.Require(ctx, "delete accounts", domain.RoleAdmin); err != nil {
		return err
	}
	if v := viewer.FromContext(ctx); v != nil && v.UserID == id {
		return domain.Errorf(domain.CodeConflict, "you cannot delete your own account")
	}
	return database.WithTx(ctx, s.Client, func(tx *ent.Client) error {
		u, err := tx.User.Get(ctx, id)
		if err != nil {
			return err
		}
		if u.DeletedAt != nil {
			return nil // already deleted: deleting again changes nothing
		}
		if u.Role == domain.RoleAdmin && u.IsActive {
			if err := lastAdminGuard(ctx, tx, id); err != nil {
				return err
			}
		}
		now := s.Now()
		err = tx.User.UpdateOneID(id).
			SetEmail(fmt.Sprintf("supprime-%d@anonyme.invalid", id)).
			ClearUsername().
			SetNomComplet("Utilisateur supprimé").
			ClearTelephone().
			SetPasswordHash("!deleted").
			SetIsActive(false).
			SetEmailNotifications(false).
			SetDeletedAt(now).
			ClearSocieteID().
			Exec(ctx)
		if err != nil {
			return fmt.Errorf("anonymizing user %d: %w", id, err)
		}
		if err := auth.EndSessions(ctx, tx, id, now); err != nil {
			return err
		}
		if _, err := tx.Notification.Delete().Where(notification.UserID(id)).Exec(ctx); err != nil {
			return fmt.Errorf("deleting notifications of %d: %w", id, err)
		}
		if err := tx.Technicien.Update().Where(technicien.UserID(id)).SetActif(false).Exec(ctx); err != nil {
			return fmt.Errorf("deactivating the technician profile of %d: %w", id, err)
		}
		s.audit(ctx, "user deleted (anonymized)", "user_deleted", id)
		return nil
	})
}

// Profile is what every user may change on his own account.
type Profile struct {
	Username           *string
	NomComplet         *string
	Telephone          *string
	EmailNotifications *bool
	Langue             *domain.Langue
}

// UpdateMe changes the viewer's own profile.
func (s *Service) UpdateMe(ctx context.Context, p Profile) (*ent.User, error) {
	v := viewer.FromContext(ctx)
	if v == nil {
		return nil, domain.Errorf(domain.CodeUnauthenticated, "authentication required")
	}
	return s.Client.User.UpdateOneID(v.UserID).
		SetNillableUsername(trimmed(p.Username)).
		SetNillableNomComplet(trimmed(p.NomComplet)).
		SetNillableTelephone(trimmed(p.Telephone)).
		SetNillableEmailNotifications(p.EmailNotifications).
		SetNillableLangue(p.Langue).
		Save(ctx)
}

// lastAdminGuard refuses a change that would leave no active admin besides id.
func lastAdminGuard(ctx context.Context, tx *ent.Client, id int) error {
	others, err := tx.User.Query().
		Where(user.RoleEQ(domain.RoleAdmin), user.IsActive(true), user.IDNEQ(id)).
		Count(ctx)
	if err != nil {
		return fmt.Errorf("counting admins: %w", err)
	}
	if others == 0 {
		return domain.Errorf(domain.CodeConflict, "this is the last active administrator: promote another one first")
	}
	return nil
}

func (s *Service) audit(ctx context.Context, msg, event string, userID int, args ...any) {
	by := 0
	if v := viewer.FromContext(ctx); v != nil {
		by = v.UserID
	}
	s.Log.InfoContext(ctx, msg, append([]any{"event", event, "user_id", userID, "by_user_id", by}, args...)...)
}

func trimmed(s *string) *string {
	if s == nil {
		return nil
	}
	t := strings.TrimSpace(*s)
	return &t
}
