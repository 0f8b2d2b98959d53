/**
 * The DxpMsg envelope of the data exchange's terminal node (终端节点, ceb-messages.md §2.4): the CEB XML, Base64
 * encoded, inside `<dxp:DxpMsg ver="1.0" xmlns:dxp="http://www.chinaport.gov.cn/dxp">` with TransInfo
 * (CopMsgId, SenderId, ReceiverIds/ReceiverId, CreatTime, MsgType).
 */
import type { CebError } from './codec.js';
import { DXP_NAMESPACE } from './definitions.generated.js';
import { escapeXml, parseXmlTree, type XmlElement } from './xml-tree.js';

export type DxpTransInfo = {
  copMsgId: string;
  senderId: string;
  receiverIds: string[];
  creatTime: string;
  msgType: string;
};

const DXP_ROOT = /^\uFEFF?\s*(<\?xml[^>]*\?>\s*)?(<!--[\s\S]*?-->\s*)*<([A-Za-z_][\w.-]*:)?DxpMsg[\s>/]/;

/** Whether the document's root element is a DxpMsg (looked at without parsing the whole body). */
export function isDxpMsg(body: Uint8Array | string): boolean {
  const head = typeof body === 'string' ? body.slice(0, 2048) : Buffer.from(body.subarray(0, 2048)).toString('utf8');
  return DXP_ROOT.test(head);
}

function child(el: XmlElement, name: string): XmlElement | undefined {
  return el.children.find((c) => c.local === name);
}

function err(path: string, zh: string, en: string, code: '0001' | '0002' = '0002'): { ok: false; errors: CebError[] } {
  return { ok: false, errors: [{ code, path, message: { zh, en } }] };
}

/** Opens the envelope: the inner CEB message bytes and the transfer information. Never throws. */
export function unwrapDxp(
  body: Uint8Array | string,
): { ok: true; inner: Buffer; transInfo: DxpTransInfo } | { ok: false; errors: CebError[] } {
  const tree = parseXmlTree(body);
  if (!tree.ok)
    return {
      ok: false,
      errors: [{ code: '0001', path: 'DxpMsg', line: tree.line, message: { zh: tree.messageZh, en: tree.message } }],
    };
  const root = tree.root;
  if (root.local !== 'DxpMsg' || root.ns !== DXP_NAMESPACE) {
    return err(
      'DxpMsg',
      `根元素应为 ${DXP_NAMESPACE} 命名空间的 DxpMsg`,
      `The root must be DxpMsg in namespace ${DXP_NAMESPACE}`,
    );
  }
  const ti = child(root, 'TransInfo');
  const data = child(root, 'Data');
  if (!ti) return err('DxpMsg/TransInfo', '缺少 TransInfo', 'TransInfo is missing');
  if (!data) return err('DxpMsg/Data', '缺少 Data', 'Data is missing');
  const get = (name: string) => child(ti, name)?.text.trim() ?? '';
  const transInfo: DxpTransInfo = {
    copMsgId: get('CopMsgId'),
    senderId: get('SenderId'),
    receiverIds: (child(ti, 'ReceiverIds')?.children ?? [])
      .filter((c) => c.local === 'ReceiverId')
      .map((c) => c.text.trim()),
    creatTime: get('CreatTime'),
    msgType: get('MsgType'),
  };
  for (const [name, value, max] of [
    ['CopMsgId', transInfo.copMsgId, 255],
    ['SenderId', transInfo.senderId, 16],
    ['MsgType', transInfo.msgType, 30],
  ] as const) {
    if (!value || value.length > max) {
      return err(
        `DxpMsg/TransInfo/${name}`,
        `${name} 缺失或超过 ${max} 个字符`,
        `${name} is missing or longer than ${max} characters`,
      );
    }
  }
  if (transInfo.receiverIds.length < 1 || transInfo.receiverIds.length > 5) {
    return err('DxpMsg/TransInfo/ReceiverIds', 'ReceiverId 应有 1–5 个', 'There must be 1 to 5 ReceiverId');
  }
  const b64 = data.text.replace(/\s+/g, '');
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(b64) || b64.length % 4 !== 0 || b64.length === 0) {
    return err('DxpMsg/Data', 'Data 不是合法的 Base64', 'Data is not valid Base64');
  }
  return { ok: true, inner: Buffer.from(b64, 'base64'), transInfo };
}

/** Wraps a CEB message for the data exchange. */
export function wrapDxp(innerXml: string | Uint8Array, t: DxpTransInfo): string {
  const data = Buffer.from(innerXml).toString('base64');
  const receivers = t.receiverIds.map((r) => `<dxp:ReceiverId>${escapeXml(r)}</dxp:ReceiverId>`).join('');
  return (
    '<?xml version="1.0" encoding="UTF-8"?>\n' +
    `<dxp:DxpMsg ver="1.0" xmlns:dxp="${DXP_NAMESPACE}" xmlns:ds="http://www.w3.org/2000/09/xmldsig#">` +
    `<dxp:TransInfo><dxp:CopMsgId>${escapeXml(t.copMsgId)}</dxp:CopMsgId><dxp:SenderId>${escapeXml(t.senderId)}</dxp:SenderId>` +
    `<dxp:ReceiverIds>${receivers}</dxp:ReceiverIds><dxp:CreatTime>${escapeXml(t.creatTime)}</dxp:CreatTime>` +
    `<dxp:MsgType>${escapeXml(t.msgType)}</dxp:MsgType></dxp:TransInfo><dxp:Data>${data}</dxp:Data></dxp:DxpMsg>`
  );
}
