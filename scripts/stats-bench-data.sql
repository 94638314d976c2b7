-- Downtime and time entries for the maintenanceStats benchmark, on a database filled by
-- `erp seed --size large` (which writes neither): every other started and closed corrective
-- intervention declared its equipment stopped from its start (the seed sets dateAffectation,
-- not dateDebut) to its closure, one equipment
-- in ten has a stop still running, and every assigned intervention has one time entry at its
-- technician's rate. Run it once: psql "$DATABASE_URL" -f scripts/stats-bench-data.sql
BEGIN;
INSERT INTO arret_equipements (created_at, updated_at, debut, fin, equipement_id, intervention_id)
SELECT COALESCE(date_debut, date_affectation), date_cloture, COALESCE(date_debut, date_affectation), date_cloture, equipement_id, id
FROM interventions
WHERE type = 'CORRECTIVE' AND COALESCE(date_debut, date_affectation) IS NOT NULL AND date_cloture IS NOT NULL
  AND date_cloture > COALESCE(date_debut, date_affectation) AND equipement_id IS NOT NULL AND id % 2 = 0;
INSERT INTO arret_equipements (created_at, updated_at, debut, equipement_id)
SELECT now() - interval '3 days', now() - interval '3 days', now() - interval '3 days', id
FROM equipements WHERE id % 10 = 0;
UPDATE interventions SET arret_equipement = true
WHERE id IN (SELECT intervention_id FROM arret_equipements WHERE intervention_id IS NOT NULL);
INSERT INTO temps_passes (created_at, updated_at, debut, fin, duree_minutes, taux_horaire_centimes,
                          intervention_id, technicien_id, user_id)
SELECT s.debut, s.debut, s.debut, s.debut + make_interval(mins => 30 + (i.id % 210)::int),
       30 + (i.id % 210)::int, t.taux_horaire_centimes, i.id, t.id, t.user_id
FROM interventions i JOIN techniciens t ON t.id = i.technicien_id
CROSS JOIN LATERAL (SELECT COALESCE(i.date_debut, i.date_affectation) AS debut) s
WHERE s.debut IS NOT NULL;
COMMIT;
ANALYZE arret_equipements;
ANALYZE temps_passes;
ANALYZE interventions;
