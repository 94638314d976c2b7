// Package domain holds the vocabulary shared by the data model, the business rules and the
// API: enumerations (stored and exposed with the same upper-case values) and error codes.
// It imports nothing of the project so that every layer may import it.
package domain

import (
	"fmt"
	"io"
	"slices"
	"strconv"

	"github.com/mifmaroc/erp/internal/i18n"
)

// Role is what a user may do; see SPEC.md "Roles and access".
type Role string

// Roles.
const (
	RoleAdmin       Role = "ADMIN"
	RoleResponsable Role = "RESPONSABLE"
	RoleTechnicien  Role = "TECHNICIEN"
	RoleClient      Role = "CLIENT"
)

// InterventionStatut is a step of an intervention's life cycle.
type InterventionStatut string

// Intervention statuses.
const (
	StatutOuverte   InterventionStatut = "OUVERTE"
	StatutAffectee  InterventionStatut = "AFFECTEE"
	StatutEnCours   InterventionStatut = "EN_COURS"
	StatutEnAttente InterventionStatut = "EN_ATTENTE"
	StatutCloturee  InterventionStatut = "CLOTUREE"
	StatutAnnulee   InterventionStatut = "ANNULEE"
	StatutArchivee  InterventionStatut = "ARCHIVEE"
)

// Open reports whether the work is still to be done: it counts for delays, SLA and deadline
// warnings.
func (s InterventionStatut) Open() bool {
	return s != StatutCloturee && s != StatutArchivee && s != StatutAnnulee
}

// OpenStatuts lists the statuses that are Open, for queries.
func OpenStatuts() []InterventionStatut {
	return []InterventionStatut{StatutOuverte, StatutAffectee, StatutEnCours, StatutEnAttente}
}

// InterventionType says why the work is done.
type InterventionType string

// Intervention types.
const (
	TypeCorrective   InterventionType = "CORRECTIVE"
	TypePreventive   InterventionType = "PREVENTIVE"
	TypeAmeliorative InterventionType = "AMELIORATIVE"
	TypeDiagnostic   InterventionType = "DIAGNOSTIC"
)

// Priorite orders the work and sets the default SLA deadline.
type Priorite string

// Priorities.
const (
	PrioriteUrgente    Priorite = "URGENTE"
	PrioriteHaute      Priorite = "HAUTE"
	PrioriteNormale    Priorite = "NORMALE"
	PrioriteBasse      Priorite = "BASSE"
	PrioriteProgrammee Priorite = "PROGRAMMEE"
)

// EquipementStatut is the operating state of an equipment.
type EquipementStatut string

// Equipment statuses.
const (
	EquipementOperationnel EquipementStatut = "OPERATIONNEL"
	EquipementMaintenance  EquipementStatut = "MAINTENANCE"
	EquipementPanne        EquipementStatut = "PANNE"
	EquipementRetire       EquipementStatut = "RETIRE"
)

// Criticite is how much the business depends on an equipment.
type Criticite string

// Criticality levels.
const (
	CriticiteCritique    Criticite = "CRITIQUE"
	CriticiteImportant   Criticite = "IMPORTANT"
	CriticiteStandard    Criticite = "STANDARD"
	CriticiteNonCritique Criticite = "NON_CRITIQUE"
)

// Disponibilite is whether a technician can take work.
type Disponibilite string

// Availability values.
const (
	DisponibiliteDisponible   Disponibilite = "DISPONIBLE"
	DisponibiliteOccupe       Disponibilite = "OCCUPE"
	DisponibiliteConge        Disponibilite = "CONGE"
	DisponibiliteFormation    Disponibilite = "FORMATION"
	DisponibiliteIndisponible Disponibilite = "INDISPONIBLE"
)

// NiveauCompetence is the level of a skill.
type NiveauCompetence string

// Skill levels.
const (
	NiveauDebutant      NiveauCompetence = "DEBUTANT"
	NiveauIntermediaire NiveauCompetence = "INTERMEDIAIRE"
	NiveauAvance        NiveauCompetence = "AVANCE"
	NiveauExpert        NiveauCompetence = "EXPERT"
)

// Frequence is the period unit of a preventive planning.
type Frequence string

// Planning frequencies.
const (
	FrequenceJournalier   Frequence = "JOURNALIER"
	FrequenceHebdomadaire Frequence = "HEBDOMADAIRE"
	FrequenceMensuel      Frequence = "MENSUEL"
	FrequenceTrimestriel  Frequence = "TRIMESTRIEL"
	FrequenceSemestriel   Frequence = "SEMESTRIEL"
	FrequenceAnnuel       Frequence = "ANNUEL"
)

// PlanningStatut says whether a planning still produces work.
type PlanningStatut string

// Planning statuses.
const (
	PlanningActif    PlanningStatut = "ACTIF"
	PlanningSuspendu PlanningStatut = "SUSPENDU"
	PlanningTermine  PlanningStatut = "TERMINE"
)

// NotificationType is the event a notification reports; one email template each.
type NotificationType string

// Notification types.
const (
	NotificationAffectation NotificationType = "AFFECTATION"
	NotificationCloture     NotificationType = "CLOTURE"
	NotificationRappel      NotificationType = "RAPPEL"
	NotificationRetard      NotificationType = "RETARD"
	NotificationInformation NotificationType = "INFORMATION"
)

// Canal is how a notification reaches its user.
type Canal string

// Channels.
const (
	CanalEmail Canal = "EMAIL"
	CanalLog   Canal = "LOG"
)

// StatutEnvoi is the delivery state of a notification.
type StatutEnvoi string

// Delivery states.
const (
	EnvoiEnAttente StatutEnvoi = "EN_ATTENTE"
	EnvoiEnvoyee   StatutEnvoi = "ENVOYEE"
	EnvoiEchec     StatutEnvoi = "ECHEC"
)

// ContratStatut is where a maintenance contract stands; only ACTIF gives its SLA.
type ContratStatut string

// Contract statuses.
const (
	ContratActif    ContratStatut = "ACTIF"
	ContratSuspendu ContratStatut = "SUSPENDU"
	ContratResilie  ContratStatut = "RESILIE"
	ContratExpire   ContratStatut = "EXPIRE"
)

// TypeMouvement is the kind of a stock movement: what caused the quantity on hand to change.
type TypeMouvement string

// Stock movement kinds.
const (
	// MouvementEntree is a restock, at a purchase cost.
	MouvementEntree TypeMouvement = "ENTREE"
	// MouvementSortie is a use on an intervention.
	MouvementSortie TypeMouvement = "SORTIE"
	// MouvementAjustement brings the quantity to what a physical count found.
	MouvementAjustement TypeMouvement = "AJUSTEMENT"
	// MouvementRetour gives back to stock part of what an intervention used.
	MouvementRetour TypeMouvement = "RETOUR"
)

// StatutDemande is where a work request stands in its triage.
type StatutDemande string

// Work request statuses: a request is triaged once, from NOUVELLE.
const (
	// DemandeNouvelle waits for a RESPONSABLE or an ADMIN.
	DemandeNouvelle StatutDemande = "NOUVELLE"
	// DemandeApprouvee became an intervention.
	DemandeApprouvee StatutDemande = "APPROUVEE"
	// DemandeRejetee was refused, with a reason.
	DemandeRejetee StatutDemande = "REJETEE"
	// DemandeDoublon reports work an existing intervention already covers.
	DemandeDoublon StatutDemande = "DOUBLON"
)

// StatsGroupBy is a dimension the maintenance figures are split by (internal/stats).
type StatsGroupBy string

// Dimensions of the maintenance figures.
const (
	StatsEquipement StatsGroupBy = "EQUIPEMENT"
	StatsTechnicien StatsGroupBy = "TECHNICIEN"
	StatsClient     StatsGroupBy = "CLIENT"
	StatsMois       StatsGroupBy = "MOIS"
	StatsSemaine    StatsGroupBy = "SEMAINE"
	StatsType       StatsGroupBy = "TYPE"
)

// Langue is the language a user reads his notifications in (internal/i18n).
type Langue string

// The languages, French the default.
const (
	LangueFR Langue = "FR"
	LangueEN Langue = "EN"
	LangueAR Langue = "AR"
)

// Lang is l as internal/i18n names it; French for an unknown value.
func (l Langue) Lang() i18n.Lang {
	if x, ok := i18n.Parse(string(l)); ok {
		return x
	}
	return i18n.Default
}

// enumValues lists every value of each enumeration, in declaration order.
var enumValues = map[string][]string{
	"Role":               {"ADMIN", "RESPONSABLE", "TECHNICIEN", "CLIENT"},
	"InterventionStatut": {"OUVERTE", "AFFECTEE", "EN_COURS", "EN_ATTENTE", "CLOTUREE", "ANNULEE", "ARCHIVEE"},
	"InterventionType":   {"CORRECTIVE", "PREVENTIVE", "AMELIORATIVE", "DIAGNOSTIC"},
	"Priorite":           {"URGENTE", "HAUTE", "NORMALE", "BASSE", "PROGRAMMEE"},
	"EquipementStatut":   {"OPERATIONNEL", "MAINTENANCE", "PANNE", "RETIRE"},
	"Criticite":          {"CRITIQUE", "IMPORTANT", "STANDARD", "NON_CRITIQUE"},
	"Disponibilite":      {"DISPONIBLE", "OCCUPE", "CONGE", "FORMATION", "INDISPONIBLE"},
	"NiveauCompetence":   {"DEBUTANT", "INTERMEDIAIRE", "AVANCE", "EXPERT"},
	"Frequence":          {"JOURNALIER", "HEBDOMADAIRE", "MENSUEL", "TRIMESTRIEL", "SEMESTRIEL", "ANNUEL"},
	"PlanningStatut":     {"ACTIF", "SUSPENDU", "TERMINE"},
	"NotificationType":   {"AFFECTATION", "CLOTURE", "RAPPEL", "RETARD", "INFORMATION"},
	"Canal":              {"EMAIL", "LOG"},
	"StatutEnvoi":        {"EN_ATTENTE", "ENVOYEE", "ECHEC"},
	"ContratStatut":      {"ACTIF", "SUSPENDU", "RESILIE", "EXPIRE"},
	"TypeMouvement":      {"ENTREE", "SORTIE", "AJUSTEMENT", "RETOUR"},
	"StatutDemande":      {"NOUVELLE", "APPROUVEE", "REJETEE", "DOUBLON"},
	"TypePoint":          {"CASE", "MESURE", "TEXTE", "CHOIX", "PHOTO"},
	"StatsGroupBy":       {"EQUIPEMENT", "TECHNICIEN", "CLIENT", "MOIS", "SEMAINE", "TYPE"},
	"Langue":             {"FR", "EN", "AR"},
}

// unmarshalEnum reads a GraphQL enum value into dst after checking it belongs to the enum.
func unmarshalEnum[T ~string](dst *T, name string, v any) error {
	s, ok := v.(string)
	if !ok {
		return fmt.Errorf("%s must be a string, got %T", name, v)
	}
	if !slices.Contains(enumValues[name], s) {
		return fmt.Errorf("%q is not a valid %s", s, name)
	}
	*dst = T(s)
	return nil
}

func marshalEnum[T ~string](w io.Writer, v T) {
	_, _ = io.WriteString(w, strconv.Quote(string(v)))
}

// TypePoint is what a checklist point asks for.
type TypePoint string

// Checklist point kinds.
const (
	// PointCase is a box to tick: done or not.
	PointCase TypePoint = "CASE"
	// PointMesure is a number read on the equipment, in a unit, with bounds it should keep.
	PointMesure TypePoint = "MESURE"
	// PointTexte is a free observation.
	PointTexte TypePoint = "TEXTE"
	// PointChoix is one value among those the template lists.
	PointChoix TypePoint = "CHOIX"
	// PointPhoto is a photo, a document of the intervention.
	PointPhoto TypePoint = "PHOTO"
)
