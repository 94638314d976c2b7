package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
)

// workOrder is a job's detail as a technician opens it in the field: the intervention with
// its checklist, time sheet and comments, their people and its history.
const workOrder = `query($id: ID!) { node(id: $id) { ... on Intervention { titre statut priorite rapport dureeSaisie
  equipement { nom code } technicien { user { nomComplet } } documents { filename }
  historique { nouveauStatut champ nouvelleValeur horodatage user { nomComplet } }
  checklist { position libelle type obligatoire unite min max choix coche valeur texte horsLimites reponduLe reponduPar { nomComplet } }
  tempsPasses(first: 50) { totalCount edges { node { debut fin dureeMinutes technicien { user { nomComplet } } } } }
  commentaires(first: 20) { totalCount edges { node { texte interne createdAt auteur { nomComplet } } } } } } }`

// The work orders of the workorder scenario: how many, and what each holds.
const (
	workOrders       = 20
	workOrderTitle   = "Banc : bon de travail"
	workOrderPoints  = 20
	workOrderEntries = 4
	workOrderNotes   = 20
)

// api sends GraphQL requests as one user, for the set-up of a scenario.
type api struct{ base, token string }

// do runs query and decodes its data into out; any GraphQL error is the set-up's failure.
func (a api) do(query string, vars map[string]any, out any) error {
	body, _ := json.Marshal(map[string]any{"query": query, "variables": vars})
	req, _ := http.NewRequest(http.MethodPost, a.base+"/graphql", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+a.token)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	defer func() { _ = res.Body.Close() }()
	var r struct {
		Data   json.RawMessage
		Errors []struct{ Message string }
	}
	if err := json.NewDecoder(res.Body).Decode(&r); err != nil {
		return fmt.Errorf("decoding the answer: %w", err)
	}
	if len(r.Errors) > 0 {
		return fmt.Errorf("%s", r.Errors[0].Message)
	}
	if out == nil {
		return nil
	}
	return json.Unmarshal(r.Data, out)
}

// workOrderIDs returns the ids of the scenario's work orders, creating those missing through
// the API as a responsable would have them done: a template of workOrderPoints measures, each
// answered, time logged by two technicians, a thread of comments; then set EN_ATTENTE, out of
// the other scenarios' EN_COURS lists.
func workOrderIDs(base, token string) ([]string, error) {
	a := api{base, token}
	var found struct {
		Interventions struct {
			Edges []struct{ Node struct{ ID string } }
		}
	}
	if err := a.do(`query($t: String!) { interventions(first: 100, where: {titre: $t}) { edges { node { id } } } }`,
		map[string]any{"t": workOrderTitle}, &found); err != nil {
		return nil, fmt.Errorf("looking for the work orders: %w", err)
	}
	var ids []string
	for _, e := range found.Interventions.Edges {
		ids = append(ids, e.Node.ID)
	}
	if len(ids) >= workOrders {
		return ids, nil
	}
	var ctx struct {
		Equipements struct {
			Edges []struct{ Node struct{ ID string } }
		}
		Techniciens struct {
			Edges []struct{ Node struct{ ID string } }
		}
	}
	if err := a.do(`{ equipements(first: 1, where: {statutNEQ: RETIRE}) { edges { node { id } } }
	  techniciens(first: 2, where: {disponibilite: DISPONIBLE}) { edges { node { id } } } }`, nil, &ctx); err != nil {
		return nil, err
	}
	if len(ctx.Equipements.Edges) == 0 || len(ctx.Techniciens.Edges) < 2 {
		return nil, fmt.Errorf("the workorder scenario needs an equipement and two available technicians: seed the database first")
	}
	eq, techs := ctx.Equipements.Edges[0].Node.ID, ctx.Techniciens.Edges
	points := make([]map[string]any, workOrderPoints)
	for i := range points {
		points[i] = map[string]any{"libelle": "Mesure " + strconv.Itoa(i+1), "type": "MESURE", "unite": "bar", "min": 1, "max": 9}
	}
	var modele struct{ CreateChecklistModele struct{ ID string } }
	err := a.do(`mutation($in: ChecklistModeleInput!) { createChecklistModele(input: $in) { id } }`,
		map[string]any{"in": map[string]any{"nom": fmt.Sprintf("%s %d", workOrderTitle, len(ids)), "points": points}}, &modele)
	if err != nil {
		return nil, fmt.Errorf("creating the checklist template: %w", err)
	}
	fmt.Printf("creating %d work orders (%d points, %d time entries, %d comments each)\n",
		workOrders-len(ids), workOrderPoints, workOrderEntries, workOrderNotes)
	for len(ids) < workOrders {
		id, err := fillWorkOrder(a, eq, modele.CreateChecklistModele.ID, techs[0].Node.ID, techs[1].Node.ID)
		if err != nil {
			return nil, fmt.Errorf("work order %d: %w", len(ids)+1, err)
		}
		ids = append(ids, id)
	}
	return ids, nil
}

// step is one request of a set-up.
type step struct {
	query string
	vars  map[string]any
}

// fillWorkOrder creates one work order on equipement eq with checklist template modele,
// assigned to technician tech, and fills it.
func fillWorkOrder(a api, eq, modele, tech, other string) (string, error) {
	var c struct {
		CreateIntervention struct {
			ID        string
			Checklist []struct{ ID string }
		}
	}
	err := a.do(`mutation($in: CreateInterventionInput!) { createIntervention(input: $in) { id checklist { id } } }`,
		map[string]any{"in": map[string]any{"titre": workOrderTitle, "equipementID": eq, "checklistModeleID": modele,
			"rapport": "Mesures relevées, rien à signaler."}}, &c)
	if err != nil {
		return "", fmt.Errorf("creating: %w", err)
	}
	id := c.CreateIntervention.ID
	steps := []step{
		{`mutation($id: ID!, $t: ID!) { assignIntervention(id: $id, technicienId: $t, forcer: true, remarque: "banc") { id } }`, map[string]any{"id": id, "t": tech}},
		{`mutation($id: ID!) { changeInterventionStatut(id: $id, statut: EN_COURS) { id } }`, map[string]any{"id": id}},
	}
	for i, p := range c.CreateIntervention.Checklist {
		steps = append(steps, step{`mutation($id: ID!, $v: Float!) { repondrePointChecklist(id: $id, reponse: {valeur: $v}) { id } }`, map[string]any{"id": p.ID, "v": 2 + i%5}})
	}
	for i := range workOrderEntries {
		t := []string{tech, other}[i%2]
		steps = append(steps, step{`mutation($in: SaisirTempsInput!) { saisirTemps(input: $in) { id } }`, map[string]any{"in": map[string]any{
			"interventionId": id, "technicienId": t, "debut": "2026-01-0" + strconv.Itoa(i+1) + "T08:00:00Z", "dureeMinutes": 45}}})
	}
	for i := range workOrderNotes {
		steps = append(steps, step{`mutation($id: ID!, $t: String!) { ajouterCommentaire(interventionId: $id, texte: $t) { id } }`,
			map[string]any{"id": id, "t": fmt.Sprintf("Point de suivi n°%d : pression relevée, courroie vérifiée.", i+1)}})
	}
	steps = append(steps, step{`mutation($id: ID!) { changeInterventionStatut(id: $id, statut: EN_ATTENTE) { id } }`, map[string]any{"id": id}})
	for _, s := range steps {
		if err := a.do(s.query, s.vars, nil); err != nil {
			return "", err
		}
	}
	return id, nil
}

// assigneeToken logs in as the technician work order id is assigned to, with password.
func assigneeToken(base, token, id, password string) (string, error) {
	var got struct {
		Node struct {
			Technicien struct{ User struct{ Email string } }
		}
	}
	if err := (api{base, token}).do(`query($id: ID!) { node(id: $id) { ... on Intervention { technicien { user { email } } } } }`,
		map[string]any{"id": id}, &got); err != nil {
		return "", fmt.Errorf("finding the technician of work order %s: %w", id, err)
	}
	email := got.Node.Technicien.User.Email
	t, err := login(base, email, password)
	if err != nil {
		return "", fmt.Errorf("logging in as the assigned technician %s: %w", email, err)
	}
	fmt.Printf("reading as the assigned technician %s\n", email)
	return t, nil
}
