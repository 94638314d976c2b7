ALTER TABLE "interventions" RESET (autovacuum_vacuum_scale_factor, autovacuum_analyze_scale_factor);
