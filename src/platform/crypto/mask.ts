/**
 * Masking of personal information for every output (API responses, exports, audit summaries). Characters are
 * counted as Unicode code points, so Chinese names and addresses mask correctly.
 */

/**
 * Keeps at most `head` leading and `tail` trailing characters and replaces the rest with '*', shrinking the kept
 * ends (the longer first, the tail on a tie) until at least `minHidden` characters are hidden.
 */
function keepEnds(value: string, head: number, tail: number, minHidden: number): string {
  const chars = [...value];
  const n = chars.length;
  let h = head;
  let t = tail;
  while (h + t > 0 && n - h - t < Math.min(minHidden, n)) {
    if (h > t) h--;
    else t--;
  }
  return chars.slice(0, h).join('') + '*'.repeat(n - h - t) + chars.slice(n - t).join('');
}

/** Identity number: first 6 (region) and last 4 at most; the birth date is always hidden: 620102********123X. */
export function maskIdNumber(id: string): string {
  return keepEnds(id.trim(), 6, 4, 8);
}

/** Mobile (optionally +86): 3 + **** + 4 (138****5678). Other numbers: only the last 4 digits shown, separators kept. */
export function maskPhone(phone: string): string {
  const value = phone.trim();
  const mobile = /^((?:\+?86[ -]?)?)(1\d{2})\d{4}(\d{4})$/.exec(value);
  if (mobile) return `${mobile[1]}${mobile[2]}****${mobile[3]}`;
  const keep = value.replace(/\D/g, '').length >= 8 ? 4 : 0;
  let shown = 0;
  let out = '';
  for (const ch of [...value].reverse()) {
    const hide = /\d/.test(ch) && shown++ >= keep;
    out = (hide ? '*' : ch) + out;
  }
  return out;
}

/** Name: the first character, then one '*' per remaining character (张** for 张三丰). A 1-character name is '*'. */
export function maskName(name: string): string {
  const chars = [...name.trim()];
  if (chars.length <= 1) return '*'.repeat(chars.length);
  return chars[0] + '*'.repeat(chars.length - 1);
}

/** Address: the first 6 characters (at most half of it), then '****': 甘肃省兰州市****. */
export function maskAddress(address: string): string {
  const chars = [...address.trim()];
  if (chars.length === 0) return '';
  return chars.slice(0, Math.min(6, Math.floor(chars.length / 2))).join('') + '****';
}

/** E-mail: first character of the local part, '***', the domain: z***@example.com. */
export function maskEmail(email: string): string {
  const value = email.trim();
  const at = value.lastIndexOf('@');
  if (at < 0) return maskName(value);
  const local = [...value.slice(0, at)];
  return (local.length > 1 ? local[0] : '') + '***' + value.slice(at);
}
