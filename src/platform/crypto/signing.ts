import { eq } from 'drizzle-orm';
import { sm2, sm3 } from 'sm-crypto-v2';
import type { Database } from '../db/client.js';
import type { PersonalInfoCipher } from './personal-info.js';
import { platformKeys } from './schema.js';
import { sm2Sign } from './sm2.js';

// SM2 signing and verification: native OpenSSL when the addon built, pure JS otherwise (./sm2.ts).
export { sm2Sign, sm2Verify } from './sm2.js';

export function keyIdOf(publicKeyHex: string): string {
  return sm3(publicKeyHex.toLowerCase()).slice(0, 16);
}

export type PlatformSigner = { keyId: string; publicKey: string; sign(message: string): string };

/**
 * The platform's SM2 key pair for a purpose, created on first start. The private key is kept SM4-encrypted
 * with the platform data key.
 */
export async function ensurePlatformKey(
  db: Database,
  cipher: PersonalInfoCipher,
  purpose: string,
): Promise<PlatformSigner> {
  let [row] = await db.select().from(platformKeys).where(eq(platformKeys.purpose, purpose));
  if (!row) {
    const kp = sm2.generateKeyPairHex();
    const keyId = keyIdOf(kp.publicKey);
    await db
      .insert(platformKeys)
      .values({
        keyId,
        purpose,
        algorithm: 'SM2',
        publicKey: kp.publicKey,
        privateKeyEnc: cipher.encrypt(kp.privateKey),
      })
      .onConflictDoNothing();
    [row] = await db.select().from(platformKeys).where(eq(platformKeys.purpose, purpose));
    if (!row) throw new Error('could not create the platform key');
  }
  const privateKey = cipher.decrypt(row.privateKeyEnc);
  const { keyId, publicKey } = row;
  return { keyId, publicKey, sign: (message) => sm2Sign(message, privateKey) };
}

export async function listPublicKeys(db: Database) {
  return db
    .select({
      keyId: platformKeys.keyId,
      purpose: platformKeys.purpose,
      algorithm: platformKeys.algorithm,
      publicKey: platformKeys.publicKey,
      createdAt: platformKeys.createdAt,
    })
    .from(platformKeys)
    .where(eq(platformKeys.active, true));
}
