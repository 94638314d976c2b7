-- reverse: modify "interventions" table
ALTER TABLE "interventions" DROP COLUMN "pieces_centimes", DROP COLUMN "main_oeuvre_minutes_taux", DROP COLUMN "premiere_fois", DROP COLUMN "date_annulation";
