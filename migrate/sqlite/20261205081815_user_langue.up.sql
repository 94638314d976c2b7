-- disable the enforcement of foreign-keys constraints
PRAGMA foreign_keys = off;
BEGIN;
-- create "new_users" table
CREATE TABLE `new_users` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `created_at` datetime NOT NULL, `updated_at` datetime NOT NULL, `email` text NOT NULL, `username` text NULL, `nom_complet` text NULL, `telephone` text NULL, `password_hash` text NOT NULL, `role` text NOT NULL, `is_active` bool NOT NULL DEFAULT (true), `email_notifications` bool NOT NULL DEFAULT (true), `failed_login_attempts` integer NOT NULL DEFAULT (0), `locked_until` datetime NULL, `password_changed_at` datetime NULL, `last_login_at` datetime NULL, `token_version` integer NOT NULL DEFAULT (0), `last_failed_login_at` datetime NULL, `deleted_at` datetime NULL, `must_change_password` bool NOT NULL DEFAULT (false), `langue` text NOT NULL DEFAULT ('FR'), `societe_id` integer NULL, CONSTRAINT `users_societes_users` FOREIGN KEY (`societe_id`) REFERENCES `societes` (`id`) ON DELETE SET NULL);
-- set sequence for "new_users" table
INSERT INTO sqlite_sequence (name, seq) VALUES ("new_users", 51539607552);
-- copy rows from old table "users" to new temporary table "new_users"
INSERT INTO `new_users` (`id`, `created_at`, `updated_at`, `email`, `username`, `nom_complet`, `telephone`, `password_hash`, `role`, `is_active`, `email_notifications`, `failed_login_attempts`, `locked_until`, `password_changed_at`, `last_login_at`, `token_version`, `last_failed_login_at`, `deleted_at`, `must_change_password`, `societe_id`) SELECT `id`, `created_at`, `updated_at`, `email`, `username`, `nom_complet`, `telephone`, `password_hash`, `role`, `is_active`, `email_notifications`, `failed_login_attempts`, `locked_until`, `password_changed_at`, `last_login_at`, `token_version`, `last_failed_login_at`, `deleted_at`, `must_change_password`, `societe_id` FROM `users`;
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
PRAGMA foreign_key_check;
COMMIT;
-- enable back the enforcement of foreign-keys constraints
PRAGMA foreign_keys = on;
