package account_test

import (
	"strconv"
	"testing"

	"github.com/mifmaroc/erp/ent/notification"
	"github.com/mifmaroc/erp/ent/user"
	"github.com/mifmaroc/erp/internal/apptest"
	"github.com/mifmaroc/erp/internal/auth"
	"github.com/mifmaroc/erp/internal/domain"
)

const createUser = `mutation($in: CreateUserInput!) { createUser(input: $in) { id email role isActive } }`

func TestCreateUser(t *testing.T) {
	env := apptest.New(t)
	admin := env.As(t, env.User(t, "Admin", domain.RoleAdmin))

	var got struct {
		CreateUser struct {
			ID, Email, Role string
			IsActive        bool
		}
	}
	admin.MustData(createUser, map[string]any{"in": map[string]any{
		"email": " Nouveau@MIF.ma ", "password": "un mot de passe solide", "role": "TECHNICIEN", "nomComplet": "Nouveau Tech",
	}}, &got)
	if got.CreateUser.Email != "nouveau@mif.ma" || got.CreateUser.Role != "TECHNICIEN" || !got.CreateUser.IsActive {
		t.Errorf("created = %+v", got.CreateUser)
	}
	u := env.Client.User.Query().Where(user.Email("nouveau@mif.ma")).OnlyX(env.Sys)
	if !auth.VerifyPassword(u.PasswordHash, "un mot de passe solide") || u.PasswordHash == "un mot de passe solide" {
		t.Error("the password is not stored as a hash of the given one")
	}

	tests := []struct {
		name string
		in   map[string]any
		code string
	}{
		{"DuplicateEmail", map[string]any{"email": "nouveau@mif.ma", "password": "un mot de passe solide", "role": "CLIENT"}, "CONFLICT"},
		{"BadEmail", map[string]any{"email": "pas-un-email", "password": "un mot de passe solide", "role": "CLIENT"}, "BAD_USER_INPUT"},
		{"ShortPassword", map[string]any{"email": "autre@mif.ma", "password": "court", "role": "CLIENT"}, "BAD_USER_INPUT"},
		{"UnknownRole", map[string]any{"email": "autre@mif.ma", "password": "un mot de passe solide", "role": "CHEF"}, "BAD_USER_INPUT"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := env.Client.User.Query().CountX(env.Sys)
			e := admin.MustFail(createUser, map[string]any{"in": tt.in})
			if e.Code() != tt.code {
				t.Errorf("code = %q (%s), want %s", e.Code(), e.Message, tt.code)
			}
			if after := env.Client.User.Query().CountX(env.Sys); after != before {
				t.Errorf("%d users after a refused creation, want %d", after, before)
			}
		})
	}
}

func TestUpdateUser(t *testing.T) {
	env := apptest.New(t)
	adminUser := env.User(t, "Admin", domain.RoleAdmin)
	admin := env.As(t, adminUser)
	target := env.User(t, "Cible", domain.RoleTechnicien)
	q := `mutation($id: ID!, $in: UpdateUserInput!) { updateUser(id: $id, input: $in) { role nomComplet isActive } }`

	var got struct {
		UpdateUser struct {
			Role, NomComplet string
			IsActive         bool
		}
	}
	admin.MustData(q, map[string]any{"id": strconv.Itoa(target.ID), "in": map[string]any{"role": "RESPONSABLE", "nomComplet": "Promu"}}, &got)
	if got.UpdateUser.Role != "RESPONSABLE" || got.UpdateUser.NomComplet != "Promu" || !got.UpdateUser.IsActive {
		t.Errorf("updated = %+v", got.UpdateUser)
	}

	tests := []struct {
		name string
		id   int
		in   map[string]any
		code string
	}{
		{"UnknownUser", target.ID + 1000, map[string]any{"nomComplet": "x"}, "NOT_FOUND"},
		{"DemoteLastAdmin", adminUser.ID, map[string]any{"role": "CLIENT"}, "CONFLICT"},
		{"DeactivateLastAdmin", adminUser.ID, map[string]any{"isActive": false}, "CONFLICT"},
		{"EmailTaken", target.ID, map[string]any{"email": adminUser.Email}, "CONFLICT"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := admin.MustFail(q, map[string]any{"id": strconv.Itoa(tt.id), "in": tt.in})
			if e.Code() != tt.code {
				t.Errorf("code = %q (%s), want %s", e.Code(), e.Message, tt.code)
			}
		})
	}
	if a := env.Client.User.GetX(env.Sys, adminUser.ID); a.Role != domain.RoleAdmin || !a.IsActive {
		t.Errorf("the last admin was changed: %+v", a)
	}
}

func TestDeleteUser(t *testing.T) {
	env := apptest.New(t)
	adminUser := env.User(t, "Admin", domain.RoleAdmin)
	admin := env.As(t, adminUser)
	gone := env.User(t, "Partant", domain.RoleTechnicien)
	iv := env.Client.Intervention.Create().SetTitre("Fuite").SetDemandeur(gone).SaveX(env.Sys)
	env.Client.HistoriqueIntervention.Create().SetIntervention(iv).SetUser(gone).SetNouveauStatut(domain.StatutOuverte).ExecX(env.Sys)
	env.Client.Notification.Create().SetUser(gone).SetType(domain.NotificationInformation).SetSujet("s").SetMessage("m").ExecX(env.Sys)
	oldToken := env.Token(t, gone)
	q := `mutation($id: ID!) { deleteUser(id: $id) }`

	var got struct{ DeleteUser string }
	admin.MustData(q, map[string]any{"id": strconv.Itoa(gone.ID)}, &got)
	if got.DeleteUser != strconv.Itoa(gone.ID) {
		t.Errorf("deleteUser = %q", got.DeleteUser)
	}

	u := env.Client.User.GetX(env.Sys, gone.ID)
	if u.Email == gone.Email || u.NomComplet == "Partant" || u.IsActive || u.DeletedAt == nil || auth.VerifyPassword(u.PasswordHash, apptest.Password) {
		t.Errorf("user after deletion = %+v, want anonymized, inactive, unusable password", u)
	}
	if n := env.Client.Notification.Query().Where(notification.UserID(gone.ID)).CountX(env.Sys); n != 0 {
		t.Errorf("%d notifications left, want 0", n)
	}
	// The history it signed stays, pointing at the anonymized row.
	h := env.Client.HistoriqueIntervention.Query().OnlyX(env.Sys)
	if h.UserID != gone.ID {
		t.Errorf("history user = %d, want %d", h.UserID, gone.ID)
	}
	if e := env.GraphQL(t, oldToken).MustFail(`{ me { email } }`, nil); e.Code() != "UNAUTHENTICATED" {
		t.Errorf("token of a deleted user: %q, want UNAUTHENTICATED", e.Code())
	}

	for _, tt := range []struct {
		name string
		id   int
		code string
	}{
		{"Self", adminUser.ID, "CONFLICT"},
		{"Unknown", gone.ID + 1000, "NOT_FOUND"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			e := admin.MustFail(q, map[string]any{"id": strconv.Itoa(tt.id)})
			if e.Code() != tt.code {
				t.Errorf("code = %q (%s), want %s", e.Code(), e.Message, tt.code)
			}
		})
	}
}

func TestUpdateMe(t *testing.T) {
	env := apptest.New(t)
	u := env.User(t, "Moi", domain.RoleClient)
	var got struct {
		UpdateMe struct {
			NomComplet         string
			EmailNotifications bool
			Role               string
		}
	}
	env.As(t, u).MustData(`mutation { updateMe(input: {nomComplet: "  Moi-même ", emailNotifications: false}) { nomComplet emailNotifications role } }`, nil, &got)
	if got.UpdateMe.NomComplet != "Moi-même" || got.UpdateMe.EmailNotifications || got.UpdateMe.Role != "CLIENT" {
		t.Errorf("updateMe = %+v", got.UpdateMe)
	}
}
