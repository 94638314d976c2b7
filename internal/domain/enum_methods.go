// Methods that let ent store and gqlgen exchange each enumeration; they all delegate to enum.go.

package domain

import "io"

// Values lists every Role; ent uses it for the column's allowed values.
func (Role) Values() []string { return enumValues["Role"] }

func (v Role) String() string { return string(v) }

// MarshalGQL writes the value as a GraphQL enum.
func (v Role) MarshalGQL(w io.Writer) { marshalEnum(w, v) }

// UnmarshalGQL accepts only the values of Role.
func (v *Role) UnmarshalGQL(src any) error { return unmarshalEnum(v, "Role", src) }

// Values lists every InterventionStatut; ent uses it for the column's allowed values.
func (InterventionStatut) Values() []string { return enumValues["InterventionStatut"] }

func (v InterventionStatut) String() string { return string(v) }

// MarshalGQL writes the value as a GraphQL enum.
func (v InterventionStatut) MarshalGQL(w io.Writer) { marshalEnum(w, v) }

// UnmarshalGQL accepts only the values of InterventionStatut.
func (v *InterventionStatut) UnmarshalGQL(src any) error {
	return unmarshalEnum(v, "InterventionStatut", src)
}

// Values lists every InterventionType; ent uses it for the column's allowed values.
func (InterventionType) Values() []string { return enumValues["InterventionType"] }

func (v InterventionType) String() string { return string(v) }

// MarshalGQL writes the value as a GraphQL enum.
func (v InterventionType) MarshalGQL(w io.Writer) { marshalEnum(w, v) }

// UnmarshalGQL accepts only the values of InterventionType.
func (v *InterventionType) UnmarshalGQL(src any) error {
	return unmarshalEnum(v, "InterventionType", src)
}

// Values lists every Priorite; ent uses it for the column's allowed values.
func (Priorite) Values() []string { return enumValues["Priorite"] }

func (v Priorite) String() string { return string(v) }

// MarshalGQL writes the value as a GraphQL enum.
func (v Priorite) MarshalGQL(w io.Writer) { marshalEnum(w, v) }

// UnmarshalGQL accepts only the values of Priorite.
func (v *Priorite) UnmarshalGQL(src any) error { return unmarshalEnum(v, "Priorite", src) }

// Values lists every EquipementStatut; ent uses it for the column's allowed values.
func (EquipementStatut) Values() []string { return enumValues["EquipementStatut"] }

func (v EquipementStatut) String() string { return string(v) }

// MarshalGQL writes the value as a GraphQL enum.
func (v EquipementStatut) MarshalGQL(w io.Writer) { marshalEnum(w, v) }

// UnmarshalGQL accepts only the values of EquipementStatut.
func (v *EquipementStatut) UnmarshalGQL(src any) error {
	return unmarshalEnum(v, "EquipementStatut", src)
}

// Values lists every Criticite; ent uses it for the column's allowed values.
func (Criticite) Values() []string { return enumValues["Criticite"] }

func (v Criticite) String() string { return string(v) }

// MarshalGQL writes the value as a GraphQL enum.
func (v Criticite) MarshalGQL(w io.Writer) { marshalEnum(w, v) }

// UnmarshalGQL accepts only the values of Criticite.
func (v *Criticite) UnmarshalGQL(src any) error { return unmarshalEnum(v, "Criticite", src) }

// Values lists every Disponibilite; ent uses it for the column's allowed values.
func (Disponibilite) Values() []string { return enumValues["Disponibilite"] }

func (v Disponibilite) String() string { return string(v) }

// MarshalGQL writes the value as a GraphQL enum.
func (v Disponibilite) MarshalGQL(w io.Writer) { marshalEnum(w, v) }

// UnmarshalGQL accepts only the values of Disponibilite.
func (v *Disponibilite) UnmarshalGQL(src any) error { return unmarshalEnum(v, "Disponibilite", src) }

// Values lists every NiveauCompetence; ent uses it for the column's allowed values.
func (NiveauCompetence) Values() []string { return enumValues["NiveauCompetence"] }

func (v NiveauCompetence) String() string { return string(v) }

// MarshalGQL writes the value as a GraphQL enum.
func (v NiveauCompetence) MarshalGQL(w io.Writer) { marshalEnum(w, v) }

// UnmarshalGQL accepts only the values of NiveauCompetence.
func (v *NiveauCompetence) UnmarshalGQL(src any) error {
	return unmarshalEnum(v, "NiveauCompetence", src)
}

// Values lists every Frequence; ent uses it for the column's allowed values.
func (Frequence) Values() []string { return enumValues["Frequence"] }

func (v Frequence) String() string { return string(v) }

// MarshalGQL writes the value as a GraphQL enum.
func (v Frequence) MarshalGQL(w io.Writer) { marshalEnum(w, v) }

// UnmarshalGQL accepts only the values of Frequence.
func (v *Frequence) UnmarshalGQL(src any) error { return unmarshalEnum(v, "Frequence", src) }

// Values lists every PlanningStatut; ent uses it for the column's allowed values.
func (PlanningStatut) Values() []string { return enumValues["PlanningStatut"] }

func (v PlanningStatut) String() string { return string(v) }

// MarshalGQL writes the value as a GraphQL enum.
func (v PlanningStatut) MarshalGQL(w io.Writer) { marshalEnum(w, v) }

// UnmarshalGQL accepts only the values of PlanningStatut.
func (v *PlanningStatut) UnmarshalGQL(src any) error { return unmarshalEnum(v, "PlanningStatut", src) }

// Values lists every NotificationType; ent uses it for the column's allowed values.
func (NotificationType) Values() []string { return enumValues["NotificationType"] }

func (v NotificationType) String() string { return string(v) }

// MarshalGQL writes the value as a GraphQL enum.
func (v NotificationType) MarshalGQL(w io.Writer) { marshalEnum(w, v) }

// UnmarshalGQL accepts only the values of NotificationType.
func (v *NotificationType) UnmarshalGQL(src any) error {
	return unmarshalEnum(v, "NotificationType", src)
}

// Values lists every Canal; ent uses it for the column's allowed values.
func (Canal) Values() []string { return enumValues["Canal"] }

func (v Canal) String() string { return string(v) }

// MarshalGQL writes the value as a GraphQL enum.
func (v Canal) MarshalGQL(w io.Writer) { marshalEnum(w, v) }

// UnmarshalGQL accepts only the values of Canal.
func (v *Canal) UnmarshalGQL(src any) error { return unmarshalEnum(v, "Canal", src) }

// Values lists every StatutEnvoi; ent uses it for the column's allowed values.
func (StatutEnvoi) Values() []string { return enumValues["StatutEnvoi"] }

func (v StatutEnvoi) String() string { return string(v) }

// MarshalGQL writes the value as a GraphQL enum.
func (v StatutEnvoi) MarshalGQL(w io.Writer) { marshalEnum(w, v) }

// UnmarshalGQL accepts only the values of StatutEnvoi.
func (v *StatutEnvoi) UnmarshalGQL(src any) error { return unmarshalEnum(v, "StatutEnvoi", src) }

// Values lists every ContratStatut; ent uses it for the column's allowed values.
func (ContratStatut) Values() []string { return enumValues["ContratStatut"] }

func (v ContratStatut) String() string { return string(v) }

// MarshalGQL writes the value as a GraphQL enum.
func (v ContratStatut) MarshalGQL(w io.Writer) { marshalEnum(w, v) }

// UnmarshalGQL accepts only the values of ContratStatut.
func (v *ContratStatut) UnmarshalGQL(src any) error { return unmarshalEnum(v, "ContratStatut", src) }

// Values lists every TypeMouvement; ent uses it for the column's allowed values.
func (TypeMouvement) Values() []string { return enumValues["TypeMouvement"] }

func (v TypeMouvement) String() string { return string(v) }

// MarshalGQL writes the value as a GraphQL enum.
func (v TypeMouvement) MarshalGQL(w io.Writer) { marshalEnum(w, v) }

// UnmarshalGQL accepts only the values of TypeMouvement.
func (v *TypeMouvement) UnmarshalGQL(src any) error { return unmarshalEnum(v, "TypeMouvement", src) }

// Values lists every StatutDemande; ent uses it for the column's allowed values.
func (StatutDemande) Values() []string { return enumValues["StatutDemande"] }

func (v StatutDemande) String() string { return string(v) }

// MarshalGQL writes the value as a GraphQL enum.
func (v StatutDemande) MarshalGQL(w io.Writer) { marshalEnum(w, v) }

// UnmarshalGQL accepts only the values of StatutDemande.
func (v *StatutDemande) UnmarshalGQL(src any) error { return unmarshalEnum(v, "StatutDemande", src) }

// Values lists every TypePoint; ent uses it for the column's allowed values.
func (TypePoint) Values() []string { return enumValues["TypePoint"] }

func (v TypePoint) String() string { return string(v) }

// MarshalGQL writes the value as a GraphQL enum.
func (v TypePoint) MarshalGQL(w io.Writer) { marshalEnum(w, v) }

// UnmarshalGQL accepts only the values of TypePoint.
func (v *TypePoint) UnmarshalGQL(src any) error { return unmarshalEnum(v, "TypePoint", src) }

// Values lists every StatsGroupBy.
func (StatsGroupBy) Values() []string { return enumValues["StatsGroupBy"] }

func (v StatsGroupBy) String() string { return string(v) }

// MarshalGQL writes the value as a GraphQL enum.
func (v StatsGroupBy) MarshalGQL(w io.Writer) { marshalEnum(w, v) }

// UnmarshalGQL accepts only the values of StatsGroupBy.
func (v *StatsGroupBy) UnmarshalGQL(src any) error { return unmarshalEnum(v, "StatsGroupBy", src) }

// Values lists every Langue; ent uses it for the column's allowed values.
func (Langue) Values() []string { return enumValues["Langue"] }

func (v Langue) String() string { return string(v) }

// MarshalGQL writes the value as a GraphQL enum.
func (v Langue) MarshalGQL(w io.Writer) { marshalEnum(w, v) }

// UnmarshalGQL accepts only the values of Langue.
func (v *Langue) UnmarshalGQL(src any) error { return unmarshalEnum(v, "Langue", src) }
