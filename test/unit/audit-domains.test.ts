import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  AUDIT_ACTIONS,
  AUDIT_DOMAINS,
  actionsOf,
  DEPARTMENTS,
  departmentOfRole,
  departmentsOf,
} from '../../src/platform/audit/domains.js';

const SRC = join(import.meta.dirname, '../../src');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return path.endsWith('.ts') && !path.endsWith('.generated.ts') ? [path] : [];
  });
}

/**
 * Every audit action written anywhere in src: `action: 'x.y'` literals (audit actions are dotted; filing's own
 * event names are not), `action: \`x.${…}\`` templates, and `…_ACTION = 'x.y'` constants.
 */
function actionsInSources(): { literals: Map<string, string>; templates: Map<string, string> } {
  const literals = new Map<string, string>();
  const templates = new Map<string, string>();
  for (const file of sourceFiles(SRC)) {
    const text = readFileSync(file, 'utf8');
    const where = relative(SRC, file);
    for (const m of text.matchAll(/_ACTION\s*=\s*'([a-z][a-z-]*\.[a-z][a-z-]*)'/g)) literals.set(m[1] as string, where);
    for (const m of text.matchAll(/\baction:\s*`([^`]*\$\{[^`]*)`/g)) templates.set(m[1] as string, where);
    // every dotted literal on an action line (a ternary: action: cond ? 'user.disabled' : 'user.enabled')
    for (const line of text.matchAll(/\baction:[^\n]*/g)) {
      for (const m of line[0].matchAll(/'([a-z][a-z-]*\.[a-z][a-z-]*)'/g)) literals.set(m[1] as string, where);
    }
  }
  return { literals, templates };
}

describe('audit domains: every action belongs to a department’s domain (or to the platform admin’s)', () => {
  it('every audit action appended in src is in the mapping (a new action without a domain fails here)', () => {
    const { literals } = actionsInSources();
    // the scan finds the actions (guards the scan itself)
    expect(literals.size).toBeGreaterThan(25);
    const missing = [...literals].filter(([a]) => !(a in AUDIT_DOMAINS)).map(([a, file]) => `${a} (${file})`);
    expect(missing).toEqual([]);
  });

  it('every template action (filing.<decision>, clearance.<stage>-decided) has mapped actions of its form', () => {
    const { templates } = actionsInSources();
    expect(templates.size).toBeGreaterThanOrEqual(2);
    for (const [template, file] of templates) {
      const re = new RegExp(
        `^${template
          .split(/\$\{[^}]*\}/)
          .map((p) => p.replace(/[.*+?^$()|[\]\\]/g, '\\$&'))
          .join('[a-z-]+')}$`,
      );
      expect(
        AUDIT_ACTIONS.some((a) => re.test(a)),
        `${template} (${file})`,
      ).toBe(true);
    }
  });

  it('the mapping holds no action that nothing appends (a renamed action would leave one behind)', () => {
    const { literals, templates } = actionsInSources();
    const patterns = [...templates.keys()].map(
      (t) =>
        new RegExp(
          `^${t
            .split(/\$\{[^}]*\}/)
            .map((p) => p.replace(/[.*+?^$()|[\]\\]/g, '\\$&'))
            .join('[a-z-]+')}$`,
        ),
    );
    const orphans = AUDIT_ACTIONS.filter((a) => !literals.has(a) && !patterns.some((p) => p.test(a)));
    expect(orphans).toEqual([]);
  });

  it('filing and clearance decisions: customs and commerce; the tax bills’ payment: tax and customs', () => {
    expect(departmentsOf('filing.approve')).toEqual(['customs', 'commerce']);
    expect(departmentsOf('filing.submitted')).toEqual(['customs', 'commerce']);
    expect(departmentsOf('clearance.inspection-decided')).toEqual(['customs', 'commerce']);
    expect(departmentsOf('clearance.tax-consolidated')).toEqual(['tax', 'customs']);
    expect(departmentsOf('tables.imported')).toEqual(['customs', 'tax']);
  });

  it('personal-data reads: raw bodies to customs, quota checks to customs and commerce; never tax, forex, finance', () => {
    expect(departmentsOf('declaration.body-read')).toEqual(['customs']);
    expect(departmentsOf('clearance.quota-checked')).toEqual(['customs', 'commerce']);
  });

  it('the platform’s own administration (sign-ins, users, keys, webhooks) is the platform admin’s only', () => {
    for (const a of AUDIT_ACTIONS.filter((x) => /^(auth|user|api-key|webhook)\./.test(x))) {
      expect(departmentsOf(a), a).toEqual([]);
    }
    expect(departmentsOf('no.such-action')).toEqual([]);
  });

  it('each department’s domain: customs widest; tax the tables and tax bills; forex and finance none yet', () => {
    expect(actionsOf('tax').sort()).toEqual(['clearance.tax-consolidated', 'tables.imported', 'tables.seeded']);
    expect(actionsOf('forex')).toEqual([]);
    expect(actionsOf('finance')).toEqual([]);
    expect(actionsOf('commerce')).toContain('filing.approve');
    expect(actionsOf('commerce')).not.toContain('declaration.body-read');
    const customs = new Set(actionsOf('customs'));
    for (const d of ['commerce', 'tax'] as const) {
      for (const a of actionsOf(d)) expect(customs.has(a), `${d}: ${a}`).toBe(true);
    }
  });

  it('officers’ roles are departments; the admin and enterprise users are none', () => {
    for (const d of DEPARTMENTS) expect(departmentOfRole(d)).toBe(d);
    for (const r of ['platform_admin', 'enterprise_admin', 'enterprise_operator', 'api_key', 'system']) {
      expect(departmentOfRole(r)).toBeNull();
    }
  });
});
