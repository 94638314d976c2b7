-- reverse: create "contrat_equipements" table
DROP TABLE `contrat_equipements`;
-- reverse: create index "user_societe_id" to table: "users"
DROP INDEX `user_societe_id`;
-- reverse: create index "user_role_is_active" to table: "users"
DROP INDEX `user_role_is_active`;
-- reverse: create index "user_created_at" to table: "users"
DROP INDEX `user_created_at`;
-- reverse: create index "users_email_key" to table: "users"
DROP INDEX `users_email_key`;
-- reverse: set sequence for "new_users" table
UPDATE sqlite_sequence SET seq = 0 WHERE name = "new_users";
-- reverse: create "new_users" table
DROP TABLE `new_users`;
-- reverse: create index "societe_created_at" to table: "societes"
DROP INDEX `societe_created_at`;
-- reverse: create index "societes_code_key" to table: "societes"
DROP INDEX `societes_code_key`;
-- reverse: set sequence for "new_societes" table
UPDATE sqlite_sequence SET seq = 0 WHERE name = "new_societes";
-- reverse: create "new_societes" table
DROP TABLE `new_societes`;
-- reverse: create index "contrat_client_id" to table: "contrats"
DROP INDEX `contrat_client_id`;
-- reverse: create index "contrat_created_at" to table: "contrats"
DROP INDEX `contrat_created_at`;
-- reverse: create index "contrats_reference_key" to table: "contrats"
DROP INDEX `contrats_reference_key`;
-- reverse: set sequence for "new_contrats" table
UPDATE sqlite_sequence SET seq = 0 WHERE name = "new_contrats";
-- reverse: create "new_contrats" table
DROP TABLE `new_contrats`;
