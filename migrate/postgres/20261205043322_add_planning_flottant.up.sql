-- modify "plannings" table
ALTER TABLE "plannings" ADD COLUMN "flottant" boolean NOT NULL DEFAULT false;
