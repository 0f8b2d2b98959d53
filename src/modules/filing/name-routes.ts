import { z } from 'zod';
import type { App } from '../../platform/http/app.js';
import { only, ROLES } from '../../platform/http/auth.js';
import type { FilingService } from './service.js';

/** The most codes one call resolves (a page of lists names at most four parties per list). */
export const MAX_NAME_CODES = 100;

const code = z
  .string()
  .trim()
  .toUpperCase()
  .regex(/^[0-9A-Z]{1,18}$/, {
    error: '企业代码为 1–18 位数字或大写字母 / An enterprise code has 1–18 digits or capital letters',
  });

const tags = ['filing 企业备案'];

/**
 * `GET /api/v1/enterprise-names`: the names of filed enterprises for codes shown on pages (review queue, lists, tax
 * bills, messages, credit …), for every signed-in person. Names of filed enterprises are public (一地备案、全国共享);
 * nothing else is told: not whether a filing is suspended or revoked, nor anything of its people.
 */
export function enterpriseNameRoutes(app: App, filing: FilingService): void {
  app.get(
    '/api/v1/enterprise-names',
    {
      config: { access: only(ROLES) },
      schema: {
        tags,
        summary: 'Names of filed enterprises by code (企业名称查询)',
        description:
          `Up to ${MAX_NAME_CODES} codes (\`code\`, repeated), each a USCC or a 10-character customs code. The ` +
          'answer holds the codes that name an enterprise filed here at some time (approved at least once), with its ' +
          'current approved names; any other code (unknown, or an application never approved) is left out, so that ' +
          'the answer tells nothing about filing states.',
        querystring: z.strictObject({
          // one code arrives as a string, several as an array
          code: z.preprocess((v) => (typeof v === 'string' ? [v] : v), z.array(code).min(1).max(MAX_NAME_CODES)),
        }),
        response: {
          200: z.object({
            items: z.array(z.object({ code: z.string(), nameCn: z.string(), nameEn: z.string().nullable() })),
          }),
        },
      },
    },
    async (req) => {
      const names = await filing.namesOf(req.query.code);
      return { items: [...names].map(([c, n]) => ({ code: c, ...n })) };
    },
  );
}
