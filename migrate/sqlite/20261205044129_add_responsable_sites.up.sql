BEGIN;
-- create "user_sites" table
CREATE TABLE `user_sites` (`user_id` integer NOT NULL, `emplacement_id` integer NOT NULL, PRIMARY KEY (`user_id`, `emplacement_id`), CONSTRAINT `user_sites_user_id` FOREIGN KEY (`user_id`) REFERENCES `users` (`id`) ON DELETE CASCADE, CONSTRAINT `user_sites_emplacement_id` FOREIGN KEY (`emplacement_id`) REFERENCES `emplacements` (`id`) ON DELETE CASCADE);
COMMIT;
