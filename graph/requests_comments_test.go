package graph_test

import (
	"encoding/json"
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
	demandeCommenter = `mutation($d: ID!, $t: String!, $i: Boolean) { commenterDemande(demandeId: $d, texte: $t, interne: $i) {
  id texte interne auteur { nomComplet } } }`
	demandeThread = `query($d: ID!) { node(id: $d) { ... on DemandeIntervention { commentaires {
  totalCount edges { node { texte interne auteur { nomComplet } } } } } } }`
	demandeCommentSub = `subscription($d: ID) { commentaireAjoute(demandeId: $d) { texte interne auteur { nomComplet } } }`
)

// reqWorld is the fixture of newWorld with a colleague of clientA (another CLIENT account of
// company A) and three requests: clientA's on his company's equipment, clientB's, and one of
// techUserA.
type reqWorld struct {
	*world
	colleague     *ent.User
	dA, dB, dTech *ent.DemandeIntervention
}

func newReqWorld(t *testing.T) *reqWorld {
	t.Helper()
	w := &reqWorld{world: newWorld(t)}
	w.colleague = w.env.User(t, "ClientA2", domain.RoleClient)
	w.env.Client.Societe.UpdateOne(w.socA).AddUsers(w.colleague).ExecX(w.env.Sys)
	w.dA = w.demande(t, "Chaudière", w.clientA, w.eqA)
	w.dB = w.demande(t, "Compresseur", w.clientB, w.eqB)
	w.dTech = w.demande(t, "Bruit", w.techUserA, w.eqA)
	return w
}

// commentDemande comments d as u through the API.
func (w *reqWorld) commentDemande(t *testing.T, u *ent.User, d *ent.DemandeIntervention, texte string, interne bool) {
	t.Helper()
	w.env.As(t, u).MustData(demandeCommenter, map[string]any{"d": strconv.Itoa(d.ID), "t": texte, "i": interne}, &struct{}{})
}

// threadOf is what u reads of the comments of d, oldest first.
func (w *reqWorld) threadOf(t *testing.T, u *ent.User, d *ent.DemandeIntervention) []string {
	t.Helper()
	var got struct {
		Node *struct {
			Commentaires struct {
				TotalCount int
				Edges      []struct{ Node threadComment }
			}
		}
	}
	res := w.env.As(t, u).Do(demandeThread, map[string]any{"d": strconv.Itoa(d.ID)})
	switch code := firstCode(res.Errors); {
	case code == "NOT_FOUND":
		return nil // the request is not his to read
	case code != "":
		t.Fatalf("reading the thread: %+v", res.Errors)
	}
	if err := json.Unmarshal(res.Data, &got); err != nil {
		t.Fatal(err)
	}
	out := []string{}
	for _, e := range got.Node.Commentaires.Edges {
		if e.Node.Auteur.NomComplet == "" {
			t.Errorf("the author of %q is not readable", e.Node.Texte)
		}
		out = append(out, e.Node.Texte)
	}
	if got.Node.Commentaires.TotalCount != len(out) {
		t.Errorf("totalCount %d for %d comments", got.Node.Commentaires.TotalCount, len(out))
	}
	return out
}

// TestCommenterDemande: whoever reads a request comments it; internal comments are staff's;
// each reads the thread as the rule of comments says.
func TestCommenterDemande(t *testing.T) {
	w := newReqWorld(t)
	cases := []struct {
		name    string
		as      func(*reqWorld) *ent.User
		d       func(*reqWorld) *ent.DemandeIntervention
		texte   string
		interne bool
		code    string // "": accepted
	}{
		{"Requester", func(w *reqWorld) *ent.User { return w.clientA }, func(w *reqWorld) *ent.DemandeIntervention { return w.dA }, " Elle fuit aussi. ", false, ""},
		{"Colleague", func(w *reqWorld) *ent.User { return w.colleague }, func(w *reqWorld) *ent.DemandeIntervention { return w.dA }, "Confirmé", false, ""},
		{"ResponsableInternal", func(w *reqWorld) *ent.User { return w.responsable }, func(w *reqWorld) *ent.DemandeIntervention { return w.dA }, "Sous contrat ?", true, ""},
		{"Admin", func(w *reqWorld) *ent.User { return w.admin }, func(w *reqWorld) *ent.DemandeIntervention { return w.dA }, "Photo ?", false, ""},
		{"TechnicianOwn", func(w *reqWorld) *ent.User { return w.techUserA }, func(w *reqWorld) *ent.DemandeIntervention { return w.dTech }, "Précision", false, ""},
		{"OtherCompany", func(w *reqWorld) *ent.User { return w.clientB }, func(w *reqWorld) *ent.DemandeIntervention { return w.dA }, "Et ici ?", false, "NOT_FOUND"},
		{"TechnicianOthers", func(w *reqWorld) *ent.User { return w.techUserA }, func(w *reqWorld) *ent.DemandeIntervention { return w.dA }, "Et ici ?", false, "NOT_FOUND"},
		{"ClientOfTechnicians", func(w *reqWorld) *ent.User { return w.clientA }, func(w *reqWorld) *ent.DemandeIntervention { return w.dTech }, "Et ici ?", false, "NOT_FOUND"},
		{"ClientInternal", func(w *reqWorld) *ent.User { return w.clientA }, func(w *reqWorld) *ent.DemandeIntervention { return w.dA }, "Secret", true, "FORBIDDEN"},
		{"TechnicianInternal", func(w *reqWorld) *ent.User { return w.techUserA }, func(w *reqWorld) *ent.DemandeIntervention { return w.dTech }, "Secret", true, "FORBIDDEN"},
		{"Blank", func(w *reqWorld) *ent.User { return w.clientA }, func(w *reqWorld) *ent.DemandeIntervention { return w.dA }, "  ", false, "BAD_USER_INPUT"},
		{"TooLong", func(w *reqWorld) *ent.User { return w.clientA }, func(w *reqWorld) *ent.DemandeIntervention { return w.dA }, strings.Repeat("é", domain.MaxTexteCommentaire+1), false, "BAD_USER_INPUT"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			before := w.env.Client.Commentaire.Query().CountX(w.env.Sys)
			res := w.env.As(t, tc.as(w)).Do(demandeCommenter, map[string]any{"d": strconv.Itoa(tc.d(w).ID), "t": tc.texte, "i": tc.interne})
			after := w.env.Client.Commentaire.Query().CountX(w.env.Sys)
			if tc.code != "" {
				if code := firstCode(res.Errors); code != tc.code {
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
			var got struct{ CommenterDemande threadComment }
			if err := json.Unmarshal(res.Data, &got); err != nil {
				t.Fatal(err)
			}
			want := threadComment{Texte: strings.TrimSpace(tc.texte), Interne: tc.interne}
			want.Auteur.NomComplet = tc.as(w).NomComplet
			if diff := cmp.Diff(want, got.CommenterDemande); diff != "" {
				t.Errorf("comment (-want +got):\n%s", diff)
			}
		})
	}

	t.Run("Thread", func(t *testing.T) {
		public := []string{"Elle fuit aussi.", "Confirmé", "Photo ?"}
		all := []string{"Elle fuit aussi.", "Confirmé", "Sous contrat ?", "Photo ?"}
		for _, tc := range []struct {
			name string
			u    *ent.User
			want []string
		}{
			{"Requester", w.clientA, public}, {"Colleague", w.colleague, public},
			{"Responsable", w.responsable, all}, {"Admin", w.admin, all},
			{"OtherCompany", w.clientB, nil}, {"Technician", w.techUserA, nil},
		} {
			if diff := cmp.Diff(tc.want, w.threadOf(t, tc.u, w.dA)); diff != "" {
				t.Errorf("%s reads (-want +got):\n%s", tc.name, diff)
			}
		}
		// The comments of a request are not an intervention's, and the other way round.
		if got := w.thread(t, w.admin, w.ivA); len(got) != 0 {
			t.Errorf("intervention A's thread holds %+v", got)
		}
	})

	t.Run("EditAndDelete", func(t *testing.T) {
		id := w.env.Client.Commentaire.Query().Order(ent.Asc("id")).FirstIDX(w.env.Sys) // the requester's
		res := w.env.As(t, w.clientA).Do(commentEdit, map[string]any{"id": strconv.Itoa(id), "t": "Elle fuit beaucoup."})
		if len(res.Errors) > 0 {
			t.Fatalf("the author could not change his comment: %+v", res.Errors)
		}
		if code := firstCode(w.env.As(t, w.colleague).Do(commentDelete, map[string]any{"id": strconv.Itoa(id)}).Errors); code != "FORBIDDEN" {
			t.Errorf("a colleague deleting the comment: got %q, want FORBIDDEN", code)
		}
		if code := firstCode(w.env.As(t, w.clientB).Do(commentDelete, map[string]any{"id": strconv.Itoa(id)}).Errors); code != "NOT_FOUND" {
			t.Errorf("another company deleting the comment: got %q, want NOT_FOUND", code)
		}
	})
}

// TestCommenterDemandeNotifications: a new comment on a request notifies the other side, its
// author excepted: the requester's side tells the responsables before triage and the
// triager after; staff tell the requester; an internal comment reaches staff only.
func TestCommenterDemandeNotifications(t *testing.T) {
	cases := []struct {
		name    string
		as      func(*reqWorld) *ent.User
		triaged bool
		interne bool
		want    func(*reqWorld) []*ent.User
	}{
		{"RequesterBeforeTriage", func(w *reqWorld) *ent.User { return w.clientA }, false, false,
			func(w *reqWorld) []*ent.User { return []*ent.User{w.responsable} }},
		{"RequesterAfterTriage", func(w *reqWorld) *ent.User { return w.clientA }, true, false,
			func(w *reqWorld) []*ent.User { return []*ent.User{w.admin} }},
		{"Colleague", func(w *reqWorld) *ent.User { return w.colleague }, false, false,
			func(w *reqWorld) []*ent.User { return []*ent.User{w.responsable, w.clientA} }},
		{"Responsable", func(w *reqWorld) *ent.User { return w.responsable }, false, false,
			func(w *reqWorld) []*ent.User { return []*ent.User{w.clientA} }},
		{"InternalByResponsable", func(w *reqWorld) *ent.User { return w.responsable }, false, true,
			func(w *reqWorld) []*ent.User { return nil }},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			w := newReqWorld(t)
			if tc.triaged {
				w.env.Client.DemandeIntervention.UpdateOne(w.dA).SetStatut(domain.DemandeRejetee).
					SetMotifRejet("hors contrat").SetTraiteParID(w.admin.ID).ExecX(w.env.Sys)
			}
			w.commentDemande(t, tc.as(w), w.dA, "Toujours en panne", tc.interne)
			got := []int{}
			for _, n := range w.env.Client.Notification.Query().Where(notification.SujetHasPrefix("Nouveau commentaire")).AllX(w.env.Sys) {
				got = append(got, n.UserID)
				for _, part := range []string{"Toujours en panne", tc.as(w).NomComplet, "sur la demande #" + strconv.Itoa(w.dA.ID)} {
					if !strings.Contains(n.Message, part) {
						t.Errorf("message %q does not say %q", n.Message, part)
					}
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

// TestCommentaireDemandeSubscription: the clients who read a request receive its new comments
// live, internal ones excepted, which staff receive; a technician or another company's client
// cannot follow it; the comments of another thread do not arrive.
func TestCommentaireDemandeSubscription(t *testing.T) {
	w := newReqWorld(t)
	vars := map[string]any{"d": strconv.Itoa(w.dA.ID)}
	subscribers := map[string]*ent.User{"requester": w.clientA, "colleague": w.colleague, "staff": w.responsable}
	ws := map[string]*wsClient{}
	for name, u := range subscribers {
		c, err := dialWS(t, w.env, w.env.Token(t, u), false)
		if err != nil {
			t.Fatal(err)
		}
		c.subscribe("1", demandeCommentSub, vars)
		ws[name] = c
	}
	waitSubscribers(t, w.env, len(subscribers))

	w.commentDemande(t, w.admin, w.dB, "Autre demande", false)
	w.comment(t, w.admin, w.ivA, "Autre fil", false)
	w.commentDemande(t, w.admin, w.dA, "Note interne", true)
	w.commentDemande(t, w.colleague, w.dA, "Toujours en panne", false)

	texte := func(raw json.RawMessage) string {
		var got struct {
			Data struct{ CommentaireAjoute threadComment }
		}
		if err := json.Unmarshal(raw, &got); err != nil {
			t.Fatalf("decoding %s: %v", raw, err)
		}
		return got.Data.CommentaireAjoute.Texte
	}
	for name, want := range map[string][]string{
		"requester": {"Toujours en panne"},
		"colleague": {"Toujours en panne"},
		"staff":     {"Note interne", "Toujours en panne"},
	} {
		var got []string
		for range want {
			got = append(got, texte(ws[name].next(5*time.Second)))
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("%s received (-want +got):\n%s", name, diff)
		}
	}

	refused := func(t *testing.T, u *ent.User, vars map[string]any, code string) {
		t.Helper()
		c, err := dialWS(t, w.env, w.env.Token(t, u), false)
		if err != nil {
			t.Fatal(err)
		}
		c.subscribe("2", demandeCommentSub, vars)
		m, err := c.read(5 * time.Second)
		if err != nil {
			t.Fatal(err)
		}
		if (m.Type != "error" && m.Type != "next") || !strings.Contains(string(m.Payload), `"code":"`+code+`"`) ||
			strings.Contains(string(m.Payload), `"data":{`) {
			t.Errorf("got %s %s, want a %s error", m.Type, m.Payload, code)
		}
	}
	t.Run("OtherCompany", func(t *testing.T) { refused(t, w.clientB, vars, "NOT_FOUND") })
	t.Run("Technician", func(t *testing.T) { refused(t, w.techUserA, vars, "NOT_FOUND") })
	t.Run("NoThread", func(t *testing.T) { refused(t, w.clientA, nil, "BAD_USER_INPUT") })
}

// TestCommentaireDemandeNonInterference is TestNonInterference for the comments of requests:
// the questions that reach comments, asked before and after comments change that a viewer
// may not read: internal ones on his company's request, any on another company's or a
// technician's request.
func TestCommentaireDemandeNonInterference(t *testing.T) {
	probes := probesThrough(t, "ommentaire")
	add := func(t *testing.T, w *reqWorld, d *ent.DemandeIntervention, by *ent.User, texte string, interne bool) *ent.Commentaire {
		t.Helper()
		return w.env.Client.Commentaire.Create().SetDemande(d).SetAuteur(by).SetTexte(texte).SetInterne(interne).SaveX(w.env.Sys)
	}
	cases := []struct {
		role    domain.Role
		viewer  func(*reqWorld) *ent.User
		hidden  func(*reqWorld) []*ent.DemandeIntervention // requests whose every comment is hidden
		visible func(*reqWorld) *ent.DemandeIntervention   // a request whose internal comments are hidden
	}{
		{domain.RoleClient, func(w *reqWorld) *ent.User { return w.colleague },
			func(w *reqWorld) []*ent.DemandeIntervention { return []*ent.DemandeIntervention{w.dB, w.dTech} },
			func(w *reqWorld) *ent.DemandeIntervention { return w.dA }},
		{domain.RoleTechnicien, func(w *reqWorld) *ent.User { return w.techUserA },
			func(w *reqWorld) []*ent.DemandeIntervention { return []*ent.DemandeIntervention{w.dA, w.dB} },
			func(w *reqWorld) *ent.DemandeIntervention { return w.dTech }},
	}
	for _, tc := range cases {
		t.Run(string(tc.role), func(t *testing.T) {
			t.Parallel()
			w := newReqWorld(t)
			add(t, w, tc.visible(w), w.responsable, "public", false)
			c := add(t, w, tc.visible(w), w.admin, "interne", true)
			probes := append(w.nodeProbes(), probes...)
			probes = append(probes, probe{node: strconv.Itoa(c.ID)}, probe{node: strconv.Itoa(tc.visible(w).ID)})
			requireUnseen(t, w.world, tc.viewer(w), probes, "comments of requests", func() {
				other := w.env.User(t, "Responsable "+marker, domain.RoleResponsable)
				add(t, w, tc.visible(w), other, "interne "+marker, true)
				for _, d := range tc.hidden(w) {
					add(t, w, d, w.clientB, "public "+marker, false)
					add(t, w, d, w.admin, "interne "+marker, true)
				}
				w.env.Client.Commentaire.UpdateOne(c).SetTexte("interne " + marker).ExecX(w.env.Sys)
			})
		})
	}
}
