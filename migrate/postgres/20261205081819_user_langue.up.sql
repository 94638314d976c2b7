-- modify "users" table
ALTER TABLE "users" ADD COLUMN "langue" character varying NOT NULL DEFAULT 'FR';
