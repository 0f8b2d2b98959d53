/**
 * Reading a message exactly as received. The raw body holds personal information in clear (buyers' and payers'
 * ID numbers, phones, addresses), so every read states its purpose and is appended to the audit trail — who, role,
 * which message, whose, why — in the transaction that reads it: no entry, no body.
 */
import type { Actor, AuditTrail } from '../../platform/audit/audit.js';
import type { PersonalInfoCipher } from '../../platform/crypto/personal-info.js';
import type { Database } from '../../platform/db/client.js';
import { decodeBody } from './records.js';
import { declarationStore as store } from './store.js';

/** The audit action of a raw-body read (its domain: src/platform/audit/domains.ts). */
export const BODY_READ_ACTION = 'declaration.body-read';

export type BodyRead = { body: Buffer; format: string; type: string; senderUscc: string };

export class MessageBodies {
  constructor(
    private readonly db: Database,
    private readonly pi: PersonalInfoCipher,
    private readonly audit: AuditTrail,
  ) {}

  /**
   * The body of message `id` for a reader bound to `tenant` (its own messages only; null: customs and the platform
   * admin), audited with `purpose`. Null when there is no such message for this reader (nothing read, no entry).
   */
  async read(reader: Actor, tenant: string | null, id: string, purpose: string): Promise<BodyRead | null> {
    return this.db.transaction(async (tx) => {
      const m = await store.message(tx, id);
      if (!m || (tenant !== null && m.senderUscc !== tenant)) return null;
      await this.audit.append(tx, reader, {
        action: BODY_READ_ACTION,
        targetType: 'message',
        targetId: m.id,
        enterpriseUscc: m.senderUscc,
        summary: {
          sender: m.senderUscc,
          messageType: m.type,
          format: m.format,
          guid: m.guid,
          purpose,
          ...(reader.enterpriseUscc ? { readerEnterprise: reader.enterpriseUscc } : {}),
        },
      });
      return { body: decodeBody(this.pi, m.bodyEnc), format: m.format, type: m.type, senderUscc: m.senderUscc };
    });
  }
}
