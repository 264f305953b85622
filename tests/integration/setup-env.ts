import { inject } from 'vitest';

// lib/db.ts reads DATABASE_URL when first imported.
process.env.DATABASE_URL = inject('databaseUrl');
process.env.TTFS_DB_ENGINE = inject('engine');
