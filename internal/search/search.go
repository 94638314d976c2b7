// Package search makes text searchable the same way on PostgreSQL and SQLite: a normalized
// copy (lower case, accents removed, spaces collapsed) is stored beside the text and searched
// with LIKE. SQLite's own case folding knows only ASCII, so "électricité" would not find
// "ÉLECTRICITÉ" without it; with it, "electricite" finds both.
package search

import (
	"context"
	"fmt"
	"strings"
	"unicode"

	"golang.org/x/text/runes"
	"golang.org/x/text/transform"
	"golang.org/x/text/unicode/norm"

	"github.com/mifmaroc/erp/ent"
	"github.com/mifmaroc/erp/ent/hook"
)

// Normalize lower-cases s, removes its accents and collapses its spaces.
func Normalize(s string) string {
	t := transform.Chain(norm.NFD, runes.Remove(runes.In(unicode.Mn)), norm.NFC)
	out, _, err := transform.String(t, s)
	if err != nil {
		out = s
	}
	return strings.Join(strings.Fields(strings.ToLower(out)), " ")
}

// InterventionHook keeps interventions' recherche column in step with titre and description.
func InterventionHook() ent.Hook {
	return hook.On(func(next ent.Mutator) ent.Mutator {
		return hook.InterventionFunc(func(ctx context.Context, m *ent.InterventionMutation) (ent.Value, error) {
			titre, tOK := m.Titre()
			desc, dOK := m.Description()
			if !tOK && !dOK && !m.DescriptionCleared() {
				return next.Mutate(ctx, m)
			}
			if m.Op().Is(ent.OpUpdateOne) {
				var err error
				if !tOK {
					if titre, err = m.OldTitre(ctx); err != nil {
						return nil, fmt.Errorf("reading titre for the search text: %w", err)
					}
				}
				if !dOK && !m.DescriptionCleared() {
					if desc, err = m.OldDescription(ctx); err != nil {
						return nil, fmt.Errorf("reading description for the search text: %w", err)
					}
				}
			}
			m.SetRecherche(Normalize(titre + " " + desc))
			return next.Mutate(ctx, m)
		})
	}, ent.OpCreate|ent.OpUpdateOne)
}
