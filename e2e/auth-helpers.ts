// Shared by the auth e2e specs: the demo tenants' ids (the database client is
// appDatabase in ./db).

export const TENANTS = {
  acme: '11111111-1111-4111-8111-111111111111',
  globex: '22222222-2222-4222-8222-222222222222',
} as const;
