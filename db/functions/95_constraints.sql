-- Constraints that call functions of this directory. Migrations run before the function files,
-- so a migration cannot add them on a fresh database; this file runs last, once the functions
-- exist (on Citus, once 90_engine.sql has registered them on every node). Each step adds what is
-- missing and does nothing on a database that has it.

SELECT scheduler.ttfs_bound_image_patterns();
