package graph_test

import (
	"sort"
	"strconv"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/mifmaroc/erp/ent"
	"github.com/mifmaroc/erp/ent/notification"
	"github.com/mifmaroc/erp/internal/domain"
)

// recipients lists who received notifications of type typ about iv, by email.
func recipients(e *ivEnv, typ domain.NotificationType, ivID int) []string {
	ns := e.Client.Notification.Query().
		Where(notification.TypeEQ(typ), notification.InterventionID(ivID)).
		WithUser().AllX(e.Sys)
	var out []string
	for _, n := range ns {
		out = append(out, n.Edges.User.Email)
	}
	sort.Strings(out)
	return out
}

func TestAutomaticNotifications(t *testing.T) {
	e := newIvEnv(t)
	e.User(t, "Resp2", domain.RoleResponsable)
	iv := e.Client.Intervention.Create().SetTitre("Courroie").SetDemandeur(e.clientUser).SetClient(e.societe).SetRapport("Courroie changée.").SaveX(e.Sys)
	id := strconv.Itoa(iv.ID)
	api := e.As(t, e.resp)

	api.MustData(`mutation($id: ID!, $t: ID!) { assignIntervention(id: $id, technicienId: $t) { id } }`,
		map[string]any{"id": id, "t": strconv.Itoa(e.tech.ID)}, &struct{}{})
	if diff := cmp.Diff([]string{e.techUser.Email}, recipients(e, domain.NotificationAffectation, iv.ID)); diff != "" {
		t.Errorf("assignment recipients (-want +got):\n%s", diff)
	}
	for _, to := range []string{"EN_COURS", "CLOTUREE"} {
		api.MustData(changeStatut, map[string]any{"id": id, "s": to}, &struct{}{})
	}
	want := []string{e.clientUser.Email, "resp2@example.com", e.resp.Email}
	sort.Strings(want)
	if diff := cmp.Diff(want, recipients(e, domain.NotificationCloture, iv.ID)); diff != "" {
		t.Errorf("closure recipients (-want +got):\n%s", diff)
	}

	t.Run("RefusedMoveWritesNone", func(t *testing.T) {
		before := e.Client.Notification.Query().CountX(e.Sys)
		api.MustFail(changeStatut, map[string]any{"id": id, "s": "EN_COURS"})
		if after := e.Client.Notification.Query().CountX(e.Sys); after != before {
			t.Errorf("%d notifications after a refused move, want %d", after, before)
		}
	})
}

func TestLowStockNotification(t *testing.T) {
	e := newIvEnv(t)
	p := e.Client.Piece.Create().SetReference("FLT-1").SetDesignation("Filtre").SetQuantite(5).SetSeuilAlerte(3).SaveX(e.Sys)
	iv := e.at(t, domain.StatutEnCours)
	add := `mutation($iv: ID!, $p: ID!, $q: Int!) { addPieceToIntervention(interventionId: $iv, pieceId: $p, quantite: $q) { id } }`
	count := func() int {
		return e.Client.Notification.Query().Where(notification.SujetContains("FLT-1")).CountX(e.Sys)
	}
	steps := []struct {
		q    int
		want int // low-stock notifications so far (one per responsable when the threshold is crossed)
	}{
		{1, 0}, // 5 → 4: still above
		{2, 1}, // 4 → 2: crosses the threshold of 3
		{1, 1}, // 2 → 1: already below, no new alert
	}
	for i, s := range steps {
		e.As(t, e.techUser).MustData(add, map[string]any{"iv": strconv.Itoa(iv.ID), "p": strconv.Itoa(p.ID), "q": s.q}, &struct{}{})
		if got := count(); got != s.want {
			t.Errorf("step %d: %d low-stock notifications, want %d", i, got, s.want)
		}
	}
}

func TestNotificationMutations(t *testing.T) {
	e := newIvEnv(t)
	create := `mutation($in: CreateNotificationInput!) { createNotification(input: $in) { id sujet canal lu user { email } } }`
	var created struct {
		CreateNotification struct {
			ID, Sujet, Canal string
			Lu               bool
			User             struct{ Email string }
		}
	}
	e.As(t, e.resp).MustData(create, map[string]any{"in": map[string]any{
		"type": "INFORMATION", "sujet": "Réunion", "message": "Lundi 9 h", "userID": strconv.Itoa(e.techUser.ID),
	}}, &created)
	c := created.CreateNotification
	if c.Sujet != "Réunion" || c.Canal != "EMAIL" || c.Lu || c.User.Email != e.techUser.Email {
		t.Errorf("created = %+v", c)
	}

	refusals := []struct {
		name string
		as   *ent.User
		in   map[string]any
		code string
	}{
		{"Technician", e.techUser, map[string]any{"type": "INFORMATION", "sujet": "x", "message": "x", "userID": strconv.Itoa(e.resp.ID)}, "FORBIDDEN"},
		{"UnknownUser", e.resp, map[string]any{"type": "INFORMATION", "sujet": "x", "message": "x", "userID": "999"}, "NOT_FOUND"},
		{"UnknownIntervention", e.resp, map[string]any{"type": "INFORMATION", "sujet": "x", "message": "x", "userID": strconv.Itoa(e.techUser.ID), "interventionID": "999"}, "NOT_FOUND"},
	}
	for _, tt := range refusals {
		t.Run(tt.name, func(t *testing.T) {
			before := e.Client.Notification.Query().CountX(e.Sys)
			if err := e.As(t, tt.as).MustFail(create, map[string]any{"in": tt.in}); err.Code() != tt.code {
				t.Errorf("code = %q (%s), want %s", err.Code(), err.Message, tt.code)
			}
			if after := e.Client.Notification.Query().CountX(e.Sys); after != before {
				t.Errorf("%d notifications after a refusal, want %d", after, before)
			}
		})
	}

	read := `mutation($id: ID!) { markNotificationRead(id: $id) { lu dateLecture } }`
	t.Run("OthersCannotMarkRead", func(t *testing.T) {
		if err := e.As(t, e.otherTechUser).MustFail(read, map[string]any{"id": c.ID}); err.Code() != "NOT_FOUND" {
			t.Errorf("code = %q, want NOT_FOUND", err.Code())
		}
	})
	var marked struct {
		MarkNotificationRead struct {
			Lu          bool
			DateLecture *string
		}
	}
	e.As(t, e.techUser).MustData(read, map[string]any{"id": c.ID}, &marked)
	if !marked.MarkNotificationRead.Lu || marked.MarkNotificationRead.DateLecture == nil {
		t.Errorf("marked = %+v", marked.MarkNotificationRead)
	}

	t.Run("ListOwnUnread", func(t *testing.T) {
		e.Client.Notification.Create().SetUser(e.techUser).SetType(domain.NotificationRappel).SetSujet("Second").SetMessage("m").ExecX(e.Sys)
		var got struct {
			Notifications struct {
				TotalCount int
				Edges      []struct{ Node struct{ Sujet string } }
			}
		}
		e.As(t, e.techUser).MustData(`{ notifications(where: {lu: false}) { totalCount edges { node { sujet } } } }`, nil, &got)
		if got.Notifications.TotalCount != 1 || got.Notifications.Edges[0].Node.Sujet != "Second" {
			t.Errorf("unread = %+v", got.Notifications)
		}
	})

	del := `mutation($id: ID!) { deleteNotification(id: $id) }`
	t.Run("OthersCannotDelete", func(t *testing.T) {
		if err := e.As(t, e.resp).MustFail(del, map[string]any{"id": c.ID}); err.Code() != "NOT_FOUND" {
			t.Errorf("responsable deleting another's: %q, want NOT_FOUND", err.Code())
		}
	})
	var deleted struct{ DeleteNotification string }
	e.As(t, e.techUser).MustData(del, map[string]any{"id": c.ID}, &deleted)
	nid, _ := strconv.Atoi(c.ID)
	if deleted.DeleteNotification != c.ID || e.Client.Notification.Query().Where(notification.ID(nid)).ExistX(e.Sys) {
		t.Errorf("deleteNotification = %q; row still there: %t", deleted.DeleteNotification, e.Client.Notification.Query().Where(notification.ID(nid)).ExistX(e.Sys))
	}
	t.Run("AdminDeletesAnyone", func(t *testing.T) {
		n := e.Client.Notification.Create().SetUser(e.resp).SetType(domain.NotificationInformation).SetSujet("s").SetMessage("m").SaveX(e.Sys)
		e.As(t, e.admin).MustData(del, map[string]any{"id": strconv.Itoa(n.ID)}, &deleted)
		if e.Client.Notification.Query().Where(notification.ID(n.ID)).ExistX(e.Sys) {
			t.Error("admin delete left the row")
		}
	})
}
