package seed

import (
	"cmp"
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"time"

	"github.com/mifmaroc/erp/ent"
	"github.com/mifmaroc/erp/internal/domain"
	"github.com/mifmaroc/erp/internal/stock"
)

// The parts catalogue and its stock ledger. The ledger is computed here, in date order,
// and then written in bulk: the opening stock a year ago, uses on the interventions that
// were worked on, returns, restocks whenever a use would have emptied the shelf, and a
// yearly count. Each part's quantity, average cost and alert flag are what its ledger says,
// so `erp stock verify` finds nothing to report on a seeded database.

// family is a kind of spare part: its name, the unit it counts in, its supplier.
type family struct {
	nom, unite, fournisseur string
}

var families = []family{
	{"Joint torique", "pièce", "Hydrotech Maroc"},
	{"Filtre à huile", "pièce", "Filtrex Casablanca"},
	{"Roulement à billes", "pièce", "SKF Maroc"},
	{"Courroie trapézoïdale", "pièce", "Transmissions du Nord"},
	{"Huile hydraulique", "litre", "Lubrifiants de l'Atlas"},
	{"Graisse multi-usage", "kilogramme", "Lubrifiants de l'Atlas"},
	{"Fusible", "pièce", "Électro Distribution"},
	{"Contacteur", "pièce", "Électro Distribution"},
	{"Câble souple", "mètre", "Câblerie de Tanger"},
	{"Fluide frigorigène", "kilogramme", "Froid Industriel Agadir"},
}

// partSpec is what the catalogue says of a part before its ledger.
type partSpec struct {
	ouverture int   // the stock a year ago
	cout      int64 // what a unit costs to buy
}

// partsCatalogue creates n parts (quantity 0 until their ledger is written), taking their opening
// stock and price from rng as the dataset always did, and everything else from prng.
func partsCatalogue(ctx context.Context, client *ent.Client, n int, rng, prng *rand.Rand) ([]*ent.Piece, []partSpec, error) {
	specs := make([]partSpec, n)
	pieces, err := bulk(ctx, n, func(i int) *ent.PieceCreate {
		f := families[i%len(families)]
		qty, prix := 50+rng.IntN(500), int64(500+rng.IntN(50000))
		specs[i] = partSpec{ouverture: qty, cout: prix * int64(70+prng.IntN(20)) / 100}
		return client.Piece.Create().SetReference(fmt.Sprintf("PC-%04d", i+1)).
			SetDesignation(fmt.Sprintf("%s %d", f.nom, i+1)).
			SetUnite(f.unite).SetFournisseur(f.fournisseur).
			SetEmplacement(fmt.Sprintf("Magasin %c, allée %d, étagère %d", 'A'+rune(i%3), 1+i%8, 1+prng.IntN(6))).
			SetSeuilAlerte(10).SetQuantiteReappro(100 + 50*prng.IntN(5)).
			SetPrixUnitaireCentimes(prix)
	}, client.Piece.CreateBulk)
	return pieces, specs, err
}

// use is an intervention worked on, which consumed parts.
type use struct {
	intervention int
	user         int // the technician's user
	at           time.Time
}

// event is a movement of the ledger to compute.
type event struct {
	at    time.Time
	seq   int // ties in time keep the order they were planned in
	typ   domain.TypeMouvement
	piece int // index in the catalogue
	qty   int // units (ENTREE, SORTIE, RETOUR) or the count (AJUSTEMENT)
	cost  int64
	iv    *int
	user  int
	motif string
}

// ledger plans the movements of the year, plays them in date order on each part, and writes
// the movements, the parts' lines on the interventions and the parts' final state. It
// returns the number of movements.
func ledger(ctx context.Context, client *ent.Client, prng *rand.Rand, pieces []*ent.Piece, specs []partSpec,
	uses []use, staff int, now time.Time) (int, error) {
	var events []event
	add := func(e event) { e.seq = len(events); events = append(events, e) }
	yearAgo := now.AddDate(-1, 0, 0)
	for i, s := range specs {
		add(event{at: yearAgo, typ: domain.MouvementEntree, piece: i, qty: s.ouverture, cost: s.cout, user: staff, motif: "stock d'ouverture"})
	}
	type line struct{ iv, piece int }
	lines := map[line]int{}
	var order []line
	for k, u := range uses {
		n := 1 + prng.IntN(2)
		first := prng.IntN(len(pieces))
		for j := range n {
			p := (first + j*7) % len(pieces)
			q := 1 + prng.IntN(4)
			add(event{at: u.at, typ: domain.MouvementSortie, piece: p, qty: q, iv: &uses[k].intervention, user: u.user})
			l := line{u.intervention, p}
			if _, ok := lines[l]; !ok {
				order = append(order, l)
			}
			lines[l] += q
			if q > 1 && k%25 == 0 {
				add(event{at: u.at.Add(time.Hour), typ: domain.MouvementRetour, piece: p, qty: 1, iv: &uses[k].intervention,
					user: u.user, motif: "pièce non utilisée"})
				lines[l]--
			}
		}
	}
	countAt := now.AddDate(0, 0, -30)
	for i := range pieces {
		add(event{at: countAt, typ: domain.MouvementAjustement, piece: i, qty: prng.IntN(5) - 2, user: staff, motif: "inventaire annuel"})
	}
	slices.SortStableFunc(events, func(a, b event) int {
		if c := a.at.Compare(b.at); c != 0 {
			return c
		}
		return cmp.Compare(a.seq, b.seq)
	})

	qty := make([]int, len(pieces))
	avg := make([]int64, len(pieces))
	var moves []*ent.MouvementStockCreate
	write := func(e event, delta int, cost int64) {
		qty[e.piece] += delta
		c := client.MouvementStock.Create().SetType(e.typ).SetPieceID(pieces[e.piece].ID).
			SetQuantite(delta).SetQuantiteApres(qty[e.piece]).SetCoutUnitaireCentimes(cost).
			SetNillableInterventionID(e.iv).SetUserID(e.user).SetCreatedAt(e.at).SetUpdatedAt(e.at)
		if e.motif != "" {
			c.SetMotif(e.motif)
		}
		moves = append(moves, c)
	}
	restock := func(e event, at time.Time, motif string) {
		in := pieces[e.piece].QuantiteReappro
		cost := specs[e.piece].cout * int64(95+prng.IntN(11)) / 100 // prices drift
		avg[e.piece] = stock.AverageCost(qty[e.piece], avg[e.piece], in, cost)
		write(event{at: at, typ: domain.MouvementEntree, piece: e.piece, user: staff, motif: motif}, in, cost)
	}
	for _, e := range events {
		p := e.piece
		switch e.typ {
		case domain.MouvementEntree:
			avg[p] = stock.AverageCost(qty[p], avg[p], e.qty, e.cost)
			write(e, e.qty, e.cost)
		case domain.MouvementSortie:
			// The store never runs dry: what a use would take below nothing was delivered first.
			for qty[p] < e.qty {
				restock(e, e.at.Add(-time.Hour), "réapprovisionnement")
			}
			write(e, -e.qty, avg[p])
		case domain.MouvementRetour:
			write(e, e.qty, avg[p])
		case domain.MouvementAjustement:
			write(e, max(0, qty[p]+e.qty)-qty[p], avg[p])
		}
	}
	if err := insertAll(ctx, moves, client.MouvementStock.CreateBulk); err != nil {
		return 0, fmt.Errorf("stock movements: %w", err)
	}

	used := make([]*ent.InterventionPieceCreate, 0, len(order))
	for _, l := range order {
		if lines[l] > 0 {
			used = append(used, client.InterventionPiece.Create().SetInterventionID(l.iv).SetPieceID(pieces[l.piece].ID).
				SetQuantite(lines[l]).SetPrixUnitaireCentimes(pieces[l.piece].PrixUnitaireCentimes))
		}
	}
	if err := insertAll(ctx, used, client.InterventionPiece.CreateBulk); err != nil {
		return 0, fmt.Errorf("parts used on interventions: %w", err)
	}
	for i, p := range pieces {
		err := client.Piece.UpdateOne(p).SetQuantite(qty[i]).SetCoutMoyenCentimes(avg[i]).
			SetAlerteStock(qty[i] < p.SeuilAlerte).Exec(ctx)
		if err != nil {
			return 0, fmt.Errorf("stock of part %s: %w", p.Reference, err)
		}
	}
	return len(moves), nil
}
