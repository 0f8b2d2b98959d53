// Test messages: the platform's example builders (src/modules/declaration/examples.ts).
export * from '../../src/modules/declaration/examples.js';
