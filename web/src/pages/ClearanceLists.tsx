import { ReloadOutlined, SearchOutlined } from '@ant-design/icons';
import { Alert, Button, Card, Input, Select, Space, Table, type TablePaginationConfig, Typography } from 'antd';
import { useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useSearchParams } from 'react-router-dom';
import { errorText } from '../api';
import { useAuth } from '../auth';
import {
  type ClearanceList,
  clearanceApi,
  LIST_STATUSES,
  type ListStatus,
  reasonText,
  taxTotal,
  yuan,
} from '../clearance';
import { ListDetailDrawer, ListStatusTag, useMissingText } from '../components/Clearance';
import { mono } from '../components/Declaration';
import { EnterpriseCode } from '../enterprises';

/** The reason shown in the table: what the list waits for, why it was rejected, why an officer looks at it. */
function useFirstReason(): (l: ClearanceList) => string | null {
  const { t, i18n } = useTranslation();
  const missingText = useMissingText();
  return (l) => {
    const d = l.decision;
    if (!d) return null;
    if (d.outcome === 'waiting' && d.missing?.length)
      return t('clearance.waitingFor', { docs: missingText(d.missing) });
    const reasons = d.reasons ?? [];
    if (l.status === 'review') {
      const r = reasons.find((x) => x.rule.startsWith('review:')) ?? reasons[0];
      return r ? reasonText(r, i18n.language) : null;
    }
    if (l.status === 'inspection' && d.sampling) {
      return `${t('clearance.inspected')}（${t('clearance.rate')} ${Number((Number(d.sampling.rate) * 100).toFixed(4))}%）`;
    }
    if (l.status === 'rejected') {
      const first = reasons[0];
      if (!first) return null;
      const more = reasons.length > 1 ? ` (+${reasons.length - 1})` : '';
      return `${first.item !== undefined ? `${t('clearance.item', { n: first.item })} ` : ''}${reasonText(first, i18n.language)}${more}`;
    }
    return null;
  };
}

/**
 * 清单通关: the import lists the enterprise is party to (or, for officers, every list; read-only except the customs
 * decisions in the drawer), with their status, tax and reasons. Filters and the open list live in the address.
 */
export default function ClearanceLists({ scope = 'portal' }: { scope?: 'portal' | 'console' }) {
  const { t, i18n } = useTranslation();
  const lang = i18n.language;
  const { me } = useAuth();
  const firstReason = useFirstReason();
  const [params, setParams] = useSearchParams();
  const statusParam = params.get('status');
  const status = (LIST_STATUSES as readonly string[]).includes(statusParam ?? '')
    ? (statusParam as ListStatus)
    : undefined;
  const q = params.get('q') ?? '';
  const page = Number(params.get('page') ?? '1') || 1;
  const pageSize = Number(params.get('pageSize') ?? '20') || 20;
  const open = params.get('id');

  const [search, setSearch] = useState(q);
  const [data, setData] = useState<{ items: ClearanceList[]; total: number }>({ items: [], total: 0 });
  const [loading, setLoading] = useState(false);
  const [error, setError] = useState<unknown>(null);

  const key = JSON.stringify([status, q, page, pageSize]);
  // biome-ignore lint/correctness/useExhaustiveDependencies: `key` stands for the query
  const load = useCallback(async () => {
    setLoading(true);
    setError(null);
    try {
      const r = await clearanceApi.lists({ status, q: q || undefined, page, pageSize });
      setData({ items: r.items, total: r.total });
    } catch (err) {
      setError(err);
    } finally {
      setLoading(false);
    }
  }, [key]);

  useEffect(() => {
    void load();
  }, [load]);

  const update = (patch: Record<string, string | null | undefined>) => {
    const next = new URLSearchParams(params);
    for (const [k, v] of Object.entries(patch)) {
      if (v === null || v === undefined || v === '') next.delete(k);
      else next.set(k, v);
    }
    setParams(next, { replace: true });
  };

  const onTable = (p: TablePaginationConfig) => {
    update({ page: String(p.current ?? 1), pageSize: String(p.pageSize ?? 20) });
  };

  return (
    <div>
      <div style={{ display: 'flex', alignItems: 'center', gap: 8, marginBottom: 16 }}>
        <Typography.Title level={3} style={{ margin: 0, flex: 1 }}>
          {t('clearance.title')}
        </Typography.Title>
        <Button icon={<ReloadOutlined />} onClick={() => void load()}>
          {t('common.refresh')}
        </Button>
      </div>
      <Typography.Paragraph type="secondary" style={{ marginTop: -4 }}>
        {scope === 'console' ? t('clearance.officerIntro') : t('clearance.intro')}
      </Typography.Paragraph>
      <Card variant="borderless" styles={{ body: { paddingBottom: 8 } }}>
        <Space wrap size={12} style={{ marginBottom: 16 }}>
          <Input.Search
            allowClear
            style={{ width: 360 }}
            placeholder={t('clearance.search')}
            title={t('clearance.search')}
            value={search}
            onChange={(e) => setSearch(e.target.value)}
            onSearch={(v) => update({ q: v.trim(), page: null })}
            enterButton={<SearchOutlined />}
            data-testid="clearance-search"
          />
          <Select<ListStatus>
            allowClear
            style={{ width: 150 }}
            placeholder={t('clearance.allStatuses')}
            value={status}
            onChange={(v) => update({ status: v ?? null, page: null })}
            options={LIST_STATUSES.map((s) => ({ value: s, label: t(`clearance.status.${s}`) }))}
            data-testid="clearance-status"
          />
        </Space>
        {error ? <Alert type="error" showIcon message={errorText(error, lang)} style={{ marginBottom: 12 }} /> : null}
        <Table<ClearanceList>
          data-testid="clearance-lists"
          rowKey="id"
          size="middle"
          loading={loading}
          dataSource={data.items}
          onChange={onTable}
          onRow={(r) => ({ onClick: () => update({ id: r.id }), style: { cursor: 'pointer' } })}
          pagination={{
            current: page,
            pageSize,
            total: data.total,
            showSizeChanger: true,
            showTotal: (n) => t('common.total', { count: n }),
          }}
          columns={[
            {
              title: t('clearance.statusLabel'),
              dataIndex: 'status',
              width: 240,
              render: (s: ListStatus, r) => {
                const why = firstReason(r);
                return (
                  <div>
                    <ListStatusTag status={s} />{' '}
                    <span style={{ ...mono, color: '#8a94a6', fontSize: 12 }}>{r.returnStatus}</span>
                    {why && (
                      <div
                        style={{ fontSize: 12, marginTop: 4, color: s === 'rejected' ? '#cf1322' : undefined }}
                        data-testid="list-reason"
                      >
                        {why}
                      </div>
                    )}
                  </div>
                );
              },
            },
            {
              title: t('clearance.invtNo'),
              dataIndex: 'invtNo',
              width: 170,
              render: (v: string | null) =>
                v ? (
                  <span style={mono}>{v}</span>
                ) : (
                  <span style={{ color: '#8a94a6' }}>{t('clearance.unnumbered')}</span>
                ),
            },
            {
              title: `${t('clearance.orderNo')} / ${t('clearance.logisticsNo')}`,
              dataIndex: 'orderNo',
              render: (v: string, r) => (
                <div style={{ ...mono, whiteSpace: 'nowrap' }}>
                  <div>{v}</div>
                  <div style={{ color: '#8a94a6', fontSize: 12 }}>{r.logisticsNo}</div>
                </div>
              ),
            },
            {
              title: t('clearance.ebc'),
              dataIndex: 'ebcCode',
              width: 220,
              render: (v: string) => <EnterpriseCode code={v} />,
            },
            { title: t('clearance.amount'), dataIndex: 'amount', align: 'right', width: 110, render: yuan },
            {
              title: t('clearance.tax'),
              key: 'tax',
              align: 'right',
              width: 100,
              render: (_: unknown, r) => yuan(taxTotal(r.tax)),
            },
            {
              title: t('clearance.declaredOn'),
              dataIndex: 'declaredOn',
              width: 110,
              render: (v: string) => <span style={{ whiteSpace: 'nowrap' }}>{v}</span>,
            },
            {
              title: t('common.actions'),
              key: 'actions',
              width: 70,
              render: (_: unknown, r) => (
                <Button
                  type="link"
                  size="small"
                  onClick={(ev) => {
                    ev.stopPropagation();
                    update({ id: r.id });
                  }}
                >
                  {t('common.view')}
                </Button>
              ),
            },
          ]}
        />
      </Card>
      <ListDetailDrawer
        id={open}
        onClose={() => update({ id: null })}
        onChanged={() => void load()}
        officer={scope === 'console' && me?.role === 'customs'}
      />
    </div>
  );
}
