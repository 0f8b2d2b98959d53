import { Descriptions, Empty, Table, Timeline, Typography } from 'antd';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import type { Enterprise, EnterpriseRole, FilingStatus, HistoryItem } from '../api';
import { formatTime, useLabel } from '../i18n';
import { RoleTags, StatusTag } from './StatusTag';

const mono = { fontFamily: 'ui-monospace, SFMono-Regular, Menlo, Consolas, monospace', whiteSpace: 'nowrap' } as const;
const dash = (v: string | null | undefined) => (v === null || v === undefined || v === '' ? '—' : v);

type Cell = { key: string; label: ReactNode; children: ReactNode; span?: 'filled' };

const ORDER_2 = [
  'uscc',
  'status',
  'nameCn',
  'nameEn',
  'customsCode',
  'dxpId',
  'legalName',
  'legalId',
  'address*',
  'regionCode',
  'originZone',
  'roles*',
  'reason*',
  'submittedAt',
  'approvedAt',
  'updatedAt',
  'version',
];
const ORDER_3 = [
  'uscc',
  'nameCn',
  'nameEn',
  'customsCode',
  'dxpId',
  'status',
  'legalName',
  'legalId',
  'regionCode',
  'address*',
  'roles*',
  'reason*',
  'submittedAt',
  'approvedAt',
  'updatedAt',
  'originZone',
  'version*',
];

/** Every field of a filing, personal fields masked. */
export function EnterpriseDescriptions({
  e,
  column = 2,
  vertical = false,
}: {
  e: Enterprise;
  column?: 2 | 3;
  /** Labels above values: fits three columns in a narrow card. */
  vertical?: boolean;
}) {
  const { t, i18n } = useTranslation();
  const lang = i18n.language;
  const cells: Record<string, Omit<Cell, 'key'> | null> = {
    uscc: { label: t('filing.uscc'), children: <span style={mono}>{e.uscc}</span> },
    status: { label: t('portal.status'), children: <StatusTag status={e.status} /> },
    nameCn: { label: t('filing.nameCn'), children: e.nameCn },
    nameEn: { label: t('filing.nameEn'), children: dash(e.nameEn) },
    customsCode: { label: t('filing.customsCode'), children: <span style={mono}>{dash(e.customsCode)}</span> },
    dxpId: { label: t('filing.dxpId'), children: <span style={mono}>{dash(e.dxpId)}</span> },
    legalName: { label: t('filing.legalName'), children: e.legalRepresentative.name },
    legalId: {
      label: t('filing.legalIdMasked'),
      children: <span style={mono}>{dash(e.legalRepresentative.idNumberMasked)}</span>,
    },
    address: { label: t('filing.registeredAddress'), children: e.registeredAddress },
    regionCode: { label: t('filing.regionCode'), children: <span style={mono}>{e.regionCode}</span> },
    originZone: { label: t('portal.originZone'), children: e.originZone ?? t('portal.originLocal') },
    roles: { label: t('filing.roles'), children: <RoleTags roles={e.roles} /> },
    reason: e.statusReason ? { label: t('portal.statusReason'), children: e.statusReason } : null,
    submittedAt: { label: t('portal.submittedAt'), children: formatTime(e.submittedAt, lang) },
    approvedAt: { label: t('portal.approvedAt'), children: formatTime(e.approvedAt, lang) },
    updatedAt: { label: t('portal.updatedAt'), children: formatTime(e.updatedAt, lang) },
    version: { label: t('portal.version'), children: e.version },
  };
  const items: Cell[] = [];
  for (const entry of column === 3 ? ORDER_3 : ORDER_2) {
    const filled = entry.endsWith('*');
    const key = filled ? entry.slice(0, -1) : entry;
    const cell = cells[key];
    if (cell) items.push({ key, ...cell, ...(filled ? { span: 'filled' as const } : {}) });
  }
  return (
    <Descriptions
      bordered
      size="small"
      column={column}
      layout={vertical ? 'vertical' : 'horizontal'}
      styles={{ label: vertical ? { color: '#667085' } : { width: 150 } }}
      items={items}
      data-testid="enterprise-fields"
    />
  );
}

export function ContactsTable({ contacts }: { contacts: Enterprise['contacts'] }) {
  const { t } = useTranslation();
  return (
    <Table
      size="small"
      rowKey={(_, i) => String(i)}
      pagination={false}
      dataSource={contacts}
      columns={[
        { title: t('filing.contactName'), dataIndex: 'name' },
        {
          title: t('filing.contactPhoneMasked'),
          dataIndex: 'phoneMasked',
          render: (v: string | null) => <span style={mono}>{dash(v)}</span>,
        },
        { title: t('filing.contactEmail'), dataIndex: 'email', render: (v: string | null) => dash(v) },
      ]}
    />
  );
}

const FIELD_LABELS: Record<string, string> = {
  customsCode: 'filing.customsCode',
  nameCn: 'filing.nameCn',
  nameEn: 'filing.nameEn',
  legalRepresentative: 'filing.legalName',
  registeredAddress: 'filing.registeredAddress',
  regionCode: 'filing.regionCode',
  contacts: 'filing.sectionContacts',
  dxpId: 'filing.dxpId',
  roles: 'filing.roles',
};

function isRecord(v: unknown): v is Record<string, unknown> {
  return !!v && typeof v === 'object' && !Array.isArray(v);
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' && v !== '' ? v : undefined;
}

/** Renders one value of a filing field, current or requested, whatever its shape. */
function FieldValue({ field, value }: { field: string; value: unknown }) {
  const { t } = useTranslation();
  if (value === null || value === undefined || value === '') return <>—</>;
  if (field === 'roles' && Array.isArray(value)) return <RoleTags roles={value as EnterpriseRole[]} />;
  if (field === 'contacts' && Array.isArray(value)) {
    return (
      <div>
        {value.map((c, i) => {
          const r = isRecord(c) ? c : {};
          const phone = str(r.phoneMasked) ?? str(r.phone) ?? (r.phoneEnc ? '***' : undefined);
          const parts = [str(r.name), phone, str(r.email)].filter(Boolean);
          return <div key={String(i)}>{parts.join(' · ')}</div>;
        })}
      </div>
    );
  }
  if (field === 'legalRepresentative' && isRecord(value)) {
    const id =
      str(value.idNumberMasked) ?? (value.idNumber || value.idNumberEnc ? t('filing.legalIdMasked') : undefined);
    return (
      <>
        {str(value.name) ?? '—'}
        {id ? <span style={{ color: '#8a94a6', marginInlineStart: 8 }}>{id}</span> : null}
      </>
    );
  }
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return <>{String(value)}</>;
  return <code style={{ fontSize: 12, whiteSpace: 'pre-wrap' }}>{JSON.stringify(value)}</code>;
}

/** The fields of a pending change request, current value beside the requested one. */
export function PendingChangeTable({ e }: { e: Enterprise }) {
  const { t } = useTranslation();
  const change = e.pendingChange;
  if (!change) return null;
  const current = e as unknown as Record<string, unknown>;
  const rows = Object.keys(change)
    .filter((k) => k in FIELD_LABELS || !['uscc', 'requestedAt', 'requestedBy', 'at', 'by'].includes(k))
    .map((k) => ({ key: k, current: current[k], requested: change[k] }));
  return (
    <Table
      size="small"
      pagination={false}
      rowKey="key"
      dataSource={rows}
      data-testid="pending-change"
      columns={[
        {
          title: t('console.field'),
          dataIndex: 'key',
          width: 150,
          render: (k: string) => (FIELD_LABELS[k] ? t(FIELD_LABELS[k] as never) : k),
        },
        {
          title: t('console.current'),
          dataIndex: 'current',
          render: (v: unknown, r) => <FieldValue field={r.key} value={v} />,
        },
        {
          title: t('console.requested'),
          dataIndex: 'requested',
          render: (v: unknown, r) => (
            <span style={{ color: '#1a5fb4', fontWeight: 500 }}>
              <FieldValue field={r.key} value={v} />
            </span>
          ),
        },
      ]}
    />
  );
}

const DOT: Record<FilingStatus, string> = {
  submitted: 'blue',
  change_requested: 'purple',
  approved: 'green',
  rejected: 'red',
  suspended: 'orange',
  revoked: 'gray',
};

export function HistoryTimeline({ items }: { items: HistoryItem[] }) {
  const { i18n } = useTranslation();
  const label = useLabel();
  const lang = i18n.language;
  if (items.length === 0) return <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} />;
  return (
    <Timeline
      data-testid="history"
      items={items.map((h) => ({
        key: String(h.id),
        color: DOT[h.toStatus] ?? 'blue',
        children: (
          <div>
            <div style={{ display: 'flex', gap: 8, alignItems: 'center', flexWrap: 'wrap' }}>
              <Typography.Text strong>{label('action', h.action)}</Typography.Text>
              <StatusTag status={h.toStatus} />
            </div>
            <div style={{ color: '#8a94a6', fontSize: 12, marginTop: 2 }}>
              {formatTime(h.at, lang)}
              {h.actorRole ? ` · ${label('role', h.actorRole)}` : ''}
            </div>
            {h.reason && (
              <div style={{ marginTop: 4, background: '#f6f8fb', padding: '4px 8px', borderRadius: 4 }}>{h.reason}</div>
            )}
          </div>
        ),
      }))}
    />
  );
}

export function SectionTitle({ children, extra }: { children: ReactNode; extra?: ReactNode }) {
  return (
    <div style={{ display: 'flex', alignItems: 'center', justifyContent: 'space-between', margin: '20px 0 10px' }}>
      <Typography.Title level={5} style={{ margin: 0 }}>
        {children}
      </Typography.Title>
      {extra}
    </div>
  );
}
