/**
 * Filing as other modules see it: the filed parties and their roles. Import from here, never from filing's files
 * (test/unit/module-boundaries.test.ts).
 */
export { FILING_ROLE_NAMES, FILING_ROLES, type FilingRole } from './model.js';
export { type FiledParty, FilingService } from './service.js';
