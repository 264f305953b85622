-- 0006: the delta tables are emptied by every fold (every few seconds): vacuum
-- them after a fixed number of dead rows instead of a share of a table that is
-- nearly always empty, so scans of pending deltas stay cheap.
ALTER TABLE scheduler.ttfs_rollup_cells_delta SET (autovacuum_vacuum_scale_factor = 0, autovacuum_vacuum_threshold = 5000, autovacuum_vacuum_cost_delay = 0);
ALTER TABLE scheduler.ttfs_rollup_buckets_delta SET (autovacuum_vacuum_scale_factor = 0, autovacuum_vacuum_threshold = 20000, autovacuum_vacuum_cost_delay = 0);
