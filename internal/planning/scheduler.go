package planning

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"time"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/trace"
	"golang.org/x/sync/errgroup"

	"github.com/mifmaroc/erp/ent"
	"github.com/mifmaroc/erp/ent/intervention"
	entplanning "github.com/mifmaroc/erp/ent/planning"
	"github.com/mifmaroc/erp/ent/schedulerrun"
	"github.com/mifmaroc/erp/internal/auth"
	"github.com/mifmaroc/erp/internal/domain"
	interv "github.com/mifmaroc/erp/internal/intervention"
	"github.com/mifmaroc/erp/internal/localtime"
	"github.com/mifmaroc/erp/internal/pubsub"
	"github.com/mifmaroc/erp/internal/tracing"
	"github.com/mifmaroc/erp/internal/viewer"
)

// Runner creates the interventions of due plannings. A run is idempotent: the unique key
// (planning, occurrence) of interventions makes a second creation impossible, and each
// planning's dates move on in the same transaction as its intervention, guarded by their old
// value. Runs may therefore overlap, repeat, or race on several replicas.
type Runner struct {
	Client *ent.Client
	// Interventions opens, assigns and announces the work (and gives its SLA).
	Interventions *interv.Service
	Now           func() time.Time
	Log           *slog.Logger
	// Zone is the wall clock the plannings recur on and their texts are written in
	// (APP_TIMEZONE).
	Zone localtime.Zone
	// Batch is how many due plannings are read at a time (default 500).
	Batch int
	// Events receives the live events of created interventions (nil: none).
	Events *pubsub.Bus
	// Workers is how many plannings are handled at once, each in its own transaction
	// (default 4): commits wait on the disk, so a few in parallel go much faster.
	Workers int
	// Tracer opens a span per run (nil: none).
	Tracer trace.Tracer
}

// outcome of one planning in a run.
type outcome int

const (
	created outcome = iota
	skipped
)

// maxErrorLines bounds the error detail kept in a run record.
const maxErrorLines = 20

// Run creates one intervention for every active planning due at the runner's now, then
// records and returns the run. trigger is schedulerrun.DeclencheurPLANIFIE or MANUEL.
// When ctx ends (shutdown), the run starts no new planning, lets those started commit, and
// records itself with what it did; the plannings left are due at the next run.
func (r *Runner) Run(ctx context.Context, trigger schedulerrun.Declencheur) (*ent.SchedulerRun, error) {
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("preventive scheduler run not started: %w", err)
	}
	ctx, span := tracing.Or(r.Tracer).Start(ctx, "scheduler.run", trace.WithAttributes(attribute.String("scheduler.trigger", string(trigger))))
	defer span.End()
	work := context.WithoutCancel(ctx)
	sys := viewer.SystemContext(work)
	start, wall := r.Now(), time.Now()
	system, err := auth.EnsureSystemUser(work, r.Client)
	if err != nil {
		return nil, err
	}
	batch := r.Batch
	if batch <= 0 {
		batch = 500
	}
	workers := r.Workers
	if workers <= 0 {
		workers = 4
	}
	r.Log.InfoContext(ctx, "preventive scheduler run started", "trigger", trigger, "now", start)
	var (
		due, made, skip int
		failures        []string
		lastID          int
		interrupted     bool
	)
	for !interrupted {
		ps, err := r.Client.Planning.Query().
			Where(entplanning.StatutEQ(domain.PlanningActif), entplanning.ProchaineDateLTE(start), entplanning.IDGT(lastID),
				entplanning.DeclencheurNEQ(entplanning.DeclencheurCOMPTEUR)).
			Order(ent.Asc(entplanning.FieldID)).
			WithTechnicien(func(q *ent.TechnicienQuery) { q.WithUser() }). // CanTakeWork reads the account
			Limit(batch).
			All(sys)
		if err != nil {
			return nil, fmt.Errorf("reading due plannings: %w", err)
		}
		var (
			mu sync.Mutex
			g  errgroup.Group
		)
		g.SetLimit(workers)
		for _, p := range ps {
			if ctx.Err() != nil {
				interrupted = true
				break
			}
			due++
			lastID = p.ID
			g.Go(func() error {
				o, err := r.runOne(sys, p, start, system.ID)
				mu.Lock()
				defer mu.Unlock()
				switch {
				case err != nil:
					failures = append(failures, fmt.Sprintf("planning %d: %s", p.ID, failure(err)))
					if _, ok := domain.AsError(err); ok {
						r.Log.WarnContext(ctx, "preventive scheduler: planning refused", "planning_id", p.ID, "error", err)
					} else {
						r.Log.ErrorContext(ctx, "preventive scheduler: planning failed", "planning_id", p.ID, "error", err)
					}
				case o == created:
					made++
				default:
					skip++
				}
				return nil
			})
		}
		_ = g.Wait() // each planning's error is recorded above; none stops the run
		if len(ps) < batch {
			break
		}
	}
	if !interrupted {
		d, m, f := r.runCompteurs(sys, start, system.ID)
		due, made, failures = due+d, made+m, append(failures, f...)
	}
	detail := strings.Join(failures[:min(len(failures), maxErrorLines)], "\n")
	if len(failures) > maxErrorLines {
		detail += fmt.Sprintf("\n… and %d more", len(failures)-maxErrorLines)
	}
	if interrupted {
		detail = strings.TrimPrefix(detail+"\ninterrupted by a shutdown: the plannings left wait for the next run", "\n")
		r.Log.WarnContext(ctx, "preventive scheduler run interrupted by a shutdown", "handled", due)
	}
	elapsed := time.Since(wall)
	run, err := r.Client.SchedulerRun.Create().
		SetDeclencheur(trigger).
		SetStartedAt(start).
		SetFinishedAt(start.Add(elapsed)).
		SetDurationMs(elapsed.Milliseconds()).
		SetDue(due).
		SetCreated(made).
		SetSkipped(skip).
		SetErrors(len(failures)).
		SetErrorDetail(detail).
		Save(sys)
	if err != nil {
		return nil, fmt.Errorf("recording the scheduler run: %w", err)
	}
	span.SetAttributes(attribute.Int("scheduler.due", due), attribute.Int("scheduler.created", made), attribute.Int("scheduler.errors", len(failures)))
	r.Log.InfoContext(ctx, "preventive scheduler run finished", "trigger", trigger, "due", due, "created", made,
		"skipped", skip, "errors", len(failures), "duration_ms", elapsed.Milliseconds())
	return run, nil
}

// failure is what a run record says of a planning's error: the message of the API's own
// errors; of others (the database's, whose text may hold internals), only that it failed.
func failure(err error) string {
	if e, ok := domain.AsError(err); ok {
		return e.Message
	}
	return "failed; the server's log has the cause"
}

// runOne creates the intervention of p's latest due occurrence (one, however many periods
// were missed) unless it exists, and moves p's dates past now, in one transaction.
func (r *Runner) runOne(ctx context.Context, p *ent.Planning, now time.Time, systemID int) (outcome, error) {
	if !InBounds(p.Frequence, p.Intervalle) {
		return skipped, domain.Errorf(domain.CodeBadUserInput,
			"intervalle %d (frequence %s) is outside 1 to %d: correct the planning", p.Intervalle, p.Frequence, domain.MaxIntervalle)
	}
	anchor := anchorOf(p, r.Zone)
	occ, ok := LatestDue(anchor, p.Frequence, p.Intervalle, now)
	if !ok || occ.Before(p.ProchaineDate) {
		// prochaine_date is off the anchor's grid (moved by hand): it is the occurrence due.
		occ = p.ProchaineDate
	}
	next := Next(anchor, p.Frequence, p.Intervalle, now)
	if p.Flottant {
		occ, next = floatingDates(p, r.Zone, now)
	}

	result := skipped
	var events []pubsub.Event
	err := r.inTx(ctx, &events, func(tx *ent.Client) error {
		if p.Flottant {
			if open, err := hasOpenOccurrence(ctx, tx, p.ID); err != nil || open {
				return err // its dates wait for the closure
			}
		}
		var made bool
		var err error
		if events, made, err = r.createOnce(ctx, tx, p, occ, now, systemID); err != nil {
			return err
		}
		if made {
			if err := restartCompteur(ctx, tx, p); err != nil {
				return err
			}
			result = created
		}
		n, err := tx.Planning.Update().
			Where(entplanning.ID(p.ID), entplanning.ProchaineDate(p.ProchaineDate)).
			SetDerniereDate(occ).
			SetProchaineDate(next).
			Save(ctx)
		if err != nil {
			return err
		}
		if n == 0 {
			return errHandledElsewhere
		}
		return nil
	})
	return r.settle(result, err)
}

// inTx runs write in a transaction that also writes the live events write leaves in
// *events: they exist exactly when its work committed.
func (r *Runner) inTx(ctx context.Context, events *[]pubsub.Event, write func(tx *ent.Client) error) error {
	return r.Events.Collect(ctx, r.Client, events, write)
}

var errHandledElsewhere = errors.New("planning handled by another run")

// create writes the preventive intervention of occurrence occ as the intervention service
// opens and assigns any other (history, notifications), assigned to the planning's technician
// when he can take work, announced to the responsables otherwise; it returns the live events
// to publish after commit.
// createOnce creates p's work order for occurrence occ unless it exists (made false): one
// work order per occurrence, whatever triggered it (the calendar or a meter), and the unique
// key (planning, échéance) settles a race between replicas.
func (r *Runner) createOnce(ctx context.Context, tx *ent.Client, p *ent.Planning, occ, now time.Time, systemID int) ([]pubsub.Event, bool, error) {
	exists, err := tx.Intervention.Query().
		Where(intervention.PlanningID(p.ID), intervention.DateEcheance(occ)).
		Exist(ctx)
	if err != nil || exists {
		return nil, false, err
	}
	events, err := r.create(ctx, tx, p, occ, now, systemID)
	return events, err == nil, err
}

func (r *Runner) create(ctx context.Context, tx *ent.Client, p *ent.Planning, occ, now time.Time, systemID int) ([]pubsub.Event, error) {
	c := tx.Intervention.Create().
		SetTitre(p.Titre).
		SetDescription(p.Description).
		SetType(domain.TypePreventive).
		SetPriorite(p.Priorite).
		SetNillableDureeEstimee(p.DureeEstimee).
		SetEquipementID(p.EquipementID).
		SetPlanningID(p.ID).
		SetDateEcheance(occ).
		SetDatePrevue(occ).
		SetNillableDateLimite(r.Interventions.SLA.Deadline(occ, p.Priorite)).
		SetDemandeurID(systemID)
	remarque := fmt.Sprintf("créée par le planning préventif %d, échéance le %s", p.ID, r.Zone.DateTime(occ))
	iv, err := interv.Open(ctx, tx, c, systemID, now, remarque)
	if err != nil {
		return nil, err
	}
	events := []pubsub.Event{interv.Opened(iv, systemID)}
	tech := p.Edges.Technicien
	if tech == nil || interv.CanTakeWork(tech, false) != nil {
		// Nobody, or nobody present: the work waits for a dispatcher.
		sent, err := r.Interventions.AnnounceTx(ctx, tx, iv)
		return append(events, sent...), err
	}
	w, err := r.Interventions.AssignTx(ctx, tx, iv, tech, systemID, now, "technicien par défaut du planning")
	return append(events, w.Events...), err
}
