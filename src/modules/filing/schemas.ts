import { z } from 'zod';
import {
  cnPhoneSchema,
  customsCodeSchema,
  idNumberSchema,
  regionCodeSchema,
  usccSchemaWith,
} from '../../kernel/codes/zod.js';
import { passwordSchema } from '../identity/port.js';
import { FILING_ROLES, FILING_STATUSES } from './model.js';

/** Input schemas of the filing module: the one validation path for the HTTP API and the web form. */

const contact = z.strictObject({
  name: z.string().trim().min(1).max(50),
  phone: cnPhoneSchema,
  email: z.email().max(100).optional(),
});

const roles = z
  .array(z.enum(FILING_ROLES))
  .min(1)
  .refine((r) => new Set(r).size === r.length, { error: '角色重复 / duplicate roles' });

const filingFields = {
  customsCode: customsCodeSchema.optional(),
  nameCn: z.string().trim().min(2).max(200),
  nameEn: z.string().trim().min(1).max(300).optional(),
  legalRepresentative: z.strictObject({ name: z.string().trim().min(1).max(50), idNumber: idNumberSchema.optional() }),
  registeredAddress: z.string().trim().min(5).max(300),
  regionCode: regionCodeSchema,
  contacts: z.array(contact).min(1).max(5),
  /** The enterprise's data-exchange (DXP) user id, e.g. DXPENT0000458763. */
  dxpId: z
    .string()
    .trim()
    .regex(/^DXP[A-Z0-9]{3,27}$/, {
      error:
        'DXP 编号格式应为 DXP 加 3–27 位大写字母或数字 / A DXP id is DXP followed by 3–27 capital letters or digits',
    })
    .optional(),
  roles,
};

export const accountSchema = z.strictObject({
  username: z
    .string()
    .trim()
    .regex(/^[A-Za-z0-9._@-]{3,64}$/, {
      error: '用户名为 3–64 位字母、数字或 . _ @ - / A username has 3–64 letters, digits or . _ @ -',
    }),
  password: passwordSchema,
  displayName: z.string().trim().min(1).max(100).optional(),
});

/** A new filing. `isException` admits codes on the operator's legacy-USCC exception list. */
export function filingSchema(isException: (uscc: string) => boolean) {
  return z.strictObject({ uscc: usccSchemaWith(isException), ...filingFields, account: accountSchema.optional() });
}
export const resubmissionSchema = z.strictObject(filingFields);
export const changeRequestSchema = z
  .strictObject({
    customsCode: filingFields.customsCode,
    nameCn: filingFields.nameCn.optional(),
    nameEn: filingFields.nameEn,
    legalRepresentative: filingFields.legalRepresentative.optional(),
    registeredAddress: filingFields.registeredAddress.optional(),
    regionCode: regionCodeSchema.optional(),
    contacts: filingFields.contacts.optional(),
    dxpId: filingFields.dxpId,
    roles: roles.optional(),
  })
  .refine((c) => Object.values(c).some((v) => v !== undefined), {
    error: '请至少填写一项变更 / give at least one change',
  });

export type FilingInput = z.infer<ReturnType<typeof filingSchema>>;
export type ResubmissionInput = z.infer<typeof resubmissionSchema>;
export type ChangeRequestInput = z.infer<typeof changeRequestSchema>;

export const enterpriseViewSchema = z.object({
  uscc: z.string(),
  customsCode: z.string().nullable(),
  nameCn: z.string(),
  nameEn: z.string().nullable(),
  legalRepresentative: z.object({ name: z.string(), idNumberMasked: z.string().nullable() }),
  registeredAddress: z.string(),
  regionCode: z.string(),
  contacts: z.array(z.object({ name: z.string(), phoneMasked: z.string(), email: z.string().nullable() })),
  dxpId: z.string().nullable(),
  roles: z.array(z.enum(FILING_ROLES)),
  status: z.enum(FILING_STATUSES),
  statusReason: z.string().nullable(),
  pendingChange: z.record(z.string(), z.unknown()).nullable(),
  originZone: z.string().nullable(),
  /** Every message of this enterprise must be signed (加签). */
  requireSignature: z.boolean(),
  version: z.number(),
  submittedAt: z.string(),
  approvedAt: z.string().nullable(),
  updatedAt: z.string(),
});
export type EnterpriseView = z.infer<typeof enterpriseViewSchema>;

export const signedRecordSchema = z.strictObject({
  record: z.strictObject({
    schema: z.literal('cbec-zone/filing-record/v1'),
    zone: z.strictObject({ code: z.string().min(2).max(32), name: z.string().max(200) }),
    issuedAt: z.string().max(40),
    enterprise: z.strictObject({
      uscc: z.string().length(18),
      customsCode: z.string().max(10).nullable(),
      nameCn: z.string().min(1).max(200),
      nameEn: z.string().max(300).nullable(),
      legalRepName: z.string().min(1).max(100),
      registeredAddress: z.string().min(1).max(300),
      regionCode: z.string().length(6),
      dxpId: z.string().max(30).nullable(),
      roles: z.array(z.enum(FILING_ROLES)).min(1),
      status: z.literal('approved'),
      approvedAt: z.string().max(40),
      version: z.number().int().positive(),
    }),
  }),
  signature: z.strictObject({
    alg: z.literal('SM2-SM3'),
    keyId: z.string().max(32),
    value: z.string().regex(/^[0-9a-f]{128}$/i),
  }),
});
export type SignedRecord = z.infer<typeof signedRecordSchema>;
