import { ReloadOutlined } from '@ant-design/icons';
import { Alert, Button, Card, Descriptions, Input, Space, Table, Typography } from 'antd';
import { useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useSearchParams } from 'react-router-dom';
import { type AuditDomain, type AuditEntry, api, errorText } from '../api';
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
  const [page, setPage] = useState(1);
  const [pageSize, setPageSize] = useState(20);
  const [action, setAction] = useState(params.get('action') ?? '');
  const [targetId, setTargetId] = useState(params.get('targetId') ?? '');
  const [uscc, setUscc] = useState('');
  const [data, setData] = useState<{ items: AuditEntry[]; total: number; domain: AuditDomain | null }>({
    items: [],
    total: 0,
    domain: null,
  });
  const [loading, setLoading] = useState(false);
  const [error, setError] = useState<unknown>(null);

  const load = useCallback(async () => {
    setLoading(true);
    setError(null);
    try {
      const r = await api.audit.list({
        page,
        pageSize,
        action: action || undefined,
        enterpriseUscc: uscc || undefined,
        targetId: targetId || undefined,
      });
      setData({ items: r.items, total: r.total, domain: r.domain ?? null });
    } catch (err) {
      setError(err);
    } finally {
      setLoading(false);
    }
  }, [page, pageSize, action, uscc, targetId]);

  useEffect(() => {
    void load();
  }, [load]);

  return (
    <div>
      <div style={{ display: 'flex', alignItems: 'center', marginBottom: 16 }}>
        <Typography.Title level={3} style={{ margin: 0, flex: 1 }}>
          {t('audit.title')}
        </Typography.Title>
        <Button icon={<ReloadOutlined />} onClick={() => void load()}>
          {t('common.refresh')}
        </Button>
      </div>
      <Card variant="borderless">
        <Space wrap size={12} style={{ marginBottom: 16 }}>
          <Input.Search
            allowClear
            style={{ width: 240 }}
            placeholder={t('audit.filterAction')}
            defaultValue={action}
            onSearch={(v) => {
              setAction(v.trim());
              setPage(1);
            }}
            data-testid="audit-action"
          />
          <Input.Search
            allowClear
            style={{ width: 240 }}
            placeholder={t('audit.target')}
            defaultValue={targetId}
            onSearch={(v) => {
              setTargetId(v.trim());
              setPage(1);
            }}
            data-testid="audit-target"
          />
          <Input.Search
            allowClear
            style={{ width: 260 }}
            placeholder={t('audit.filterUscc')}
            onSearch={(v) => {
              setUscc(v.trim().toUpperCase());
              setPage(1);
            }}
          />
        </Space>
        {data.domain ? (
          <Alert
            type="info"
            showIcon
            style={{ marginBottom: 12 }}
            data-testid="audit-domain"
            message={t('audit.domain', { department: label('role', data.domain.department) })}
            description={
              data.domain.actions.length
                ? data.domain.actions.map((a) => label('auditAction', a)).join('、')
                : t('audit.domainEmpty')
            }
          />
        ) : null}
        {error ? <Alert type="error" showIcon message={errorText(error, lang)} style={{ marginBottom: 12 }} /> : null}
        <Table<AuditEntry>
          rowKey="seq"
          size="small"
          loading={loading}
          dataSource={data.items}
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
          pagination={{
            current: page,
            pageSize,
            total: data.total,
            showSizeChanger: true,
            showTotal: (n) => t('common.total', { count: n }),
            onChange: (p, s) => {
              setPage(p);
              setPageSize(s);
            },
          }}
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
      </Card>
    </div>
  );
}
