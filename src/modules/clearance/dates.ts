/** Business dates moved to the kernel (src/kernel/time.ts). */
export * from '../../kernel/time.js';
