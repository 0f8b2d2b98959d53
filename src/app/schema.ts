// Every table of the platform, re-exported for drizzle-kit (composition: platform/ itself knows no module).
// Each module owns its own tables; no module queries another's.
export * from '../modules/clearance/schema.js';
export * from '../modules/credit/schema.js';
export * from '../modules/declaration/schema.js';
export * from '../modules/filing/schema.js';
export * from '../modules/gateway/schema.js';
export * from '../modules/identity/schema.js';
export * from '../platform/audit/schema.js';
export * from '../platform/crypto/schema.js';
