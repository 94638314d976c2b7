-- disable the enforcement of foreign-keys constraints
PRAGMA foreign_keys = off;
BEGIN;
-- create "new_notifications" table
CREATE TABLE `new_notifications` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `created_at` datetime NOT NULL, `updated_at` datetime NOT NULL, `type` text NOT NULL, `canal` text NOT NULL DEFAULT ('EMAIL'), `sujet` text NOT NULL, `message` text NOT NULL, `lu` bool NOT NULL DEFAULT (false), `date_lecture` datetime NULL, `statut_envoi` text NOT NULL DEFAULT ('EN_ATTENTE'), `tentatives` integer NOT NULL DEFAULT (0), `derniere_erreur` text NULL, `prochaine_tentative` datetime NULL, `date_envoi` datetime NULL, `compte` bool NOT NULL DEFAULT (false), `intervention_id` integer NULL, `user_id` integer NOT NULL, CONSTRAINT `notifications_interventions_notifications` FOREIGN KEY (`intervention_id`) REFERENCES `interventions` (`id`) ON DELETE SET NULL, CONSTRAINT `notifications_users_notifications` FOREIGN KEY (`user_id`) REFERENCES `users` (`id`) ON DELETE NO ACTION);
-- set sequence for "new_notifications" table
INSERT INTO sqlite_sequence (name, seq) VALUES ("new_notifications", 30064771072);
-- copy rows from old table "notifications" to new temporary table "new_notifications"
INSERT INTO `new_notifications` (`id`, `created_at`, `updated_at`, `type`, `canal`, `sujet`, `message`, `lu`, `date_lecture`, `statut_envoi`, `tentatives`, `derniere_erreur`, `prochaine_tentative`, `date_envoi`, `intervention_id`, `user_id`) SELECT `id`, `created_at`, `updated_at`, `type`, `canal`, `sujet`, `message`, `lu`, `date_lecture`, `statut_envoi`, `tentatives`, `derniere_erreur`, `prochaine_tentative`, `date_envoi`, `intervention_id`, `user_id` FROM `notifications`;
-- drop "notifications" table after copying rows
DROP TABLE `notifications`;
-- rename temporary table "new_notifications" to "notifications"
ALTER TABLE `new_notifications` RENAME TO `notifications`;
-- create index "notification_created_at" to table: "notifications"
CREATE INDEX `notification_created_at` ON `notifications` (`created_at`);
-- create index "notification_user_id_lu" to table: "notifications"
CREATE INDEX `notification_user_id_lu` ON `notifications` (`user_id`, `lu`);
-- create index "notification_statut_envoi_prochaine_tentative" to table: "notifications"
CREATE INDEX `notification_statut_envoi_prochaine_tentative` ON `notifications` (`statut_envoi`, `prochaine_tentative`);
-- create index "notification_intervention_id" to table: "notifications"
CREATE INDEX `notification_intervention_id` ON `notifications` (`intervention_id`);
-- create "new_users" table
CREATE TABLE `new_users` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `created_at` datetime NOT NULL, `updated_at` datetime NOT NULL, `email` text NOT NULL, `username` text NULL, `nom_complet` text NULL, `telephone` text NULL, `password_hash` text NOT NULL, `role` text NOT NULL, `is_active` bool NOT NULL DEFAULT (true), `email_notifications` bool NOT NULL DEFAULT (true), `failed_login_attempts` integer NOT NULL DEFAULT (0), `locked_until` datetime NULL, `password_changed_at` datetime NULL, `last_login_at` datetime NULL, `token_version` integer NOT NULL DEFAULT (0), `last_failed_login_at` datetime NULL, `deleted_at` datetime NULL, `must_change_password` bool NOT NULL DEFAULT (false), `societe_id` integer NULL, CONSTRAINT `users_societes_users` FOREIGN KEY (`societe_id`) REFERENCES `societes` (`id`) ON DELETE SET NULL);
-- set sequence for "new_users" table
INSERT INTO sqlite_sequence (name, seq) VALUES ("new_users", 51539607552);
-- copy rows from old table "users" to new temporary table "new_users"
INSERT INTO `new_users` (`id`, `created_at`, `updated_at`, `email`, `username`, `nom_complet`, `telephone`, `password_hash`, `role`, `is_active`, `email_notifications`, `failed_login_attempts`, `locked_until`, `password_changed_at`, `last_login_at`, `token_version`, `last_failed_login_at`, `deleted_at`, `societe_id`) SELECT `id`, `created_at`, `updated_at`, `email`, `username`, `nom_complet`, `telephone`, `password_hash`, `role`, `is_active`, `email_notifications`, `failed_login_attempts`, `locked_until`, `password_changed_at`, `last_login_at`, `token_version`, `last_failed_login_at`, `deleted_at`, `societe_id` FROM `users`;
-- drop "users" table after copying rows
DROP TABLE `users`;
-- rename temporary table "new_users" to "users"
ALTER TABLE `new_users` RENAME TO `users`;
-- create index "users_email_key" to table: "users"
CREATE UNIQUE INDEX `users_email_key` ON `users` (`email`);
-- create index "user_created_at" to table: "users"
CREATE INDEX `user_created_at` ON `users` (`created_at`);
-- create index "user_role_is_active" to table: "users"
CREATE INDEX `user_role_is_active` ON `users` (`role`, `is_active`);
-- create index "user_societe_id" to table: "users"
CREATE INDEX `user_societe_id` ON `users` (`societe_id`);
-- create "idempotency_keys" table
CREATE TABLE `idempotency_keys` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `created_at` datetime NOT NULL, `updated_at` datetime NOT NULL, `key` text NOT NULL, `request_hash` text NOT NULL, `status` integer NULL, `response` blob NULL, `content_type` text NULL, `expires_at` datetime NOT NULL, `user_id` integer NOT NULL, CONSTRAINT `idempotency_keys_users_idempotency_keys` FOREIGN KEY (`user_id`) REFERENCES `users` (`id`) ON DELETE NO ACTION);
-- set sequence for "idempotency_keys" table
INSERT INTO sqlite_sequence (name, seq) VALUES ("idempotency_keys", 73014444032);
-- create index "idempotencykey_created_at" to table: "idempotency_keys"
CREATE INDEX `idempotencykey_created_at` ON `idempotency_keys` (`created_at`);
-- create index "idempotencykey_user_id_key" to table: "idempotency_keys"
CREATE UNIQUE INDEX `idempotencykey_user_id_key` ON `idempotency_keys` (`user_id`, `key`);
-- create index "idempotencykey_expires_at" to table: "idempotency_keys"
CREATE INDEX `idempotencykey_expires_at` ON `idempotency_keys` (`expires_at`);
-- create "password_resets" table
CREATE TABLE `password_resets` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `created_at` datetime NOT NULL, `updated_at` datetime NOT NULL, `token_hash` text NOT NULL, `expires_at` datetime NOT NULL, `used_at` datetime NULL, `ip` text NULL, `user_id` integer NOT NULL, CONSTRAINT `password_resets_users_password_resets` FOREIGN KEY (`user_id`) REFERENCES `users` (`id`) ON DELETE NO ACTION);
-- set sequence for "password_resets" table
INSERT INTO sqlite_sequence (name, seq) VALUES ("password_resets", 77309411328);
-- create index "password_resets_token_hash_key" to table: "password_resets"
CREATE UNIQUE INDEX `password_resets_token_hash_key` ON `password_resets` (`token_hash`);
-- create index "passwordreset_created_at" to table: "password_resets"
CREATE INDEX `passwordreset_created_at` ON `password_resets` (`created_at`);
-- create index "passwordreset_user_id_created_at" to table: "password_resets"
CREATE INDEX `passwordreset_user_id_created_at` ON `password_resets` (`user_id`, `created_at`);
PRAGMA foreign_key_check;
COMMIT;
-- enable back the enforcement of foreign-keys constraints
PRAGMA foreign_keys = on;
