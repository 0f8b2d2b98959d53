// Test messages: the platform's example builders (src/app/examples.ts).
export * from '../../src/app/examples.js';
