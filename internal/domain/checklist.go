package domain

// PointControle is one point of a checklist template, as the template stores it (a JSON
// list, in order) and as each intervention copies it when it opens (internal/checklist).
type PointControle struct {
	Libelle     string    `json:"libelle"`
	Type        TypePoint `json:"type"`
	Obligatoire bool      `json:"obligatoire"`
	// Unite, Min and Max describe a MESURE: a value outside [Min, Max] is flagged.
	Unite *string  `json:"unite,omitempty"`
	Min   *float64 `json:"min,omitempty"`
	Max   *float64 `json:"max,omitempty"`
	// Choix are the values a CHOIX offers.
	Choix []string `json:"choix,omitempty"`
	// DemandeSiHorsLimites opens a work request when a MESURE is out of bounds.
	DemandeSiHorsLimites bool `json:"demandeSiHorsLimites,omitempty"`
}

// Bounds of checklists.
const (
	// MaxPointsChecklist bounds the points of one template.
	MaxPointsChecklist = 200
	// MaxLibellePoint bounds a point's label, in characters.
	MaxLibellePoint = 300
	// MaxChoixPoint bounds the values a CHOIX offers.
	MaxChoixPoint = 50
	// MaxTexteReponse bounds a TEXTE answer, in characters.
	MaxTexteReponse = 2000
)
