-- reverse: create index "passwordreset_user_id_created_at" to table: "password_resets"
DROP INDEX `passwordreset_user_id_created_at`;
-- reverse: create index "passwordreset_created_at" to table: "password_resets"
DROP INDEX `passwordreset_created_at`;
-- reverse: create index "password_resets_token_hash_key" to table: "password_resets"
DROP INDEX `password_resets_token_hash_key`;
-- reverse: set sequence for "password_resets" table
UPDATE sqlite_sequence SET seq = 0 WHERE name = "password_resets";
-- reverse: create "password_resets" table
DROP TABLE `password_resets`;
-- reverse: create index "idempotencykey_expires_at" to table: "idempotency_keys"
DROP INDEX `idempotencykey_expires_at`;
-- reverse: create index "idempotencykey_user_id_key" to table: "idempotency_keys"
DROP INDEX `idempotencykey_user_id_key`;
-- reverse: create index "idempotencykey_created_at" to table: "idempotency_keys"
DROP INDEX `idempotencykey_created_at`;
-- reverse: set sequence for "idempotency_keys" table
UPDATE sqlite_sequence SET seq = 0 WHERE name = "idempotency_keys";
-- reverse: create "idempotency_keys" table
DROP TABLE `idempotency_keys`;
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
-- reverse: create index "notification_intervention_id" to table: "notifications"
DROP INDEX `notification_intervention_id`;
-- reverse: create index "notification_statut_envoi_prochaine_tentative" to table: "notifications"
DROP INDEX `notification_statut_envoi_prochaine_tentative`;
-- reverse: create index "notification_user_id_lu" to table: "notifications"
DROP INDEX `notification_user_id_lu`;
-- reverse: create index "notification_created_at" to table: "notifications"
DROP INDEX `notification_created_at`;
-- reverse: set sequence for "new_notifications" table
UPDATE sqlite_sequence SET seq = 0 WHERE name = "new_notifications";
-- reverse: create "new_notifications" table
DROP TABLE `new_notifications`;
