import { Alert, Descriptions, Input, Table } from 'antd';
import { useTranslation } from 'react-i18next';
import { useSearchParams } from 'react-router-dom';
import { type AuditEntry, api } from '../api';
import { ListPage } from '../components/ListPage';
import { LoadError } from '../components/serverErrors';
import { useListPage } from '../components/useListPage';
import { formatTime, useLabel } from '../i18n';

const mono = { fontFamily: 'ui-monospace, SFMono-Regular, Menlo, Consolas, monospace', fontSize: 12 };

/** An audit summary may be text or a JSON object: show it compactly either way. */
function Summary({ value }: { value: unknown }) {
  if (value === null || value === undefined || value === '') return <>—</>;
  if (typeof value === 'string') return <>{value}</>;
  if (typeof value === 'object' && !Array.isArray(value)) {
    const entries = Object.entries(value as Record<string, unknown>);
    return (
      <span style={{ display: 'inline-flex', flexWrap: 'wrap', gap: '2px 10px', fontSize: 12 }}>
        {entries.map(([k, v]) => (
          <span key={k}>
            <span style={{ color: '#8a94a6' }}>{k}</span>{' '}
            <span>{typeof v === 'string' || typeof v === 'number' ? String(v) : JSON.stringify(v)}</span>
          </span>
        ))}
      </span>
    );
  }
  return <span style={mono}>{JSON.stringify(value)}</span>;
}

export default function AuditLog() {
  const { t, i18n } = useTranslation();
  const lang = i18n.language;
  const label = useLabel();
  // ?action= and ?targetId= (links from other pages, e.g. a list's decisions) preset the filters
  const [params] = useSearchParams();
  const list = useListPage({
    store: 'state',
    initial: { action: params.get('action') ?? '', targetId: params.get('targetId') ?? '' },
    filters: (p) => ({ action: p.get('action') ?? '', targetId: p.get('targetId') ?? '', uscc: p.get('uscc') ?? '' }),
    fetch: ({ action, targetId, uscc }, page) =>
      api.audit.list({
        ...page,
        action: action || undefined,
        enterpriseUscc: uscc || undefined,
        targetId: targetId || undefined,
      }),
  });
  const { action, targetId } = list.filters;
  const domain = list.data?.domain ?? null;

  return (
    <ListPage
      title={t('audit.title')}
      onRefresh={() => void list.reload()}
      cardBody={{}}
      filters={
        <>
          <Input.Search
            allowClear
            style={{ width: 240 }}
            placeholder={t('audit.filterAction')}
            defaultValue={action}
            onSearch={(v) => list.setFilters({ action: v.trim() })}
            data-testid="audit-action"
          />
          <Input.Search
            allowClear
            style={{ width: 240 }}
            placeholder={t('audit.target')}
            defaultValue={targetId}
            onSearch={(v) => list.setFilters({ targetId: v.trim() })}
            data-testid="audit-target"
          />
          <Input.Search
            allowClear
            style={{ width: 260 }}
            placeholder={t('audit.filterUscc')}
            onSearch={(v) => list.setFilters({ uscc: v.trim().toUpperCase() })}
          />
        </>
      }
    >
      {domain ? (
        <Alert
          type="info"
          showIcon
          style={{ marginBottom: 12 }}
          data-testid="audit-domain"
          message={t('audit.domain', { department: label('role', domain.department) })}
          description={
            domain.actions.length
              ? domain.actions.map((a) => label('auditAction', a)).join('、')
              : t('audit.domainEmpty')
          }
        />
      ) : null}
      <LoadError error={list.error} />
      <Table<AuditEntry>
        rowKey="seq"
        size="small"
        loading={list.loading}
        dataSource={list.items}
        expandable={{
          expandedRowRender: (r) => (
            <Descriptions size="small" column={2} bordered>
              <Descriptions.Item label={t('audit.target')}>
                <span style={mono}>
                  {r.targetType ?? '—'}
                  {r.targetId ? `:${r.targetId}` : ''}
                </span>
              </Descriptions.Item>
              <Descriptions.Item label={t('audit.requestId')}>
                <span style={mono}>{r.requestId ?? '—'}</span>
              </Descriptions.Item>
              <Descriptions.Item label={t('audit.summary')} span={2}>
                <pre style={{ ...mono, margin: 0, whiteSpace: 'pre-wrap' }}>{JSON.stringify(r.summary, null, 2)}</pre>
              </Descriptions.Item>
            </Descriptions>
          ),
        }}
        pagination={list.pagination}
        columns={[
          { title: t('audit.seq'), dataIndex: 'seq', width: 64 },
          { title: t('audit.at'), dataIndex: 'at', width: 140, render: (v: string) => formatTime(v, lang) },
          {
            title: t('audit.actor'),
            key: 'actor',
            width: 150,
            render: (_: unknown, r) => (
              <div>
                <div>{r.actorName ?? '—'}</div>
                {r.actorRole && <div style={{ color: '#8a94a6', fontSize: 12 }}>{label('role', r.actorRole)}</div>}
              </div>
            ),
          },
          {
            title: t('audit.action'),
            dataIndex: 'action',
            width: 180,
            render: (v: string) => (
              <div>
                <div>{label('auditAction', v)}</div>
                <div style={{ ...mono, color: '#8a94a6' }}>{v}</div>
              </div>
            ),
          },
          {
            title: t('audit.enterprise'),
            dataIndex: 'enterpriseUscc',
            width: 170,
            render: (v: string | null) => <span style={mono}>{v ?? '—'}</span>,
          },
          { title: t('audit.summary'), dataIndex: 'summary', render: (v: unknown) => <Summary value={v} /> },
        ]}
      />
    </ListPage>
  );
}
