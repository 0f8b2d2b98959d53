/** Writes web/src/api/schema.gen.ts from the server's OpenAPI document (npm run gen:api). */
import { writeFileSync } from 'node:fs';
import { apiTypesSource, SCHEMA_FILE } from './api-types.js';

writeFileSync(SCHEMA_FILE, await apiTypesSource());
console.log(`wrote ${SCHEMA_FILE}`);
process.exit(0);
