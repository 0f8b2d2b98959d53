import { SearchOutlined } from '@ant-design/icons';
import { Button, Input, Select, Table } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
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
import { ListPage } from '../components/ListPage';
import { useListPage } from '../components/useListPage';
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
  const { t } = useTranslation();
  const { me } = useAuth();
  const firstReason = useFirstReason();
  const list = useListPage({
    filters: (p) => {
      const status = p.get('status');
      return {
        status: (LIST_STATUSES as readonly string[]).includes(status ?? '') ? (status as ListStatus) : undefined,
        q: p.get('q') ?? '',
      };
    },
    fetch: ({ status, q }, page) => clearanceApi.lists({ status, q: q || undefined, ...page }),
  });
  const { status, q } = list.filters;
  const [search, setSearch] = useState(q);

  return (
    <ListPage
      title={t('clearance.title')}
      intro={scope === 'console' ? t('clearance.officerIntro') : t('clearance.intro')}
      onRefresh={() => void list.reload()}
      error={list.error}
      filters={
        <>
          <Input.Search
            allowClear
            style={{ width: 360 }}
            placeholder={t('clearance.search')}
            title={t('clearance.search')}
            value={search}
            onChange={(e) => setSearch(e.target.value)}
            onSearch={(v) => list.setFilters({ q: v.trim() })}
            enterButton={<SearchOutlined />}
            data-testid="clearance-search"
          />
          <Select<ListStatus>
            allowClear
            style={{ width: 150 }}
            placeholder={t('clearance.allStatuses')}
            value={status}
            onChange={(v) => list.setFilters({ status: v ?? null })}
            options={LIST_STATUSES.map((s) => ({ value: s, label: t(`clearance.status.${s}`) }))}
            data-testid="clearance-status"
          />
        </>
      }
      after={
        <ListDetailDrawer
          id={list.selected}
          onClose={list.closeRow}
          onChanged={() => void list.reload()}
          officer={scope === 'console' && me?.role === 'customs'}
        />
      }
    >
      <Table<ClearanceList>
        data-testid="clearance-lists"
        rowKey="id"
        size="middle"
        loading={list.loading}
        dataSource={list.items}
        onRow={(r) => ({ onClick: () => list.openRow(r.id), style: { cursor: 'pointer' } })}
        pagination={list.pagination}
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
              v ? <span style={mono}>{v}</span> : <span style={{ color: '#8a94a6' }}>{t('clearance.unnumbered')}</span>,
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
                  list.openRow(r.id);
                }}
              >
                {t('common.view')}
              </Button>
            ),
          },
        ]}
      />
    </ListPage>
  );
}
