/**
 * Identity as other modules see it: the users' service and the password rule. Import from here, never from
 * identity's files (test/unit/module-boundaries.test.ts).
 */
export { passwordSchema } from './model.js';
export { IdentityService } from './service.js';
