package graph

import (
	"context"
	"fmt"
	"math/rand/v2"
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/mifmaroc/erp/ent"
	"github.com/mifmaroc/erp/internal/domain"
	"github.com/mifmaroc/erp/internal/intervention"
)

// TestKPINeeds: each field of kpiNeeds, its resolver reading KPIs computed from facts that
// hold only what the field needs (as direct rendering reads them), answers as from every
// fact, over random facts at a frozen and at the real clock. A resolver that asked for
// another field's needs, or a need declared too small, shows here.
func TestKPINeeds(t *testing.T) {
	res := &interventionResolver{&Resolver{}}
	call := map[string]func(context.Context, *ent.Intervention) (any, error){
		"delaiEcoule":        func(ctx context.Context, iv *ent.Intervention) (any, error) { return res.DelaiEcoule(ctx, iv) },
		"delaiRestant":       func(ctx context.Context, iv *ent.Intervention) (any, error) { return res.DelaiRestant(ctx, iv) },
		"enRetard":           func(ctx context.Context, iv *ent.Intervention) (any, error) { return res.EnRetard(ctx, iv) },
		"dureeReelle":        func(ctx context.Context, iv *ent.Intervention) (any, error) { return res.DureeReelle(ctx, iv) },
		"dureeSaisie":        func(ctx context.Context, iv *ent.Intervention) (any, error) { return res.DureeSaisie(ctx, iv) },
		"slaRespecte":        func(ctx context.Context, iv *ent.Intervention) (any, error) { return res.SLARespecte(ctx, iv) },
		"coutPiecesCentimes": func(ctx context.Context, iv *ent.Intervention) (any, error) { return res.CoutPiecesCentimes(ctx, iv) },
		"coutMainOeuvreCentimes": func(ctx context.Context, iv *ent.Intervention) (any, error) {
			return res.CoutMainOeuvreCentimes(ctx, iv)
		},
		"coutTotalCentimes": func(ctx context.Context, iv *ent.Intervention) (any, error) { return res.CoutTotalCentimes(ctx, iv) },
	}
	var declared, called []string
	for name := range kpiNeeds {
		declared = append(declared, name)
	}
	for name := range call {
		called = append(called, name)
	}
	slices.Sort(declared)
	slices.Sort(called)
	if !slices.Equal(declared, called) {
		t.Fatalf("kpiNeeds names %v, the test calls %v: each KPI field must be in both", declared, called)
	}
	// answer is the field's resolver reading k, computed from the facts have.
	answer := func(name string, k intervention.KPIs, have intervention.Need) string {
		ctx := withNewCache(context.Background())
		ctx.Value(cacheKey{}).(*requestCache).kpis[1] = kpiEntry{k, have}
		v, err := call[name](ctx, &ent.Intervention{ID: 1})
		if err != nil {
			return "error: " + err.Error()
		}
		if rv := reflect.ValueOf(v); rv.Kind() == reflect.Pointer {
			if rv.IsNil() {
				return "nil"
			}
			v = rv.Elem().Interface()
		}
		return fmt.Sprint(v)
	}
	// Each resolver asks for its own field's needs: KPIs kept from fewer facts (another
	// root field's, which asked for less) send it back to the database, which this
	// resolver does not have.
	goesToDatabase := func(name string, have intervention.Need) (went bool) {
		defer func() { went = recover() != nil }()
		ctx := withNewCache(context.Background())
		ctx.Value(cacheKey{}).(*requestCache).kpis[1] = kpiEntry{intervention.KPIs{}, have}
		_, _ = call[name](ctx, &ent.Intervention{ID: 1})
		return false
	}
	for name, need := range kpiNeeds {
		if goesToDatabase(name, need) {
			t.Errorf("%s: KPIs kept from the facts it needs were not used", name)
		}
		for bit := intervention.Need(1); bit <= intervention.NeedAll; bit <<= 1 {
			if need&bit != 0 && !goesToDatabase(name, need&^bit) {
				t.Errorf("%s answered from KPIs kept without facts it needs (%b of %b)", name, need&^bit, need)
			}
		}
	}
	clocks := map[string]time.Time{"frozen": time.Date(2026, 3, 14, 9, 30, 0, 0, time.UTC), "real": time.Now()}
	for clock, now := range clocks {
		t.Run(clock, func(t *testing.T) {
			rng := rand.New(rand.NewPCG(uint64(now.Unix()), 24))
			for range 3000 {
				f := randomFacts(rng, now)
				full := intervention.Compute(f, now)
				for name, need := range kpiNeeds {
					want := answer(name, full, intervention.NeedAll)
					if got := answer(name, intervention.Compute(keepFacts(f, need), now), need); got != want {
						t.Fatalf("%s from the facts it needs = %s, from every fact %s; facts %+v", name, got, want, f)
					}
				}
			}
		})
	}
}

// keepFacts is f with only the facts of need beyond the row, the others as render.ParseFacts
// reads a fact column left NULL.
func keepFacts(f intervention.Facts, need intervention.Need) intervention.Facts {
	if need&intervention.NeedHistory == 0 {
		f.History, f.Taux = nil, nil
	}
	if need&intervention.NeedParts == 0 {
		f.CoutPieces, f.CostErr = 0, nil
	}
	if need&intervention.NeedRate == 0 {
		f.TauxHoraire = 0
	}
	if need&intervention.NeedTemps == 0 {
		f.Temps = nil
	}
	return f
}

// randomFacts are facts of an intervention created up to 40 days before now, in any status,
// closed with or without a closing date, with or without deadline, estimate, history,
// parts (overflowing at times), rates and time entries, running or not.
func randomFacts(rng *rand.Rand, now time.Time) intervention.Facts {
	statuts := []domain.InterventionStatut{domain.StatutOuverte, domain.StatutAffectee, domain.StatutEnCours, domain.StatutEnAttente,
		domain.StatutCloturee, domain.StatutAnnulee, domain.StatutArchivee}
	at := func(from time.Time, spanMin int) time.Time {
		return from.Add(time.Duration(rng.IntN(spanMin)) * time.Minute)
	}
	maybe := func() bool { return rng.IntN(2) == 0 }
	created := now.Add(-time.Duration(rng.IntN(40*24*60)+1) * time.Minute)
	f := intervention.Facts{Statut: statuts[rng.IntN(len(statuts))], DateCreation: created, TauxHoraire: int64(rng.IntN(20000))}
	if maybe() {
		d := at(created, 60*24*30)
		f.DateLimite = &d
	}
	if !f.Statut.Open() && maybe() {
		d := at(created, int(now.Sub(created)/time.Minute)+1)
		f.DateCloture = &d
	}
	if maybe() {
		e := rng.IntN(600)
		f.DureeEstimeeMin = &e
	}
	step := created
	for range rng.IntN(6) {
		step = at(step, 600)
		s := intervention.Step{Statut: statuts[rng.IntN(len(statuts))], At: step}
		if tech := rng.IntN(4); tech > 0 {
			s.TechnicienID = &tech
			if maybe() {
				if f.Taux == nil {
					f.Taux = map[int]int64{}
				}
				f.Taux[tech] = int64(rng.IntN(20000))
			}
		}
		f.History = append(f.History, s)
	}
	if maybe() {
		f.CoutPieces = int64(rng.IntN(1_000_000))
		if rng.IntN(10) == 0 {
			f.CoutPieces, f.CostErr = 0, intervention.ErrCostOverflow
		}
	}
	for range rng.IntN(4) {
		e := intervention.Entry{Minutes: rng.IntN(480), Taux: int64(rng.IntN(20000))}
		if rng.IntN(4) == 0 {
			start := at(created, int(now.Sub(created)/time.Minute)+1)
			e.RunningFrom = &start
		}
		f.Temps = append(f.Temps, e)
	}
	return f
}
