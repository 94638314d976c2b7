package graph_test

import (
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/mifmaroc/erp/ent"
	"github.com/mifmaroc/erp/ent/notification"
	"github.com/mifmaroc/erp/internal/domain"
)

const (
	commentAdd = `mutation($iv: ID!, $t: String!, $i: Boolean) { ajouterCommentaire(interventionId: $iv, texte: $t, interne: $i) {
  id texte interne auteur { nomComplet } } }`
	commentEdit   = `mutation($id: ID!, $t: String!) { modifierCommentaire(id: $id, texte: $t) { texte } }`
	commentDelete = `mutation($id: ID!) { supprimerCommentaire(id: $id) }`
	commentThread = `query($iv: ID!) { node(id: $iv) { ... on Intervention { commentaires {
  totalCount edges { node { texte interne auteur { nomComplet } } } } } } }`
)

type threadComment struct {
	Texte   string
	Interne bool
	Auteur  struct{ NomComplet string }
}

// thread is what viewer u reads of the comments of iv, oldest first.
func (w *world) thread(t *testing.T, u *ent.User, iv *ent.Intervention) []threadComment {
	t.Helper()
	var got struct {
		Node struct {
			Commentaires struct {
				TotalCount int
				Edges      []struct{ Node threadComment }
			}
		}
	}
	w.env.As(t, u).MustData(commentThread, map[string]any{"iv": strconv.Itoa(iv.ID)}, &got)
	out := make([]threadComment, len(got.Node.Commentaires.Edges))
	for i, e := range got.Node.Commentaires.Edges {
		out[i] = e.Node
	}
	if got.Node.Commentaires.TotalCount != len(out) {
		t.Errorf("totalCount %d for %d comments", got.Node.Commentaires.TotalCount, len(out))
	}
	return out
}

// comment adds a comment as u through the API and returns its id.
func (w *world) comment(t *testing.T, u *ent.User, iv *ent.Intervention, texte string, interne bool) string {
	t.Helper()
	var got struct{ AjouterCommentaire struct{ ID string } }
	w.env.As(t, u).MustData(commentAdd, map[string]any{"iv": strconv.Itoa(iv.ID), "t": texte, "i": interne}, &got)
	return got.AjouterCommentaire.ID
}

// TestAjouterCommentaire: who may comment which intervention, and how.
func TestAjouterCommentaire(t *testing.T) {
	w := newWorld(t)
	cases := []struct {
		name    string
		as      func(*world) *ent.User
		iv      func(*world) *ent.Intervention
		texte   string
		interne bool
		code    string // "" : accepted
	}{
		{"ClientOwnWork", func(w *world) *ent.User { return w.clientA }, func(w *world) *ent.Intervention { return w.ivA }, "  La fuite reprend.  ", false, ""},
		{"TechnicianOwnWork", func(w *world) *ent.User { return w.techUserA }, func(w *world) *ent.Intervention { return w.ivA }, "Joint commandé", false, ""},
		{"ResponsableInternal", func(w *world) *ent.User { return w.responsable }, func(w *world) *ent.Intervention { return w.ivA }, "Client difficile", true, ""},
		{"AdminAnyWork", func(w *world) *ent.User { return w.admin }, func(w *world) *ent.Intervention { return w.ivB }, "Vu", false, ""},
		{"ClientOthersWork", func(w *world) *ent.User { return w.clientA }, func(w *world) *ent.Intervention { return w.ivB }, "Et ici ?", false, "NOT_FOUND"},
		{"TechnicianOthersWork", func(w *world) *ent.User { return w.techUserB }, func(w *world) *ent.Intervention { return w.ivA }, "Et ici ?", false, "NOT_FOUND"},
		{"ClientInternal", func(w *world) *ent.User { return w.clientA }, func(w *world) *ent.Intervention { return w.ivA }, "Secret", true, "FORBIDDEN"},
		{"TechnicianInternal", func(w *world) *ent.User { return w.techUserA }, func(w *world) *ent.Intervention { return w.ivA }, "Secret", true, "FORBIDDEN"},
		{"Blank", func(w *world) *ent.User { return w.clientA }, func(w *world) *ent.Intervention { return w.ivA }, " \n\t ", false, "BAD_USER_INPUT"},
		{"TooLong", func(w *world) *ent.User { return w.clientA }, func(w *world) *ent.Intervention { return w.ivA }, strings.Repeat("é", domain.MaxTexteCommentaire+1), false, "BAD_USER_INPUT"},
		{"Longest", func(w *world) *ent.User { return w.admin }, func(w *world) *ent.Intervention { return w.ivB }, strings.Repeat("é", domain.MaxTexteCommentaire), false, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			before := w.env.Client.Commentaire.Query().CountX(w.env.Sys)
			res := w.env.As(t, tc.as(w)).Do(commentAdd, map[string]any{"iv": strconv.Itoa(tc.iv(w).ID), "t": tc.texte, "i": tc.interne})
			after := w.env.Client.Commentaire.Query().CountX(w.env.Sys)
			if tc.code != "" {
				if len(res.Errors) == 0 || res.Errors[0].Code() != tc.code {
					t.Fatalf("got %s %+v, want %s", res.Data, res.Errors, tc.code)
				}
				if after != before {
					t.Errorf("a refused comment was stored")
				}
				return
			}
			if len(res.Errors) > 0 {
				t.Fatalf("refused: %+v", res.Errors)
			}
			var got struct{ AjouterCommentaire threadComment }
			if err := json.Unmarshal(res.Data, &got); err != nil {
				t.Fatal(err)
			}
			want := threadComment{Texte: strings.TrimSpace(tc.texte), Interne: tc.interne}
			want.Auteur.NomComplet = tc.as(w).NomComplet
			if diff := cmp.Diff(want, got.AjouterCommentaire); diff != "" {
				t.Errorf("comment (-want +got):\n%s", diff)
			}
		})
	}

	// Each reads the thread as the rule says: staff all of it, oldest first; the client and
	// the technician without the internal comment, its authors included.
	t.Run("Thread", func(t *testing.T) {
		public := []string{"La fuite reprend.", "Joint commandé"}
		all := []string{"La fuite reprend.", "Joint commandé", "Client difficile"}
		for _, tc := range []struct {
			name string
			u    *ent.User
			want []string
		}{
			{"Client", w.clientA, public}, {"Technician", w.techUserA, public},
			{"Responsable", w.responsable, all}, {"Admin", w.admin, all},
		} {
			var got []string
			for _, c := range w.thread(t, tc.u, w.ivA) {
				got = append(got, c.Texte)
				if c.Auteur.NomComplet == "" {
					t.Errorf("%s: the author of %q is not readable", tc.name, c.Texte)
				}
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("%s reads (-want +got):\n%s", tc.name, diff)
			}
		}
	})
}

// TestCommentaireAuthorReadable: a client reads the author of a comment on his work even
// when that author has no other link to it.
func TestCommentaireAuthorReadable(t *testing.T) {
	w := newWorld(t)
	other := w.env.User(t, "Autre responsable", domain.RoleResponsable)
	w.comment(t, other, w.ivA, "Passage prévu lundi", false)
	got := w.thread(t, w.clientA, w.ivA)
	if len(got) != 1 || got[0].Auteur.NomComplet != other.NomComplet {
		t.Errorf("client reads %+v, want the comment with its author %q", got, other.NomComplet)
	}
}

// TestCommentaireNotifications: a new comment notifies the other participants, its author
// excepted; an internal one only those who may read it (staff).
func TestCommentaireNotifications(t *testing.T) {
	cases := []struct {
		name    string
		as      func(*world) *ent.User
		interne bool
		want    func(*world) []*ent.User
	}{
		{"ByClient", func(w *world) *ent.User { return w.clientA }, false,
			func(w *world) []*ent.User { return []*ent.User{w.responsable, w.techUserA} }},
		{"ByTechnician", func(w *world) *ent.User { return w.techUserA }, false,
			func(w *world) []*ent.User { return []*ent.User{w.responsable, w.clientA} }},
		{"ByAdmin", func(w *world) *ent.User { return w.admin }, false,
			func(w *world) []*ent.User { return []*ent.User{w.responsable, w.clientA, w.techUserA} }},
		{"ByResponsable", func(w *world) *ent.User { return w.responsable }, false,
			func(w *world) []*ent.User { return []*ent.User{w.clientA, w.techUserA} }},
		{"InternalByAdmin", func(w *world) *ent.User { return w.admin }, true,
			func(w *world) []*ent.User { return []*ent.User{w.responsable} }},
		{"InternalByResponsable", func(w *world) *ent.User { return w.responsable }, true,
			func(w *world) []*ent.User { return nil }},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			w := newWorld(t)
			w.comment(t, tc.as(w), w.ivA, "Pièce livrée demain", tc.interne)
			rows := w.env.Client.Notification.Query().
				Where(notification.InterventionID(w.ivA.ID), notification.SujetHasPrefix("Nouveau commentaire")).
				AllX(w.env.Sys)
			got := []int{}
			for _, n := range rows {
				got = append(got, n.UserID)
				if !strings.Contains(n.Message, "Pièce livrée demain") || !strings.Contains(n.Message, tc.as(w).NomComplet) {
					t.Errorf("message %q does not quote the comment and its author", n.Message)
				}
			}
			want := []int{}
			for _, u := range tc.want(w) {
				want = append(want, u.ID)
			}
			slices.Sort(got)
			slices.Sort(want)
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("notified users (-want +got):\n%s", diff)
			}
		})
	}
}

// TestModifierSupprimerCommentaire: the author changes his comment, the author or staff
// delete it, nobody once the work is closed.
func TestModifierSupprimerCommentaire(t *testing.T) {
	w := newWorld(t)
	byClient := w.comment(t, w.clientA, w.ivA, "Première version", false)
	byTech := w.comment(t, w.techUserA, w.ivA, "Du technicien", false)
	internal := w.comment(t, w.responsable, w.ivA, "Interne", true)
	cases := []struct {
		name  string
		as    func(*world) *ent.User
		query string
		vars  map[string]any
		code  string
	}{
		{"OtherEdits", func(w *world) *ent.User { return w.techUserA }, commentEdit, map[string]any{"id": byClient, "t": "x"}, "FORBIDDEN"},
		{"StaffEditsOthers", func(w *world) *ent.User { return w.admin }, commentEdit, map[string]any{"id": byClient, "t": "x"}, "FORBIDDEN"},
		{"AuthorBlank", func(w *world) *ent.User { return w.clientA }, commentEdit, map[string]any{"id": byClient, "t": "  "}, "BAD_USER_INPUT"},
		{"AuthorEdits", func(w *world) *ent.User { return w.clientA }, commentEdit, map[string]any{"id": byClient, "t": " Seconde version "}, ""},
		{"ClientEditsInternal", func(w *world) *ent.User { return w.clientA }, commentEdit, map[string]any{"id": internal, "t": "x"}, "NOT_FOUND"},
		{"ClientDeletesInternal", func(w *world) *ent.User { return w.clientA }, commentDelete, map[string]any{"id": internal}, "NOT_FOUND"},
		{"ClientDeletesOthers", func(w *world) *ent.User { return w.clientA }, commentDelete, map[string]any{"id": byTech}, "FORBIDDEN"},
		{"OtherCompanyDeletes", func(w *world) *ent.User { return w.clientB }, commentDelete, map[string]any{"id": byClient}, "NOT_FOUND"},
		{"StaffDeletesOthers", func(w *world) *ent.User { return w.responsable }, commentDelete, map[string]any{"id": byTech}, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			res := w.env.As(t, tc.as(w)).Do(tc.query, tc.vars)
			switch {
			case tc.code == "" && len(res.Errors) > 0:
				t.Fatalf("refused: %+v", res.Errors)
			case tc.code != "" && (len(res.Errors) == 0 || res.Errors[0].Code() != tc.code):
				t.Fatalf("got %s %+v, want %s", res.Data, res.Errors, tc.code)
			}
		})
	}
	var got []string
	for _, c := range w.thread(t, w.responsable, w.ivA) {
		got = append(got, c.Texte)
	}
	if diff := cmp.Diff([]string{"Seconde version", "Interne"}, got); diff != "" {
		t.Errorf("thread after the changes (-want +got):\n%s", diff)
	}

	t.Run("Closed", func(t *testing.T) {
		w.env.Client.Intervention.UpdateOne(w.ivA).SetStatut(domain.StatutCloturee).ExecX(w.env.Sys)
		for _, tc := range []struct {
			name, query string
			as          *ent.User
			vars        map[string]any
			code        string
		}{
			{"Edit", commentEdit, w.clientA, map[string]any{"id": byClient, "t": "x"}, "LOCKED"},
			{"Delete", commentDelete, w.admin, map[string]any{"id": byClient}, "LOCKED"},
			{"AddAfterClosure", commentAdd, w.clientA, map[string]any{"iv": strconv.Itoa(w.ivA.ID), "t": "Merci"}, ""},
		} {
			res := w.env.As(t, tc.as).Do(tc.query, tc.vars)
			if code := firstCode(res.Errors); code != tc.code {
				t.Errorf("%s: got %q %+v, want %q", tc.name, code, res.Errors, tc.code)
			}
		}
		w.env.Client.Intervention.UpdateOne(w.ivA).SetStatut(domain.StatutArchivee).ExecX(w.env.Sys)
		res := w.env.As(t, w.admin).Do(commentAdd, map[string]any{"iv": strconv.Itoa(w.ivA.ID), "t": "Trop tard"})
		if code := firstCode(res.Errors); code != "LOCKED" {
			t.Errorf("comment on archived work: got %q, want LOCKED", code)
		}
	})
}

func firstCode[E interface{ Code() string }](errs []E) string {
	if len(errs) == 0 {
		return ""
	}
	return errs[0].Code()
}

const commentSub = `subscription($iv: ID!) { commentaireAjoute(interventionId: $iv) { texte interne auteur { nomComplet } } }`

// TestCommentaireSubscription: subscribers receive the new comments they may read, and no
// other: a client does not receive an internal comment, staff does; a client cannot
// subscribe to another company's work.
func TestCommentaireSubscription(t *testing.T) {
	w := newWorld(t)
	client, err := dialWS(t, w.env, w.env.Token(t, w.clientA), false)
	if err != nil {
		t.Fatal(err)
	}
	staff, err := dialWS(t, w.env, w.env.Token(t, w.responsable), false)
	if err != nil {
		t.Fatal(err)
	}
	vars := map[string]any{"iv": strconv.Itoa(w.ivA.ID)}
	client.subscribe("1", commentSub, vars)
	staff.subscribe("1", commentSub, vars)
	waitSubscribers(t, w.env, 2)

	w.comment(t, w.admin, w.ivB, "Autre intervention", false)
	w.comment(t, w.admin, w.ivA, "Note interne", true)
	w.comment(t, w.techUserA, w.ivA, "Réparé", false)

	texte := func(raw json.RawMessage) string {
		var got struct {
			Data struct{ CommentaireAjoute threadComment }
		}
		if err := json.Unmarshal(raw, &got); err != nil {
			t.Fatalf("decoding %s: %v", raw, err)
		}
		return got.Data.CommentaireAjoute.Texte
	}
	if got := texte(client.next(5 * time.Second)); got != "Réparé" {
		t.Errorf("client's first event is %q, want the public comment", got)
	}
	for _, want := range []string{"Note interne", "Réparé"} {
		if got := texte(staff.next(5 * time.Second)); got != want {
			t.Errorf("staff received %q, want %q", got, want)
		}
	}

	t.Run("OthersWork", func(t *testing.T) {
		ws, err := dialWS(t, w.env, w.env.Token(t, w.clientA), false)
		if err != nil {
			t.Fatal(err)
		}
		ws.subscribe("2", commentSub, map[string]any{"iv": strconv.Itoa(w.ivB.ID)})
		m, err := ws.read(5 * time.Second)
		if err != nil {
			t.Fatal(err)
		}
		// gqlgen reports a resolver's refusal as a payload of errors.
		if (m.Type != "error" && m.Type != "next") || !strings.Contains(string(m.Payload), `"code":"NOT_FOUND"`) ||
			strings.Contains(string(m.Payload), `"data":{`) {
			t.Errorf("subscribing to another company's work: %s %s, want a NOT_FOUND error", m.Type, m.Payload)
		}
	})
}

// TestCommentaireNonInterference is TestNonInterference for comments: the questions that
// reach comments (Intervention.commentaires and the filters through it), asked before and
// after comments change in ways a viewer may not read: internal comments on his own work,
// and any comment on another company's.
func TestCommentaireNonInterference(t *testing.T) {
	probes := probesThrough(t, "ommentaire")
	add := func(t *testing.T, w *world, iv *ent.Intervention, by *ent.User, texte string, interne bool) *ent.Commentaire {
		t.Helper()
		return w.env.Client.Commentaire.Create().SetIntervention(iv).SetAuteur(by).SetTexte(texte).SetInterne(interne).SaveX(w.env.Sys)
	}
	internalOnOwn := func(t *testing.T, w *world) {
		// By someone the viewer knows of no other way.
		other := w.env.User(t, "Responsable "+marker, domain.RoleResponsable)
		add(t, w, w.ivA, other, "interne "+marker, true)
		add(t, w, w.ivA, w.admin, "interne "+marker, true)
	}
	othersWork := func(t *testing.T, w *world) {
		add(t, w, w.ivB, w.techUserB, "public "+marker, false)
		add(t, w, w.ivB, w.admin, "interne "+marker, true)
	}
	cases := []struct {
		role   domain.Role
		viewer func(*world) *ent.User
	}{
		{domain.RoleClient, func(w *world) *ent.User { return w.clientA }},
		{domain.RoleTechnicien, func(w *world) *ent.User { return w.techUserA }},
	}
	for _, tc := range cases {
		t.Run(string(tc.role), func(t *testing.T) {
			t.Parallel()
			w := newWorld(t)
			// What each viewer may read from the start: a public comment on his work.
			add(t, w, w.ivA, w.responsable, "public A", false)
			c := add(t, w, w.ivA, w.admin, "interne A", true)
			probes := append(w.nodeProbes(), probes...)
			probes = append(probes, probe{node: strconv.Itoa(c.ID)})
			requireUnseen(t, w, tc.viewer(w), probes, "comments", func() {
				internalOnOwn(t, w)
				othersWork(t, w)
				w.env.Client.Commentaire.UpdateOne(c).SetTexte("interne " + marker).ExecX(w.env.Sys)
			})
		})
	}
}

// TestCommentaireStatementCount: the intervention detail with its comments and their
// authors costs the same statements whatever the number of comments.
func TestCommentaireStatementCount(t *testing.T) {
	w := newWorld(t)
	const q = `query($iv: ID!) { node(id: $iv) { ... on Intervention { titre
  commentaires(first: 50) { totalCount edges { node { texte interne createdAt auteur { nomComplet } } } } } } }`
	api := w.env.As(t, w.admin)
	statements := func(iv *ent.Intervention, n int) int64 {
		t.Helper()
		var got struct {
			Node struct{ Commentaires struct{ Edges []struct{} } }
		}
		before := w.env.DB.Statements()
		api.MustData(q, map[string]any{"iv": strconv.Itoa(iv.ID)}, &got)
		if len(got.Node.Commentaires.Edges) != n {
			t.Fatalf("%d comments, want %d", len(got.Node.Commentaires.Edges), n)
		}
		return w.env.DB.Statements() - before
	}
	authors := []*ent.User{w.admin, w.responsable, w.clientA, w.techUserA}
	for i := range 2 {
		w.env.Client.Commentaire.Create().SetIntervention(w.ivA).SetAuteur(authors[i]).SetTexte(fmt.Sprint(i)).SaveX(w.env.Sys)
	}
	for i := range 20 {
		w.env.Client.Commentaire.Create().SetIntervention(w.ivB).SetAuteur(authors[i%len(authors)]).
			SetTexte(fmt.Sprint(i)).SetInterne(i%3 == 0).SaveX(w.env.Sys)
	}
	// Warms the token check with another selection: a rendering of q kept for ivA would make
	// its next read the row's alone (render.Kept), and the two reads below both first reads.
	api.MustData(`query($iv: ID!) { node(id: $iv) { id } }`, map[string]any{"iv": strconv.Itoa(w.ivA.ID)}, &struct{}{})
	small, large := statements(w.ivA, 2), statements(w.ivB, 20)
	t.Logf("statements: %d for 2 comments, %d for 20", small, large)
	if small != large {
		t.Errorf("statements grow with the comments: %d for 2, %d for 20", small, large)
	}
}
