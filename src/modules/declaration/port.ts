/**
 * The declaration hub as other modules see it: what clearance, the gateway and the customs emulator need from the
 * hub, and nothing else. Import from here, never from the hub's files (test/unit/module-boundaries.test.ts).
 */

// ---- the messages: CEB codec, DxpMsg envelope, XSD ----
export {
  buildCeb,
  type CebError,
  type CebMessage,
  type CebRecord,
  DSIG_NAMESPACE,
  parseCeb,
} from './ceb/codec.js';
export type { CebMessageType } from './ceb/definitions.generated.js';
export { type DxpTransInfo, isDxpMsg, unwrapDxp, wrapDxp } from './ceb/dxp.js';
export { validateCebXml } from './ceb/xsd-validator.js';
// ---- the records and receipts ----
export {
  type DeclaredRecord,
  findDeclaredRecord,
  isBuyerOfDeclaredOrder,
  issueReceipts,
  type ListWithDocuments,
  listKeyOf,
  listsWithDocuments,
  messageXml,
  type ReceiptTarget,
  type ReceiptToIssue,
  setInventoryNumber,
  setInventoryNumbers,
  setRecordStatuses,
} from './documents.js';
export { cebTime, MESSAGE_SPECS, receiptRecord, text } from './model.js';
export { personHash } from './records.js';
// ---- the intake's listeners ----
export type { AcceptedRecords, IntakeListener } from './service.js';
// ---- signatures: the CEB message's and the DxpMsg envelope's ----
export { C14N_10 } from './signature/c14n.js';
export { type DxpSigner, signDxp, verifyDxp } from './signature/dxp-signature.js';
export { buildCebUnsigned, signatureRequired } from './signature/sign-message.js';
export { type CebSigningKey, DIGEST_METHOD, SIGNATURE_METHOD, signCeb } from './signature/xmldsig.js';
